import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@oc/persistence';
import { CompanyCreditService } from './company/company-credit.service';
import { CreditRecountService } from './credit-recount.service';

/**
 * What the clock alone changes (SPEC §4.4): a PENDING listing whose notice period has ended takes
 * effect, a listing in effect expires at effectiveAt + LISTING_VALIDITY_DAYS, a posting is archived at
 * the end of its period. Each happens at its own instant, not when this runs, because the credit plan
 * dates it from the facts. Several ingest instances may run it at once: the plan takes the vehicle
 * lock and is idempotent, so a second scheduler finds nothing left to do. No row locks are taken
 * first: that would invert the lock order of ingest and staff actions (deadlock).
 */
@Injectable()
export class CreditSchedulerService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly recount: CreditRecountService,
    private readonly companies: CompanyCreditService,
  ) {}

  /**
   * Runs what is due at `now` for up to `limit` vehicles, then for up to `limit` companies (SPEC §4.9:
   * those whose vehicles' listings or registrations changed, and those with a step due); returns how
   * many vehicles and companies changed.
   */
  async runDue(now: Date, limit = 500): Promise<number> {
    const vehicles = await this.runVehicles(now, limit);
    return vehicles + (await this.runCompanies(now, limit));
  }

  private async runCompanies(now: Date, limit: number): Promise<number> {
    const ds = await this.db.ready();
    return ds.transaction(async (manager) => {
      const due = await this.companies.companies.takeDue(manager, now, limit);
      if (due.length === 0) return 0;
      const plans = await this.companies.recount(manager, due, { now, actor: 'system' });
      return plans.filter((p) => p.createdListings.length + p.changedListings.length > 0).length;
    });
  }

  private async runVehicles(now: Date, limit: number): Promise<number> {
    const ds = await this.db.ready();
    return ds.transaction(async (manager) => {
      // Candidates only: the plan decides (an objection may still hold a pending listing).
      const due = (await manager.query(
        `(SELECT vehicle_key FROM listings
           WHERE status IN ('LISTED','PUBLISHED') AND expires_at <= $1 ORDER BY expires_at LIMIT $2)
         UNION
         (SELECT l.vehicle_key FROM listings l JOIN notices n ON n.listing_id = l.id
           WHERE l.status = 'PENDING' AND n.status = 'SERVED' AND n.period_ends_at <= $1
             AND NOT EXISTS (
               SELECT 1 FROM objections o
               WHERE o.vehicle_key = l.vehicle_key AND o.status = 'PENDING' AND o.received_at < n.period_ends_at
                 AND (o.listing_id = l.id OR o.violation_ids && ARRAY(SELECT v.id FROM violations v WHERE v.listing_id = l.id)))
           ORDER BY n.period_ends_at LIMIT $2)
         UNION
         (SELECT vehicle_key FROM listings
           WHERE posting_status IN ('POSTED','WITHDRAWN') AND publication_ends_at <= $1
           ORDER BY publication_ends_at LIMIT $2)`,
        [now.toISOString(), limit],
      )) as { vehicle_key: string }[];
      if (due.length === 0) return 0;
      const result = await this.recount.recount(
        manager,
        due.map((d) => d.vehicle_key),
        { now, actor: 'system' },
      );
      return result.vehiclesChanged;
    });
  }
}
