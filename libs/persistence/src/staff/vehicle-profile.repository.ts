import { Injectable } from '@nestjs/common';
import { AppConfig, creditRulesFrom } from '@oc/config';
import { deriveCredit, ListingEnding, vehicleKey, type PlateColorCode } from '@oc/domain';
import { PERMIT_EXEMPTED } from '../credit/credit.repository';
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
 * the count and CLEAR/WATCH are derived again as of `now` with the domain's own fold (§4.3), from the
 * same facts and endings the recount uses. LISTED/PUBLISHED come from the stored active listing. The
 * registration is the vehicle registry's record now (a listing keeps its party as of its creation).
 */
@Injectable()
export class VehicleProfileRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly config: AppConfig,
    private readonly registry: RegistryReadRepository,
  ) {}

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

    const counted = violations.filter((v) => v.status !== 'REVOKED');
    const latest = counted.reduce((max, v) => Math.max(max, new Date(v.measured_at).getTime()), 0);
    // As the recount: a listing withdrawn because a permit exempted its acts is no fresh start.
    const endings: ListingEnding[] = listings
      .filter((l) => (l.status === 'REPAIRED' || l.status === 'REVOKED') && l.ended_at)
      .filter((l) => l.end_reason !== PERMIT_EXEMPTED)
      .map((l) => ({ listingId: l.id, endedAt: new Date(l.ended_at!), status: l.status as 'REPAIRED' | 'REVOKED' }));
    const derivation = deriveCredit({
      violations: counted.map((v) => ({ id: v.id, eventId: v.event_id, measuredAt: new Date(v.measured_at) })),
      endings,
      rules: creditRulesFrom(this.config),
      // As the recount does: a reading stamped slightly ahead of this clock still counts.
      now: new Date(Math.max(now.getTime(), latest)),
    });

    const active = listings.find((l) => l.status === 'LISTED' || l.status === 'PUBLISHED');
    const state: VehicleCreditState = active
      ? (active.status as 'LISTED' | 'PUBLISHED')
      : derivation.countInWindow > 0
        ? 'WATCH'
        : 'CLEAR';
    const workingDays = this.config.PUBLICATION_DEADLINE_WORKING_DAYS;
    return {
      plate,
      plateColor,
      state,
      countInWindow: derivation.countInWindow,
      violations: violations.map(toViolationView),
      listings: listings.map((l) => toListingView(l, now, workingDays)),
      registration,
    };
  }
}
