import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ListingParty } from '../registry/registry-lookups';

export interface VehicleViolationRow {
  id: string;
  eventId: string;
  vehicleKey: string;
  measuredAt: Date;
  status: 'OPEN' | 'PROCESSED' | 'REVOKED';
  tripId: string | null;
  listingId: string | null;
}

export interface VehicleListingRow {
  id: string;
  vehicleKey: string;
  plate: string;
  plateColor: number;
  status: 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';
  listedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  violationCount: number;
}

export interface VehicleStateRow {
  vehicleKey: string;
  plate: string;
  plateColor: number;
  state: 'CLEAR' | 'WATCH' | 'LISTED' | 'PUBLISHED';
  countInWindow: number;
  activeListingId: string | null;
  version: number;
}

export interface VehicleFacts {
  violations: VehicleViolationRow[];
  listings: VehicleListingRow[];
  state: VehicleStateRow | null;
}

export interface ListingWrite {
  id: string;
  vehicleKey: string;
  plate: string;
  plateColor: number;
  status: VehicleListingRow['status'];
  listedAt: Date;
  expiresAt: Date;
  violationCount: number;
  endedAt: Date | null;
  endReason: string | null;
  /** Only for a new listing: the party from the vehicle registry at its creation (null = not registered). */
  party?: ListingParty | null;
}

/**
 * The end reason of a listing whose acts a later permit record exempted (a REVOKED listing that is
 * not a fresh start of the count): every arrival order of weighings and permits counts the same.
 */
export const PERMIT_EXEMPTED = 'PERMIT_EXEMPTED';

