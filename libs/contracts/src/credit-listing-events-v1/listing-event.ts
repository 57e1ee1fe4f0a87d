import type { ListingEventType } from '@oc/domain';

export type { ListingEventType };

/** `credit.listing-events.v1` (SPEC §5), key = vehicle key "<plateColorCode>:<plate>". */
export interface ListingEventV1 {
  eventId: string;
  type: ListingEventType;
  listingId: string;
  plate: string;
  plateColor: number;
  /**
   * ISO 8601 with offset: when the change took effect (listedAt for PENDING, effectiveAt for LISTED,
   * publishedAt for PUBLISHED, the withdrawal for POSTING_WITHDRAWN, the end for the others).
   */
  at: string;
  /** Acts (trips), not weighings. */
  violationCount: number;
  /** POSTING_WITHDRAWN: REPAIRED | REVOKED | CORRECTED | PERIOD_END | LISTING_EXPIRED. */
  reason?: string;
}
