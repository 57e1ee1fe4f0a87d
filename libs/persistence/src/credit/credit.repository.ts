import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  PERMIT_EXEMPTED,
  type ListingPosting,
  type ListingWrite,
  type NoticeServiceWrite,
  type PlanListing,
  type PlanVehicleState,
  type PublicationProposal,
  type VehicleCreditFacts,
} from '@oc/domain';
import type { ListingParty } from '../registry/registry-lookups';

/** A new listing with the party from the vehicle registry at its creation (null = not registered). */
export interface NewListingWrite extends ListingWrite {
  party: ListingParty | null;
}

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

  /** Everything the credit plan of libs/domain reads, for each vehicle (under the vehicle lock). */
  /**
   * The facts the credit plan reads. `objections: 'of-pending-listings'` (a recount without a command):
   * only the vehicles with a PENDING listing read their objections, the one step of a plan without a
   * command that looks at them (whether one holds the listing, SPEC §4.10); ingest's batches mostly skip
   * that query. A command (recording or deciding an objection among them) reads them all.
   */
  async loadFacts(
    manager: EntityManager,
    vehicleKeys: string[],
    options: { objections: 'all' | 'of-pending-listings' } = { objections: 'all' },
  ): Promise<Map<string, VehicleCreditFacts>> {
    const facts = new Map<string, { -readonly [K in keyof VehicleCreditFacts]: VehicleCreditFacts[K] }>(
      vehicleKeys.map((k) => [k, { vehicleKey: k, violations: [], listings: [], objections: [], state: null }]),
    );
    const of = (key: unknown) => facts.get(key as string)!;
    // One connection runs one query at a time: sequential, not Promise.all.
    const violations = (await manager.query(
      `SELECT id, event_id, vehicle_key, measured_at, status, trip_id, listing_id FROM violations
         WHERE vehicle_key = ANY($1::text[])`,
      [vehicleKeys],
    )) as Row[];
    const listings = (await manager.query(
      // A listing withdrawn because a permit record exempted its acts stays on record but is no fact of
      // counting (docs/rules.md, permits): not a fresh start, and not a listing the derivation must match.
      `SELECT l.id, l.vehicle_key, l.status, l.listed_at, l.effective_at, l.expires_at, l.ended_at, l.end_reason,
              l.violation_count, l.proposal, l.published_at, l.publication_ends_at, l.posting_status,
              l.posting_withdrawn_at, l.posting_reason,
              n.id AS notice_id, n.status AS notice_status, n.served_at, n.period_ends_at, n.calendar_missing
         FROM listings l LEFT JOIN notices n ON n.listing_id = l.id
        WHERE l.vehicle_key = ANY($1::text[]) AND l.end_reason IS DISTINCT FROM '${PERMIT_EXEMPTED}'`,
      [vehicleKeys],
    )) as Row[];
    const objectionKeys =
      options.objections === 'all'
        ? vehicleKeys
        : [...new Set(listings.filter((l) => l.status === 'PENDING').map((l) => l.vehicle_key as string))];
    const objections = objectionKeys.length
      ? ((await manager.query(
          `SELECT id, vehicle_key, status, listing_id, violation_ids, received_at, decided_at FROM objections
             WHERE vehicle_key = ANY($1::text[])`,
          [objectionKeys],
        )) as Row[])
      : [];
    const states = (await manager.query(
      `SELECT vehicle_key, state, count_in_window, active_listing_id FROM vehicle_states
         WHERE vehicle_key = ANY($1::text[])`,
      [vehicleKeys],
    )) as Row[];
    for (const r of violations) {
      (of(r.vehicle_key).violations as unknown[]).push({
        id: r.id as string,
        eventId: r.event_id as string,
        measuredAt: r.measured_at as Date,
        status: r.status,
        tripId: (r.trip_id as string) ?? null,
        listingId: (r.listing_id as string) ?? null,
      });
    }
    for (const r of listings) (of(r.vehicle_key).listings as PlanListing[]).push(toPlanListing(r));
    for (const r of objections) {
      (of(r.vehicle_key).objections as unknown[]).push({
        id: r.id as string,
        status: r.status,
        listingId: (r.listing_id as string) ?? null,
        violationIds: (r.violation_ids as string[]) ?? [],
        receivedAt: r.received_at as Date,
        decidedAt: (r.decided_at as Date) ?? null,
      });
    }
    for (const r of states) {
      of(r.vehicle_key).state = {
        state: r.state as PlanVehicleState['state'],
        countInWindow: Number(r.count_in_window),
        activeListingId: (r.active_listing_id as string) ?? null,
      };
    }
    return facts;
  }

  /**
   * Writes the plan's changed listings, every mutable column. No change opens a listing (an ended one
   * never reopens; PENDING → LISTED stays open), so one statement keeps the "one open listing per
   * vehicle" index; new listings are inserted after it.
   */
  async updateListings(manager: EntityManager, rows: ListingWrite[]): Promise<void> {
    if (rows.length === 0) return;
    const c = listingColumns(rows);
    await manager.query(
      `UPDATE listings l SET status = u.status, listed_at = u.listed_at, effective_at = u.effective_at,
         expires_at = u.expires_at, violation_count = u.violation_count, ended_at = u.ended_at,
         end_reason = u.end_reason, proposal = u.proposal, published_at = u.published_at,
         publication_ends_at = u.posting_until, posting_status = u.posting_status,
         posting_withdrawn_at = u.posting_withdrawn_at, posting_reason = u.posting_reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::integer[],
                   $7::timestamptz[], $8::text[], $9::jsonb[], $10::timestamptz[], $11::timestamptz[], $12::text[],
                   $13::timestamptz[], $14::text[])
         AS u(id, status, listed_at, effective_at, expires_at, violation_count, ended_at, end_reason, proposal,
              published_at, posting_until, posting_status, posting_withdrawn_at, posting_reason)
       WHERE l.id = u.id`,
      c,
    );
  }

  async insertListings(manager: EntityManager, rows: NewListingWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO listings (id, status, listed_at, effective_at, expires_at, violation_count, ended_at, end_reason,
         proposal, published_at, publication_ends_at, posting_status, posting_withdrawn_at, posting_reason,
         vehicle_key, plate, plate_color, party)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[],
                            $6::integer[], $7::timestamptz[], $8::text[], $9::jsonb[], $10::timestamptz[],
                            $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[],
                            $15::text[], $16::text[], $17::smallint[], $18::jsonb[])`,
      [
        ...listingColumns(rows),
        rows.map((r) => r.vehicleKey),
        rows.map((r) => r.plate),
        rows.map((r) => r.plateColor),
        rows.map((r) => (r.party ? JSON.stringify(r.party) : null)),
      ],
    );
  }

  /** Approved revocations (§4.4): the violation keeps its record with the reason. */
  async revokeViolations(
    manager: EntityManager,
    rows: { id: string; reason: string; revokedAt: Date }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE violations v SET status = 'REVOKED', revoked_reason = r.reason, revoked_at = r.revoked_at, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS r(id, reason, revoked_at)
       WHERE v.id = r.id`,
      [rows.map((r) => r.id), rows.map((r) => r.reason), rows.map((r) => r.revokedAt.toISOString())],
    );
  }

  /** Case processing (§4.4 已处理): the case number, the fine and the date staff recorded. */
  async processViolations(
    manager: EntityManager,
    rows: { id: string; caseNo: string; fineYuan: number; processedAt: Date }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE violations v SET status = 'PROCESSED', case_no = p.case_no, fine_yuan = p.fine_yuan,
         processed_at = p.processed_at, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::timestamptz[]) AS p(id, case_no, fine_yuan, processed_at)
       WHERE v.id = p.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.caseNo),
        rows.map((r) => r.fineYuan),
        rows.map((r) => r.processedAt.toISOString()),
      ],
    );
  }

  /** What a case referral (抄告, §4.10) carries: the party, the decision and each case of the listing. */
  async referralOf(manager: EntityManager, listingId: string): Promise<Record<string, unknown>> {
    const [listing] = (await manager.query(
      `SELECT id, vehicle_key, plate, plate_color, party, proposal, effective_at FROM listings WHERE id = $1`,
      [listingId],
    )) as Record<string, unknown>[];
    const cases = (await manager.query(
      `SELECT id, event_id, station_id, measured_at, over_kg, case_no, fine_yuan, processed_at FROM violations
        WHERE listing_id = $1 AND status = 'PROCESSED' ORDER BY measured_at, id`,
      [listingId],
    )) as Record<string, unknown>[];
    const party = (listing!.party as Record<string, unknown> | null) ?? null;
    return {
      listingId,
      plate: listing!.plate,
      plateColor: Number(listing!.plate_color),
      registrationRegion: party?.registrationRegion ?? null,
      transportCertNo: party?.transportCertNo ?? null,
      owner: party ? { name: party.ownerName, type: party.ownerType, idNo: party.ownerIdNo } : null,
      decisionNo: (listing!.proposal as { decisionNo?: string } | null)?.decisionNo ?? null,
      effectiveAt: (listing!.effective_at as Date | null)?.toISOString() ?? null,
      cases: cases.map((c) => ({
        violationId: c.id,
        eventId: c.event_id,
        stationId: c.station_id,
        measuredAt: (c.measured_at as Date).toISOString(),
        overKg: Number(c.over_kg),
        caseNo: c.case_no,
        fineYuan: Number(c.fine_yuan),
        processedAt: (c.processed_at as Date).toISOString(),
      })),
    };
  }

  /**
   * A plan's notice steps (§4.10), vehicle or company: the notices voided before service, and the
   * services recorded (the period runs from here) with who recorded them and the receipt that proved it.
   */
  async writeNoticeSteps(
    manager: EntityManager,
    plans: readonly { voidedNotices: string[]; noticeServices: NoticeServiceWrite[] }[],
    by: { recordedBy: string; receiptId?: string },
  ): Promise<void> {
    const voided = plans.flatMap((p) => p.voidedNotices);
    if (voided.length > 0)
      await manager.query(`UPDATE notices SET status = 'VOID' WHERE id = ANY($1::uuid[])`, [voided]);
    for (const r of plans.flatMap((p) => p.noticeServices)) {
      await manager.query(
        `UPDATE notices SET status = 'SERVED', served_at = $2, service_method = $3, period_ends_at = $4,
           calendar_missing = $5, service_recorded_by = $6, receipt_id = $7
         WHERE id = $1`,
        [
          r.noticeId,
          r.servedAt.toISOString(),
          r.method,
          r.periodEndsAt?.toISOString() ?? null,
          r.calendarMissing,
          by.recordedBy,
          by.receiptId ?? null,
        ],
      );
    }
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
  async saveStates(
    manager: EntityManager,
    rows: (PlanVehicleState & { vehicleKey: string; plate: string; plateColor: number })[],
  ): Promise<Map<string, number>> {
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

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : (v as Date));

/** A listing row's posting columns (vehicle and company listings share them). */
export function postingOfRow(r: Row): ListingPosting | null {
  return r.posting_status
    ? {
        status: r.posting_status as ListingPosting['status'],
        until: r.publication_ends_at as Date,
        withdrawnAt: date(r.posting_withdrawn_at),
        reason: (r.posting_reason as ListingPosting['reason']) ?? null,
      }
    : null;
}

/** The notice joined to a listing row (notice_id, notice_status, served_at, period_ends_at, calendar_missing). */
export function noticeOfRow(r: Row): PlanListing['notice'] {
  return r.notice_id
    ? {
        id: r.notice_id as string,
        status: r.notice_status as NonNullable<PlanListing['notice']>['status'],
        servedAt: date(r.served_at),
        periodEndsAt: date(r.period_ends_at),
        calendarMissing: Boolean(r.calendar_missing),
      }
    : null;
}

function toPlanListing(r: Row): PlanListing {
  return {
    id: r.id as string,
    status: r.status as PlanListing['status'],
    listedAt: r.listed_at as Date,
    effectiveAt: date(r.effective_at),
    expiresAt: date(r.expires_at),
    endedAt: date(r.ended_at),
    endReason: (r.end_reason as string) ?? null,
    violationCount: Number(r.violation_count),
    proposal: (r.proposal as PublicationProposal | null) ?? null,
    publishedAt: date(r.published_at),
    posting: postingOfRow(r),
    notice: noticeOfRow(r),
  };
}

const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

/** The 14 mutable columns of a listing, as UNNEST arrays ($1 … $14). */
function listingColumns(rows: ListingWrite[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.status),
    rows.map((r) => r.listedAt.toISOString()),
    rows.map((r) => iso(r.effectiveAt)),
    rows.map((r) => iso(r.expiresAt)),
    rows.map((r) => r.violationCount),
    rows.map((r) => iso(r.endedAt)),
    rows.map((r) => r.endReason),
    rows.map((r) => (r.proposal ? JSON.stringify(r.proposal) : null)),
    rows.map((r) => iso(r.publishedAt)),
    rows.map((r) => iso(r.posting?.until)),
    rows.map((r) => r.posting?.status ?? null),
    rows.map((r) => iso(r.posting?.withdrawnAt)),
    rows.map((r) => r.posting?.reason ?? null),
  ];
}
