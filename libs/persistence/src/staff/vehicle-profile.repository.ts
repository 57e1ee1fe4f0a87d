import { Injectable } from '@nestjs/common';
import { AppConfig, creditPlanRulesFrom } from '@oc/config';
import { planCredit, vehicleKey, workingDayDeadline, type PlateColorCode } from '@oc/domain';
import { CreditRepository } from '../credit/credit.repository';
import { DatabaseConnection } from '../database.module';
import { RegistryReadRepository } from './registry-read.repository';
import {
  LISTING_COLUMNS,
  ListingRow,
  toListingView,
  toViolationView,
  VIOLATION_COLUMNS,
  ViolationRow,
} from './staff-mappers';
import type { VehicleCreditState, VehicleProfileView } from './staff-read-models';

/**
 * The vehicle profile (SPEC §6). vehicle_states.count_in_window is as of the vehicle's last change, so
 * the state and the count are the credit plan's (libs/domain `planCredit`) as of `now`, from the same
 * facts the write path loads: one definition of "credit as of now". A change the scheduler has not
 * committed yet (a notice period that just ended) already shows here; the gate follows its commit. The
 * registration is the vehicle registry's record now (a listing keeps its party as of its creation).
 */
@Injectable()
export class VehicleProfileRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly config: AppConfig,
    private readonly registry: RegistryReadRepository,
  ) {}

  private readonly credit = new CreditRepository();

  /** `plate` is normalised and valid; an unknown vehicle is CLEAR with empty lists. */
  async profile(plateColor: PlateColorCode, plate: string, now: Date): Promise<VehicleProfileView> {
    const key = vehicleKey(plateColor, plate);
    const ds = await this.db.ready();
    const violations = (await ds.query(
      `SELECT ${VIOLATION_COLUMNS} FROM violations v WHERE v.vehicle_key = $1 ORDER BY v.measured_at DESC, v.id DESC`,
      [key],
    )) as ViolationRow[];
    const listings = (await ds.query(
      `SELECT ${LISTING_COLUMNS} FROM listings l WHERE l.vehicle_key = $1 ORDER BY l.listed_at DESC, l.id DESC`,
      [key],
    )) as ListingRow[];
    const registration = await this.registry.registration(plateColor, plate);

    const facts = (await this.credit.loadFacts(ds.manager, [key])).get(key)!;
    const plan = planCredit({
      facts,
      rules: creditPlanRulesFrom(this.config),
      deadline: (trigger, days) => workingDayDeadline(trigger, days),
      now,
      actor: 'system',
      newId: () => 'not-written',
    });
    const credit = plan.state ?? facts.state ?? { state: 'CLEAR' as const, countInWindow: 0 };
    const state: VehicleCreditState = credit.state;
    const workingDays = this.config.PUBLICATION_DEADLINE_WORKING_DAYS;
    return {
      plate,
      plateColor,
      state,
      countInWindow: credit.countInWindow,
      violations: violations.map(toViolationView),
      listings: listings.map((l) => toListingView(l, now, workingDays)),
      registration,
    };
  }
}
