import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ReviewStatus } from '@oc/domain';
import { REGION_SQL } from '../staff/jurisdiction.repository';

/** A proposed revocation of a violation (SPEC §4.4: a two-person act). */
export interface RevocationRecord {
  id: string;
  violationId: string;
  vehicleKey: string;
  reason: string;
  withCase: boolean;
  status: ReviewStatus;
  proposedBy: string;
  proposedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  opinion: string | null;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): RevocationRecord => ({
  id: r.id as string,
  violationId: r.violation_id as string,
  vehicleKey: r.vehicle_key as string,
  reason: r.reason as string,
  withCase: Boolean(r.with_case),
  status: r.status as ReviewStatus,
  proposedBy: r.proposed_by as string,
  proposedAt: r.proposed_at as Date,
  reviewedBy: (r.reviewed_by as string) ?? null,
  reviewedAt: (r.reviewed_at as Date) ?? null,
  opinion: (r.opinion as string) ?? null,
});

/** SQL of violation_revocations, inside the caller's transaction (the vehicle lock is held). */
@Injectable()
export class RevocationRepository {
  async pendingOf(manager: EntityManager, violationId: string): Promise<RevocationRecord | null> {
    const [row] = (await manager.query(
      `SELECT * FROM violation_revocations WHERE violation_id = $1 AND status = 'PENDING'`,
      [violationId],
    )) as Row[];
    return row ? toRecord(row) : null;
  }

  async insert(
    manager: EntityManager,
    r: Pick<
      RevocationRecord,
      'id' | 'violationId' | 'vehicleKey' | 'reason' | 'withCase' | 'proposedBy' | 'proposedAt'
    >,
  ): Promise<RevocationRecord> {
    const [row] = (await manager.query(
      `INSERT INTO violation_revocations (id, violation_id, vehicle_key, reason, with_case, status, proposed_by, proposed_at)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7) RETURNING *`,
      [r.id, r.violationId, r.vehicleKey, r.reason, r.withCase, r.proposedBy, r.proposedAt.toISOString()],
    )) as Row[];
    return toRecord(row!);
  }

  async decide(
    manager: EntityManager,
    id: string,
    d: { status: 'APPROVED' | 'REJECTED'; reviewedBy: string; reviewedAt: Date; opinion: string },
  ): Promise<RevocationRecord> {
    await manager.query(
      `UPDATE violation_revocations SET status = $2, reviewed_by = $3, reviewed_at = $4, opinion = $5 WHERE id = $1`,
      [id, d.status, d.reviewedBy, d.reviewedAt.toISOString(), d.opinion],
    );
    const [row] = (await manager.query(`SELECT * FROM violation_revocations WHERE id = $1`, [id])) as Row[];
    return toRecord(row!);
  }

  /**
   * The review queue (§4.4): pending first, oldest first. `regionPatterns` (regionLikePatterns of the
   * caller's regions claim; null: the whole city): only proposals on violations weighed in those regions
   * (SPEC §4.8), the rule the review itself is checked by.
   */
  async list(
    manager: EntityManager,
    status: ReviewStatus | undefined,
    limit: number,
    offset: number,
    regionPatterns: string[] | null = null,
  ) {
    const where = `WHERE ($1::text IS NULL OR r.status = $1)
        AND ($2::text[] IS NULL OR ${REGION_SQL.station('v').replace('$?', '$2')})`;
    const rows = (await manager.query(
      `SELECT r.*, v.measured_at, v.station_id, v.over_kg, v.status AS violation_status,
              v.listing_id, l.plate, l.plate_color
         FROM violation_revocations r JOIN violations v ON v.id = r.violation_id
         LEFT JOIN listings l ON l.id = v.listing_id
        ${where}
        ORDER BY r.proposed_at, r.id LIMIT $3 OFFSET $4`,
      [status ?? null, regionPatterns, limit, offset],
    )) as Row[];
    const [count] = (await manager.query(
      `SELECT count(*) AS n FROM violation_revocations r JOIN violations v ON v.id = r.violation_id ${where}`,
      [status ?? null, regionPatterns],
    )) as { n: string }[];
    return {
      total: Number(count!.n),
      items: rows.map((r) => ({
        ...toRecord(r),
        violation: {
          measuredAt: r.measured_at as Date,
          stationId: r.station_id as string,
          overKg: Number(r.over_kg),
          status: r.violation_status as string,
          listingId: (r.listing_id as string) ?? null,
        },
        vehicleKey: r.vehicle_key as string,
      })),
    };
  }
}
