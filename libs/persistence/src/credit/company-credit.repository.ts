import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { noticeOfRow, postingOfRow } from './credit.repository';
import type {
  CompanyCreditFacts,
  CompanyGround,
  CompanyListingWrite,
  CompanyNoticeDocument,
  CompanyParty,
  PlanCompanyListing,
  PlanObjection,
  PublicationProposal,
} from '@oc/domain';

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : (v as Date));
const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

/** The advisory-lock key of a company (never a vehicle key: those start with the plate colour code). */
export const companyLockKey = (operatorId: string): string => `company:${operatorId}`;

export interface CompanyNoticeInsert {
  id: string;
  noticeNo: string;
  year: number;
  seq: number;
  companyListingId: string;
  operatorId: string;
  party: CompanyParty;
  document: CompanyNoticeDocument;
  issuedAt: Date;
}

export interface CompanyObjectionInsert {
  id: string;
  targetType: 'LISTING' | 'POSTING';
  targetId: string;
  companyListingId: string;
  operatorId: string;
  grounds: string;
  channel: string;
  attachments: string[];
  receivedAt: Date;
  handler: string;
  recordedAt: Date;
  dueBy: Date | null;
  calendarMissing: boolean;
}

export interface CompanyObjectionRecord extends CompanyObjectionInsert {
  status: 'PENDING' | 'UPHELD' | 'REJECTED';
  decidedBy: string | null;
  decidedAt: Date | null;
  reply: string | null;
}

/**
 * SQL of company listings (SPEC §4.9, docs/rules.md "Company listings"), inside the caller's
 * transaction: the facts the domain's `planCompanyCredit` reads, one statement per kind for a set of
 * companies, and the writes of its plan.
 */
@Injectable()
export class CompanyCreditRepository {
  async loadFacts(manager: EntityManager, operatorIds: string[]): Promise<Map<string, CompanyCreditFacts>> {
    const facts = new Map(
      operatorIds.map((id) => [
        id,
        {
          operatorId: id,
          fleetSize: 0,
          grounds: [] as CompanyGround[],
          listings: [] as PlanCompanyListing[],
          objections: [] as PlanObjection[],
        },
      ]),
    );
    const fleets = (await manager.query(
      `SELECT operator_id, count(*) AS n FROM registry_vehicles WHERE operator_id = ANY($1::text[]) GROUP BY operator_id`,
      [operatorIds],
    )) as Row[];
    for (const r of fleets) facts.get(r.operator_id as string)!.fleetSize = Number(r.n);
    // The vehicles the registry names with the company now, and their listings that took effect.
    const grounds = (await manager.query(
      `SELECT rv.operator_id, l.vehicle_key, l.id, l.status, l.effective_at
         FROM registry_vehicles rv JOIN listings l ON l.vehicle_key = rv.vehicle_key
        WHERE rv.operator_id = ANY($1::text[]) AND l.effective_at IS NOT NULL`,
      [operatorIds],
    )) as Row[];
    for (const r of grounds) {
      facts.get(r.operator_id as string)!.grounds.push({
        vehicleKey: r.vehicle_key as string,
        listingId: r.id as string,
        status: r.status as CompanyGround['status'],
        effectiveAt: r.effective_at as Date,
      });
    }
    const listings = (await manager.query(
      `SELECT c.*, n.id AS notice_id, n.status AS notice_status, n.served_at, n.period_ends_at, n.calendar_missing
         FROM company_listings c LEFT JOIN notices n ON n.company_listing_id = c.id
        WHERE c.operator_id = ANY($1::text[])`,
      [operatorIds],
    )) as Row[];
    for (const r of listings) facts.get(r.operator_id as string)!.listings.push(toPlanCompanyListing(r));
    const objections = (await manager.query(
      `SELECT id, operator_id, status, company_listing_id, received_at, decided_at FROM objections
        WHERE operator_id = ANY($1::text[])`,
      [operatorIds],
    )) as Row[];
    for (const r of objections) {
      facts.get(r.operator_id as string)!.objections.push({
        id: r.id as string,
        status: r.status as PlanObjection['status'],
        listingId: r.company_listing_id as string,
        violationIds: [],
        receivedAt: r.received_at as Date,
        decidedAt: date(r.decided_at),
      });
    }
    return facts;
  }

