import type { EntityManager } from 'typeorm';
import { DomainError, DomainErrorCode } from '@oc/domain';
import type { CreditRepository } from '@oc/persistence';
import type { ListingRecord, StaffWorkflowRepository } from '@oc/persistence';

/**
 * Takes the vehicle lock of a listing (the one lock ingest, the expiry scheduler and every staff
 * action serialise on), then reads the listing as it is under that lock. 404 when it does not exist.
 */
export async function lockListing(
  manager: EntityManager,
  listingId: string,
  repository: StaffWorkflowRepository,
  credit: CreditRepository,
): Promise<ListingRecord> {
  const found = await repository.findListing(manager, listingId);
  if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `listing ${listingId} not found`);
  await credit.lockVehicles(manager, [found.vehicleKey]);
  return (await repository.findListing(manager, listingId))!;
}
