import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@oc/persistence';
import { CreditRecountService } from './credit-recount.service';

/**
 * LISTED/PUBLISHED → EXPIRED once listedAt + LISTING_VALIDITY_DAYS has passed (SPEC §4.4). The
 * listing ends at that instant, not when this runs, because the recount derives it from listedAt.
 * Several ingest instances may run it at once: the recount takes the per-vehicle lock and is
 * idempotent, so a second scheduler finds the listing already expired and changes nothing. No row
 * locks are taken first: that would invert the lock order of ingest and staff actions (deadlock).
 */
@Injectable()
export class ListingExpiryService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly recount: CreditRecountService,
  ) {}

  /** Expires what is due at `now`; returns how many listings ended. */
  async expireDue(now: Date, limit = 500): Promise<number> {
    const ds = await this.db.ready();
    return ds.transaction(async (manager) => {
      const due = (await manager.query(
        `SELECT vehicle_key FROM listings
         WHERE status IN ('LISTED','PUBLISHED') AND expires_at <= $1
         ORDER BY expires_at LIMIT $2`,
        [now.toISOString(), limit],
      )) as { vehicle_key: string }[];
      if (due.length === 0) return 0;
      const result = await this.recount.recount(
        manager,
        due.map((d) => d.vehicle_key),
        { now, actor: 'system' },
      );
      return result.listingsEnded;
    });
  }
}