  async insertListings(manager: EntityManager, rows: (CompanyListingWrite & { party: CompanyParty })[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO company_listings (id, status, listed_at, effective_at, expires_at, ended_at, end_reason,
         vehicle_count, fleet_size, vehicle_listing_ids, proposal, published_at, publication_ends_at, posting_status,
         posting_withdrawn_at, posting_reason, operator_id, party)
       SELECT id, status, listed_at, effective_at, expires_at, ended_at, end_reason, vehicle_count, fleet_size,
              ARRAY(SELECT jsonb_array_elements_text(vehicle_listing_ids))::uuid[], proposal, published_at,
              publication_ends_at, posting_status, posting_withdrawn_at, posting_reason, operator_id, party
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                   $7::text[], $8::integer[], $9::integer[], $10::jsonb[], $11::jsonb[], $12::timestamptz[],
                   $13::timestamptz[], $14::text[], $15::timestamptz[], $16::text[], $17::text[], $18::jsonb[])
         AS t(id, status, listed_at, effective_at, expires_at, ended_at, end_reason, vehicle_count, fleet_size,
              vehicle_listing_ids, proposal, published_at, publication_ends_at, posting_status, posting_withdrawn_at,
              posting_reason, operator_id, party)`,
      [...columns(rows), rows.map((r) => r.operatorId), rows.map((r) => JSON.stringify(r.party))],
    );
  }

  async updateListings(manager: EntityManager, rows: CompanyListingWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE company_listings c SET status = u.status, listed_at = u.listed_at, effective_at = u.effective_at,
         expires_at = u.expires_at, ended_at = u.ended_at, end_reason = u.end_reason, vehicle_count = u.vehicle_count,
         fleet_size = u.fleet_size, vehicle_listing_ids = ARRAY(SELECT jsonb_array_elements_text(u.vehicle_listing_ids))::uuid[],
         proposal = u.proposal, published_at = u.published_at, publication_ends_at = u.publication_ends_at,
         posting_status = u.posting_status, posting_withdrawn_at = u.posting_withdrawn_at,
         posting_reason = u.posting_reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                   $7::text[], $8::integer[], $9::integer[], $10::jsonb[], $11::jsonb[], $12::timestamptz[],
                   $13::timestamptz[], $14::text[], $15::timestamptz[], $16::text[])
         AS u(id, status, listed_at, effective_at, expires_at, ended_at, end_reason, vehicle_count, fleet_size,
              vehicle_listing_ids, proposal, published_at, publication_ends_at, posting_status, posting_withdrawn_at,
              posting_reason)
       WHERE c.id = u.id`,
      columns(rows),
    );
  }

  async insertNotices(manager: EntityManager, rows: CompanyNoticeInsert[]): Promise<void> {
    for (const r of rows) {
      await manager.query(
        `INSERT INTO notices (id, notice_no, year, seq, company_listing_id, operator_id, party, document, status, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ISSUED', $9)`,
        [
          r.id,
          r.noticeNo,
          r.year,
          r.seq,
          r.companyListingId,
          r.operatorId,
          JSON.stringify(r.party),
          JSON.stringify(r.document),
          r.issuedAt.toISOString(),
        ],
      );
    }
  }

  /** An objection against a company listing or its posting (§4.10); its handler is the recording officer. */
  async insertObjection(manager: EntityManager, o: CompanyObjectionInsert): Promise<void> {
    await manager.query(
      `INSERT INTO objections (id, target_type, target_id, company_listing_id, operator_id, grounds, channel,
         attachments, received_at, handler, recorded_at, due_by, calendar_missing, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13, 'PENDING')`,
      [
        o.id,
        o.targetType,
        o.targetId,
        o.companyListingId,
        o.operatorId,
        o.grounds,
        o.channel,
        o.attachments,
        o.receivedAt.toISOString(),
        o.handler,
        o.recordedAt.toISOString(),
        o.dueBy?.toISOString() ?? null,
        o.calendarMissing,
      ],
    );
  }

  async findObjection(manager: EntityManager, id: string): Promise<CompanyObjectionRecord | null> {
    const [r] = (await manager.query(`SELECT * FROM objections WHERE id = $1 AND operator_id IS NOT NULL`, [
      id,
    ])) as Row[];
    if (!r) return null;
    return {
      id: r.id as string,
      targetType: r.target_type as CompanyObjectionRecord['targetType'],
      targetId: r.target_id as string,
      companyListingId: r.company_listing_id as string,
      operatorId: r.operator_id as string,
      grounds: r.grounds as string,
      channel: r.channel as string,
      attachments: (r.attachments as string[]) ?? [],
      receivedAt: r.received_at as Date,
      handler: r.handler as string,
      recordedAt: r.recorded_at as Date,
      dueBy: date(r.due_by),
      calendarMissing: Boolean(r.calendar_missing),
      status: r.status as CompanyObjectionRecord['status'],
      decidedBy: (r.decided_by as string) ?? null,
      decidedAt: date(r.decided_at),
      reply: (r.reply as string) ?? null,
    };
  }

  /** The company's name as the vehicle registry knows it: an owner of type COMPANY with this code. */
  async parties(manager: EntityManager, operatorIds: string[]): Promise<Map<string, CompanyParty>> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (owner_id_no) owner_id_no, owner_name FROM registry_vehicles
        WHERE owner_type = 'COMPANY' AND owner_id_no = ANY($1::text[]) ORDER BY owner_id_no, updated_at DESC, vehicle_key`,
      [operatorIds],
    )) as Row[];
    const names = new Map(rows.map((r) => [r.owner_id_no as string, r.owner_name as string]));
    return new Map(operatorIds.map((id) => [id, { name: names.get(id) ?? null, operatorId: id }]));
  }

  /** The vehicles of the listings a notice names, with their plates (the notice's annex). */
  async vehiclesOf(
    manager: EntityManager,
    listingIds: string[],
  ): Promise<Map<string, { plate: string; plateColor: number; effectiveAt: Date }>> {
    if (listingIds.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT id, plate, plate_color, effective_at FROM listings WHERE id = ANY($1::uuid[])`,
      [listingIds],
    )) as Row[];
    return new Map(
      rows.map((r) => [
        r.id as string,
        { plate: r.plate as string, plateColor: Number(r.plate_color), effectiveAt: r.effective_at as Date },
      ]),
    );
  }

  /**
   * Marks the companies of these vehicles (as the registry names them now) for the scheduler: a
   * listing of theirs took effect or ended. One statement; nothing when none is registered to a company.
   */
  async queueCompaniesOfVehicles(manager: EntityManager, vehicleKeys: string[]): Promise<void> {
    if (vehicleKeys.length === 0) return;
    await manager.query(
      `INSERT INTO company_credit_queue (operator_id)
       SELECT DISTINCT operator_id FROM registry_vehicles WHERE vehicle_key = ANY($1::text[]) AND operator_id IS NOT NULL
       ON CONFLICT (operator_id) DO NOTHING`,
      [vehicleKeys],
    );
  }

  async queueCompanies(manager: EntityManager, operatorIds: (string | null)[]): Promise<void> {
    const ids = [...new Set(operatorIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return;
    await manager.query(
      `INSERT INTO company_credit_queue (operator_id) SELECT unnest($1::text[]) ON CONFLICT (operator_id) DO NOTHING`,
      [ids],
    );
  }

  /**
   * The companies the scheduler looks at now: the queued ones (taken off the queue in this
   * transaction; another scheduler skips them) and those whose company listing has a step due.
   */
  async takeDue(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
    // A SELECT over the DELETE: TypeORM answers a bare DELETE … RETURNING with [rows, count].
    const queued = (await manager.query(
      `WITH taken AS (
         DELETE FROM company_credit_queue WHERE operator_id IN (
           SELECT operator_id FROM company_credit_queue ORDER BY queued_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING operator_id)
       SELECT operator_id FROM taken`,
      [limit],
    )) as Row[];
    const due = (await manager.query(
      `SELECT c.operator_id FROM company_listings c LEFT JOIN notices n ON n.company_listing_id = c.id
        WHERE (c.status = 'PENDING' AND n.status = 'SERVED' AND n.period_ends_at <= $1)
           OR (c.status IN ('LISTED','PUBLISHED') AND c.expires_at <= $1)
           OR (c.posting_status IN ('POSTED','WITHDRAWN') AND c.publication_ends_at <= $1)
        LIMIT $2`,
      [now.toISOString(), limit],
    )) as Row[];
    return [...new Set([...queued, ...due].map((r) => r.operator_id as string))].sort();
  }

  /** The company listing and its company (to take the lock), or null. */
  async operatorOf(manager: EntityManager, companyListingId: string): Promise<string | null> {
    const [row] = (await manager.query(`SELECT operator_id FROM company_listings WHERE id = $1`, [
      companyListingId,
    ])) as Row[];
    return (row?.operator_id as string) ?? null;
  }

  /** The company of a notice, or null when the notice is a vehicle's (or unknown). */
  async operatorOfNotice(manager: EntityManager, noticeId: string): Promise<string | null> {
    const [row] = (await manager.query(
      `SELECT operator_id FROM notices WHERE id = $1 AND company_listing_id IS NOT NULL`,
      [noticeId],
    )) as Row[];
    return (row?.operator_id as string) ?? null;
  }
}

export function toPlanCompanyListing(r: Row): PlanCompanyListing {
  return {
    id: r.id as string,
    status: r.status as PlanCompanyListing['status'],
    listedAt: r.listed_at as Date,
    effectiveAt: date(r.effective_at),
    expiresAt: date(r.expires_at),
    endedAt: date(r.ended_at),
    endReason: (r.end_reason as string) ?? null,
    vehicleCount: Number(r.vehicle_count),
    fleetSize: Number(r.fleet_size),
    vehicleListingIds: ((r.vehicle_listing_ids as string[]) ?? []).slice().sort(),
    proposal: (r.proposal as PublicationProposal | null) ?? null,
    publishedAt: date(r.published_at),
    posting: postingOfRow(r),
    notice: noticeOfRow(r),
  };
}

function columns(rows: CompanyListingWrite[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.status),
    rows.map((r) => r.listedAt.toISOString()),
    rows.map((r) => iso(r.effectiveAt)),
    rows.map((r) => iso(r.expiresAt)),
    rows.map((r) => iso(r.endedAt)),
    rows.map((r) => r.endReason),
    rows.map((r) => r.vehicleCount),
    rows.map((r) => r.fleetSize),
    rows.map((r) => JSON.stringify(r.vehicleListingIds)),
    rows.map((r) => (r.proposal ? JSON.stringify(r.proposal) : null)),
    rows.map((r) => iso(r.publishedAt)),
    rows.map((r) => iso(r.posting?.until)),
    rows.map((r) => r.posting?.status ?? null),
    rows.map((r) => iso(r.posting?.withdrawnAt)),
    rows.map((r) => r.posting?.reason ?? null),
  ];
}
