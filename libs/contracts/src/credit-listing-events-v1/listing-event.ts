/** `credit.listing-events.v1` (SPEC §5), key = vehicle key "<plateColorCode>:<plate>". */
export type ListingEventType = 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';

export interface ListingEventV1 {
  eventId: string;
  type: ListingEventType;
  listingId: string;
  plate: string;
  plateColor: number;
  /** ISO 8601 with offset: when the change took effect (listedAt for LISTED, the end for the others). */
  at: string;
  /** Acts (trips), not weighings. */
  violationCount: number;
}
