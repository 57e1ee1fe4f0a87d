import type { VehicleCacheEntry } from '@oc/cache';
import type { ListingEventType, ListingEventV1 } from '@oc/contracts';
import type { OutboxMessage } from '@oc/persistence';
import type { ListingRecord } from '@oc/persistence';

/**
 * The outbox row of a staff decision, as the recount writes its own: the `credit.listing-events.v1`
 * event, keyed by vehicle, with the vehicle's cache entry riding on it so that the relay moves the
 * gate in the same step (SPEC §5: versioned, an older entry never overwrites a newer one).
 */
export function listingEventMessage(
  topic: string,
  listing: ListingRecord,
  type: ListingEventType,
  at: Date,
  cache: VehicleCacheEntry,
): OutboxMessage {
  const event: ListingEventV1 = {
    eventId: `${listing.id}:${type}`,
    type,
    listingId: listing.id,
    plate: listing.plate,
    plateColor: listing.plateColor,
    at: at.toISOString(),
    violationCount: listing.violationCount,
  };
  return { topic, key: listing.vehicleKey, payload: { event, cache } };
}

/** What the gate needs of an active listing. */
export function cachedListing(listing: ListingRecord): VehicleCacheEntry['listing'] {
  if (listing.status !== 'LISTED' && listing.status !== 'PUBLISHED') return null;
  return {
    id: listing.id,
    status: listing.status,
    listedAt: listing.listedAt.toISOString(),
    violationCount: listing.violationCount,
  };
}