/** SQL of the credit recount: one vehicle set at a time, inside the caller's transaction. */
@Injectable()
export class CreditRepository {
  /**
   * Serialises work per vehicle across partitions, instances and staff actions. Locks are taken in
   * key order so two transactions never wait on each other in a cycle.
   */
  async lockVehicles(manager: EntityManager, vehicleKeys: string[]): Promise<void> {
    if (vehicleKeys.length === 0) return;
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(h)) FROM (
         SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1
       ) AS locks`,
      [vehicleKeys],
    );
  }

  async loadFacts(manager: EntityManager, vehicleKeys: string[]): Promise<Map<string, VehicleFacts>> {
    const facts = new Map<string, VehicleFacts>(
      vehicleKeys.map((k) => [k, { violations: [], listings: [], state: null }]),
    );
    // One connection runs one query at a time: sequential, not Promise.all.
    const violations = (await manager.query(
      `SELECT id, event_id, vehicle_key, measured_at, status, trip_id, listing_id FROM violations
         WHERE vehicle_key = ANY($1::text[])`,
      [vehicleKeys],
    )) as Record<string, unknown>[];
    const listings = (await manager.query(
      // A listing withdrawn because a permit record exempted its acts stays on record but is no fact of
      // counting (docs/rules.md, permits): not a fresh start, and not a listing the derivation must match.
      `SELECT id, vehicle_key, plate, plate_color, status, listed_at, expires_at, ended_at, violation_count FROM listings
         WHERE vehicle_key = ANY($1::text[]) AND end_reason IS DISTINCT FROM '${PERMIT_EXEMPTED}'`,
      [vehicleKeys],
    )) as Record<string, unknown>[];
    const states = (await manager.query(
      `SELECT vehicle_key, plate, plate_color, state, count_in_window, active_listing_id, version FROM vehicle_states
         WHERE vehicle_key = ANY($1::text[])`,
      [vehicleKeys],
    )) as Record<string, unknown>[];
    for (const r of violations) {
      facts.get(r.vehicle_key as string)!.violations.push({
        id: r.id as string,
        eventId: r.event_id as string,
        vehicleKey: r.vehicle_key as string,
        measuredAt: r.measured_at as Date,
        status: r.status as VehicleViolationRow['status'],
        tripId: (r.trip_id as string) ?? null,
        listingId: (r.listing_id as string) ?? null,
      });
    }
    for (const r of listings) {
      facts.get(r.vehicle_key as string)!.listings.push({
        id: r.id as string,
        vehicleKey: r.vehicle_key as string,
        plate: r.plate as string,
        plateColor: Number(r.plate_color),
        status: r.status as VehicleListingRow['status'],
        listedAt: r.listed_at as Date,
        expiresAt: r.expires_at as Date,
        endedAt: (r.ended_at as Date) ?? null,
        violationCount: Number(r.violation_count),
      });
    }
    for (const r of states) {
      facts.get(r.vehicle_key as string)!.state = {
        vehicleKey: r.vehicle_key as string,
        plate: r.plate as string,
        plateColor: Number(r.plate_color),
        state: r.state as VehicleStateRow['state'],
        countInWindow: Number(r.count_in_window),
        activeListingId: (r.active_listing_id as string) ?? null,
        version: Number(r.version),
      };
    }
    return facts;
  }

  /** Ends listings first, so that the "one active listing per vehicle" index holds at every step. */
  async endListings(
    manager: EntityManager,
    ends: { id: string; status: 'EXPIRED' | 'REVOKED' | 'REPAIRED'; endedAt: Date; endReason: string }[],
  ): Promise<void> {
    if (ends.length === 0) return;
    await manager.query(
      `UPDATE listings l SET status = e.status, ended_at = e.ended_at, end_reason = e.end_reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS e(id, status, ended_at, end_reason)
       WHERE l.id = e.id`,
      [
        ends.map((e) => e.id),
        ends.map((e) => e.status),
        ends.map((e) => e.endedAt.toISOString()),
        ends.map((e) => e.endReason),
      ],
    );
  }

  async updateListings(manager: EntityManager, rows: ListingWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE listings l SET listed_at = u.listed_at, expires_at = u.expires_at, violation_count = u.violation_count,
         ended_at = COALESCE(u.ended_at, l.ended_at), updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::integer[], $5::timestamptz[])
         AS u(id, listed_at, expires_at, violation_count, ended_at)
       WHERE l.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.listedAt.toISOString()),
        rows.map((r) => r.expiresAt.toISOString()),
        rows.map((r) => r.violationCount),
        rows.map((r) => r.endedAt?.toISOString() ?? null),
      ],
    );
  }

  async insertListings(manager: EntityManager, rows: ListingWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO listings (id, vehicle_key, plate, plate_color, status, listed_at, expires_at, violation_count, ended_at, end_reason, party)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::timestamptz[],
                            $7::timestamptz[], $8::integer[], $9::timestamptz[], $10::text[], $11::jsonb[])`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.vehicleKey),
        rows.map((r) => r.plate),
        rows.map((r) => r.plateColor),
        rows.map((r) => r.status),
        rows.map((r) => r.listedAt.toISOString()),
        rows.map((r) => r.expiresAt.toISOString()),
        rows.map((r) => r.violationCount),
        rows.map((r) => r.endedAt?.toISOString() ?? null),
        rows.map((r) => r.endReason),
        rows.map((r) => (r.party ? JSON.stringify(r.party) : null)),
      ],
    );
  }

  /** Writes each violation's trip and listing where they changed. */
  async assignViolations(
    manager: EntityManager,
    rows: { id: string; tripId: string | null; listingId: string | null }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE violations v SET trip_id = a.trip_id, listing_id = a.listing_id, updated_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS a(id, trip_id, listing_id)
       WHERE v.id = a.id`,
      [rows.map((r) => r.id), rows.map((r) => r.tripId), rows.map((r) => r.listingId)],
    );
  }

  /** Upserts vehicle states; the version grows by one with every write. Returns the new versions. */
  async saveStates(manager: EntityManager, rows: Omit<VehicleStateRow, 'version'>[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const result = (await manager.query(
      `INSERT INTO vehicle_states AS s (vehicle_key, plate, plate_color, state, count_in_window, active_listing_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::integer[], $6::uuid[])
       ON CONFLICT (vehicle_key) DO UPDATE SET
         state = EXCLUDED.state, count_in_window = EXCLUDED.count_in_window,
         active_listing_id = EXCLUDED.active_listing_id, version = s.version + 1, updated_at = now()
       RETURNING vehicle_key, version`,
      [
        rows.map((r) => r.vehicleKey),
        rows.map((r) => r.plate),
        rows.map((r) => r.plateColor),
        rows.map((r) => r.state),
        rows.map((r) => r.countInWindow),
        rows.map((r) => r.activeListingId),
      ],
    )) as { vehicle_key: string; version: string }[];
    return new Map(result.map((r) => [r.vehicle_key, Number(r.version)]));
  }
}
