import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { noticeNumber, shanghaiYear, type NoticeDocument, type NoticeParty, type NoticeWeighing } from '@oc/domain';

export interface NoticeInsert {
  id: string;
  noticeNo: string;
  year: number;
  seq: number;
  listingId: string;
  vehicleKey: string;
  party: NoticeParty | null;
  document: NoticeDocument;
  issuedAt: Date;
}

/** SQL of the notices (告知书, SPEC §4.10), inside the caller's transaction (the vehicle lock is held). */
@Injectable()
export class NoticeRepository {
  /**
   * The next numbers of the year, without gaps: the counter row stays locked until commit, so numbers
   * follow commit order and a rolled-back transaction gives its numbers back.
   */
  async takeNumbers(
    manager: EntityManager,
    issuedAt: Date,
    count: number,
  ): Promise<{ year: number; seq: number; noticeNo: string }[]> {
    const year = shanghaiYear(issuedAt);
    const [row] = (await manager.query(
      `INSERT INTO notice_numbers (year, last) VALUES ($1, $2)
       ON CONFLICT (year) DO UPDATE SET last = notice_numbers.last + $2
       RETURNING last`,
      [year, count],
    )) as { last: number }[];
    const first = Number(row!.last) - count + 1;
    return Array.from({ length: count }, (_, i) => ({ year, seq: first + i, noticeNo: noticeNumber(year, first + i) }));
  }

  /** The weighings of each listing's violations, by trip (the grounds of its notice). */
  async groundsOf(
    manager: EntityManager,
    listingIds: string[],
  ): Promise<Map<string, { tripId: string; weighings: NoticeWeighing[] }[]>> {
    const rows = (await manager.query(
      `SELECT v.listing_id, v.trip_id, v.id AS violation_id, v.event_id, v.station_id, s.name AS station_name,
              v.measured_at, v.axles, v.gross_weight_kg, v.limit_kg, v.over_kg, w.evidence
         FROM violations v
         JOIN weighings w ON w.id = v.weighing_id
         LEFT JOIN stations s ON s.station_id = v.station_id
        WHERE v.listing_id = ANY($1::uuid[]) AND v.status <> 'REVOKED'
        ORDER BY v.listing_id, v.measured_at, v.id`,
      [listingIds],
    )) as Record<string, unknown>[];
    const result = new Map<string, { tripId: string; weighings: NoticeWeighing[] }[]>();
    for (const r of rows) {
      const trips = result.get(r.listing_id as string) ?? [];
      result.set(r.listing_id as string, trips);
      const tripId = (r.trip_id as string) ?? (r.violation_id as string);
      let trip = trips.find((t) => t.tripId === tripId);
      if (!trip) trips.push((trip = { tripId, weighings: [] }));
      trip.weighings.push({
        violationId: r.violation_id as string,
        eventId: r.event_id as string,
        stationId: r.station_id as string,
        stationName: (r.station_name as string) ?? null,
        measuredAt: (r.measured_at as Date).toISOString(),
        axles: Number(r.axles),
        grossWeightKg: Number(r.gross_weight_kg),
        limitKg: Number(r.limit_kg),
        overKg: Number(r.over_kg),
        evidence: r.evidence ?? null,
      });
    }
    return result;
  }

  async insert(manager: EntityManager, rows: NoticeInsert[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO notices (id, notice_no, year, seq, listing_id, vehicle_key, party, document, status, issued_at)
       SELECT n.id, n.notice_no, n.year, n.seq, n.listing_id, n.vehicle_key, n.party, n.document, 'ISSUED', n.issued_at
       FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::integer[], $5::uuid[], $6::text[], $7::jsonb[],
                   $8::jsonb[], $9::timestamptz[])
         AS n(id, notice_no, year, seq, listing_id, vehicle_key, party, document, issued_at)`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.noticeNo),
        rows.map((r) => r.year),
        rows.map((r) => r.seq),
        rows.map((r) => r.listingId),
        rows.map((r) => r.vehicleKey),
        rows.map((r) => (r.party ? JSON.stringify(r.party) : null)),
        rows.map((r) => JSON.stringify(r.document)),
        rows.map((r) => r.issuedAt.toISOString()),
      ],
    );
  }

  /** The notice a receipt or a staff member names, with its vehicle (to take the lock). */
  /** vehicleKey null: a company listing's notice (SPEC §4.9). */
  async vehicleOf(
    manager: EntityManager,
    noticeId: string,
  ): Promise<{ vehicleKey: string | null; status: string } | null> {
    const [row] = (await manager.query(`SELECT vehicle_key, status FROM notices WHERE id = $1`, [noticeId])) as {
      vehicle_key: string | null;
      status: string;
    }[];
    return row ? { vehicleKey: row.vehicle_key, status: row.status } : null;
  }

  async issuedAt(manager: EntityManager, noticeId: string): Promise<Date | null> {
    const [row] = (await manager.query(`SELECT issued_at FROM notices WHERE id = $1`, [noticeId])) as {
      issued_at: Date;
    }[];
    return row?.issued_at ?? null;
  }
}
