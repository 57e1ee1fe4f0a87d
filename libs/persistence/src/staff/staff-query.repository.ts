import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { DomainError, DomainErrorCode, type PlateColorCode, regionLikePatterns, type StaffRegions } from '@oc/domain';
import { type AuditRow, toAuditEntry } from '../audit/audit-log.repository';
import { DatabaseConnection } from '../database.module';
import { REGION_SQL } from './jurisdiction.repository';
import { overdueEffectiveBefore } from './publication-deadline';
import { iso, SqlFilter, vehicleKeysFor } from './sql-filter';
import {
  LISTING_COLUMNS,
  ListingRow,
  toListingView,
  toViolationView,
  VIOLATION_COLUMNS,
  ViolationRow,
} from './staff-mappers';
import type {
  AuditEntryView,
  CreditRepairStatus,
  CreditRepairView,
  ListingDetailView,
  ListingStatus,
  ListingView,
  Page,
  PageRequest,
  PermitCheck,
  ViolationStatus,
  ViolationView,
  WeighingClassification,
  WeighingView,
} from './staff-read-models';

/** Plate filters arrive normalised and validated (HTTP edge). */
export interface VehicleFilter {
  plate?: string;
  plateColor?: PlateColorCode;
}

/** The lists show the work of the caller's regions (SPEC §4.8); absent or null: the whole city. */
export interface RegionFilter {
  regions?: StaffRegions;
}

export interface WeighingFilter extends VehicleFilter, RegionFilter {
  classification?: WeighingClassification;
  stationId?: string;
  from?: Date;
  to?: Date;
}

export interface ViolationFilter extends VehicleFilter, RegionFilter {
  status?: ViolationStatus;
  stationId?: string;
  from?: Date;
  to?: Date;
}

export interface ListingFilter extends RegionFilter {
  status?: ListingStatus;
  overdue?: boolean;
  plate?: string;
  /** true: a publication proposal awaits legal review; false: none yet. */
  proposed?: boolean;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
}

/** Staff reads (SPEC §6): one visible, parameterised SELECT and one COUNT per list. */
@Injectable()
export class StaffQueryRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly config: AppConfig,
  ) {}

  /** Every stored weighing with its classification, newest first; [from, to) on measuredAt. */
  async findWeighings(filter: WeighingFilter, page: PageRequest): Promise<Page<WeighingView>> {
    const f = new SqlFilter()
      .when(vehicleKeysFor(filter.plate, filter.plateColor), 'w.vehicle_key = ANY($?::text[])')
      .when(filter.plate === undefined ? filter.plateColor : undefined, 'w.plate_color = $?')
      .when(filter.classification, 'w.classification = $?')
      .when(filter.stationId, 'w.station_id = $?')
      .when(iso(filter.from), 'w.measured_at >= $?')
      .when(iso(filter.to), 'w.measured_at < $?')
      .when(regionLikePatterns(filter.regions ?? null), REGION_SQL.station('w'));
    const limit = f.page(page);
    const rows = await this.query<WeighingRow>(
      `SELECT w.id, w.event_id, w.source, w.station_id, w.lane_id, w.measured_at, w.received_at, w.plate, w.plate_color,
              w.axles, w.combination, w.single_drive_axle, w.gross_weight_kg, w.cargo, w.permit_no, w.classification,
              w.permit_check, w.limit_kg, w.over_kg, w.suggested_fine_yuan
       FROM weighings w ${f.where}
       ORDER BY w.measured_at DESC, w.id DESC ${limit.sql}`,
      limit.params,
    );
    const total = await this.count(`SELECT count(*) AS n FROM weighings w ${f.where}`, f.params);
    return { items: rows.map(toWeighingView), page: page.page, pageSize: page.pageSize, total };
  }

  /** Violations newest first; [from, to) on measuredAt. */
  async findViolations(filter: ViolationFilter, page: PageRequest): Promise<Page<ViolationView>> {
    const f = new SqlFilter()
      .when(vehicleKeysFor(filter.plate, filter.plateColor), 'v.vehicle_key = ANY($?::text[])')
      // vehicle_key is "<colour code>:<plate>".
      .when(
        filter.plate === undefined && filter.plateColor !== undefined ? `${filter.plateColor}:%` : undefined,
        'v.vehicle_key LIKE $?',
      )
      .when(filter.status, 'v.status = $?')
      .when(filter.stationId, 'v.station_id = $?')
      .when(iso(filter.from), 'v.measured_at >= $?')
      .when(iso(filter.to), 'v.measured_at < $?')
      .when(regionLikePatterns(filter.regions ?? null), REGION_SQL.station('v'));
    const limit = f.page(page);
    const rows = await this.query<ViolationRow>(
      `SELECT ${VIOLATION_COLUMNS} FROM violations v ${f.where}
       ORDER BY v.measured_at DESC, v.id DESC ${limit.sql}`,
      limit.params,
    );
    const total = await this.count(`SELECT count(*) AS n FROM violations v ${f.where}`, f.params);
    return { items: rows.map(toViolationView), page: page.page, pageSize: page.pageSize, total };
  }

  /**
   * The review queue. Oldest first when asking for LISTED or overdue listings (the one waiting longest
   * comes first), newest first otherwise. `overdue` uses the same working-day rule as the flag.
   */
  async findListings(filter: ListingFilter, page: PageRequest, now: Date): Promise<Page<ListingView>> {
    const workingDays = this.config.PUBLICATION_DEADLINE_WORKING_DAYS;
    const cutoff = overdueEffectiveBefore(now, workingDays).toISOString();
    const f = new SqlFilter()
      .when(filter.status, 'l.status = $?')
      .when(filter.plate, 'l.plate = $?')
      .when(filter.proposed, '(l.proposal IS NOT NULL) = $?')
      .when(
        filter.overdue === true ? cutoff : undefined,
        `(l.status = 'LISTED' AND l.published_at IS NULL AND l.effective_at <= $?)`,
      )
      .when(
        filter.overdue === false ? cutoff : undefined,
        `NOT (l.status = 'LISTED' AND l.published_at IS NULL AND l.effective_at <= $?)`,
      )
      .when(regionLikePatterns(filter.regions ?? null), REGION_SQL.listing('l.id'));
    const oldestFirst = filter.status === 'LISTED' || filter.overdue === true;
    const limit = f.page(page);
    const rows = await this.query<ListingRow>(
      `SELECT ${LISTING_COLUMNS} FROM listings l ${f.where}
       ORDER BY ${oldestFirst ? 'l.listed_at ASC, l.id ASC' : 'l.listed_at DESC, l.id DESC'} ${limit.sql}`,
      limit.params,
    );
    const total = await this.count(`SELECT count(*) AS n FROM listings l ${f.where}`, f.params);
    return {
      items: rows.map((r) => toListingView(r, now, workingDays)),
      page: page.page,
      pageSize: page.pageSize,
      total,
    };
  }

  /** One listing with its violations; DomainError NOT_FOUND when there is none. */
  async getListing(id: string, now: Date): Promise<ListingDetailView> {
    const [row] = await this.query<ListingRow>(`SELECT ${LISTING_COLUMNS} FROM listings l WHERE l.id = $1`, [id]);
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `listing ${id} does not exist`);
    const violations = await this.query<ViolationRow>(
      `SELECT ${VIOLATION_COLUMNS} FROM violations v WHERE v.listing_id = $1 ORDER BY v.measured_at DESC, v.id DESC`,
      [id],
    );
    return {
      ...toListingView(row, now, this.config.PUBLICATION_DEADLINE_WORKING_DAYS),
      violations: violations.map(toViolationView),
    };
  }

  /** One violation; DomainError NOT_FOUND when there is none. */
  async getViolation(id: string): Promise<ViolationView> {
    const [row] = await this.query<ViolationRow>(`SELECT ${VIOLATION_COLUMNS} FROM violations v WHERE v.id = $1`, [id]);
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `violation ${id} does not exist`);
    return toViolationView(row);
  }

  /** The evidence image URLs a weighing carried ([] when none); DomainError NOT_FOUND without the weighing. */
  async weighingImageUrls(eventId: string): Promise<string[]> {
    const [row] = await this.query<{ evidence: { imageUrls?: unknown } | null }>(
      `SELECT evidence FROM weighings WHERE event_id = $1`,
      [eventId],
    );
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `weighing ${eventId} does not exist`);
    const urls = row.evidence?.imageUrls;
    return Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [];
  }

  /** One credit-repair request; DomainError NOT_FOUND when there is none. */
  async getCreditRepair(id: string): Promise<CreditRepairView> {
    const [row] = await this.query<CreditRepairRow>(
      `SELECT r.*, l.plate, l.plate_color FROM credit_repairs r JOIN listings l ON l.id = r.listing_id WHERE r.id = $1`,
      [id],
    );
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `credit repair ${id} does not exist`);
    return toCreditRepairView(row);
  }

  /** Credit-repair requests, oldest first (the review queue). */
  async findCreditRepairs(
    filter: { status?: CreditRepairStatus } & RegionFilter,
    page: PageRequest,
  ): Promise<Page<CreditRepairView>> {
    const f = new SqlFilter()
      .when(filter.status, 'r.status = $?')
      .when(regionLikePatterns(filter.regions ?? null), REGION_SQL.listing('r.listing_id'));
    const limit = f.page(page);
    const rows = await this.query<CreditRepairRow>(
      `SELECT r.*, l.plate, l.plate_color FROM credit_repairs r JOIN listings l ON l.id = r.listing_id ${f.where}
       ORDER BY r.submitted_at ASC, r.id ASC ${limit.sql}`,
      limit.params,
    );
    const total = await this.count(`SELECT count(*) AS n FROM credit_repairs r ${f.where}`, f.params);
    return { items: rows.map(toCreditRepairView), page: page.page, pageSize: page.pageSize, total };
  }

  /** Audit entries in chain order (seq ascending). */
  async findAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntryView>> {
    const f = new SqlFilter().when(filter.entityType, 'a.entity_type = $?').when(filter.entityId, 'a.entity_id = $?');
    const limit = f.page(page);
    const rows = await this.query<AuditRow>(
      `SELECT a.* FROM audit_log a ${f.where} ORDER BY a.seq ${limit.sql}`,
      limit.params,
    );
    const total = await this.count(`SELECT count(*) AS n FROM audit_log a ${f.where}`, f.params);
    return {
      items: rows.map(toAuditView),
      page: page.page,
      pageSize: page.pageSize,
      total,
    };
  }

  /**
   * The audit trail of one vehicle (执法全过程记录): the entries of its violations (those a permit
   * exempted and removed included), its listings and their credit repairs, in chain order. Each entity's entries come from the (entity_type, entity_id)
   * index.
   */
  async findVehicleAudit(vehicleKey: string, page: PageRequest): Promise<Page<AuditEntryView>> {
    const entities = `WITH entities AS (
         SELECT 'violation'::text AS entity_type, v.id::text AS entity_id FROM violations v WHERE v.vehicle_key = $1
         UNION ALL
         -- Violations a permit record exempted are deleted; their entries stay in the chain.
         SELECT 'violation', x.entity_id FROM audit_log x
         WHERE x.action = 'VIOLATION_EXEMPTED' AND x.before->>'vehicleKey' = $1
         UNION ALL
         SELECT 'listing', l.id::text FROM listings l WHERE l.vehicle_key = $1
         UNION ALL
         SELECT 'credit_repair', r.id::text FROM credit_repairs r JOIN listings l ON l.id = r.listing_id
         WHERE l.vehicle_key = $1
       )`;
    const rows = await this.query<AuditRow>(
      `${entities}
       SELECT a.* FROM entities e
       JOIN audit_log a ON a.entity_type = e.entity_type AND a.entity_id = e.entity_id
       ORDER BY a.seq LIMIT $2 OFFSET $3`,
      [vehicleKey, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const total = await this.count(
      `${entities}
       SELECT count(*) AS n FROM entities e
       JOIN audit_log a ON a.entity_type = e.entity_type AND a.entity_id = e.entity_id`,
      [vehicleKey],
    );
    return { items: rows.map(toAuditView), page: page.page, pageSize: page.pageSize, total };
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const ds = await this.db.ready();
    return (await ds.query(sql, params)) as T[];
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const [row] = await this.query<{ n: string }>(sql, params);
    return Number(row?.n ?? 0);
  }
}

function toAuditView(r: AuditRow): AuditEntryView {
  const entry = toAuditEntry(r);
  return { ...entry, at: entry.at.toISOString() };
}

interface WeighingRow {
  id: string;
  event_id: string;
  source: string;
  station_id: string;
  lane_id: string | null;
  measured_at: Date;
  received_at: Date;
  plate: string;
  plate_color: number;
  axles: number;
  combination: boolean;
  single_drive_axle: boolean;
  gross_weight_kg: number;
  cargo: string;
  permit_no: string | null;
  classification: WeighingClassification;
  permit_check: PermitCheck | null;
  limit_kg: number;
  over_kg: number;
  suggested_fine_yuan: number | null;
}

function toWeighingView(r: WeighingRow): WeighingView {
  return {
    id: String(r.id),
    eventId: r.event_id,
    source: r.source,
    stationId: r.station_id,
    ...(r.lane_id !== null ? { laneId: r.lane_id } : {}),
    measuredAt: iso(r.measured_at)!,
    receivedAt: iso(r.received_at)!,
    plate: r.plate,
    plateColor: Number(r.plate_color),
    axles: Number(r.axles),
    combination: r.combination,
    singleDriveAxle: r.single_drive_axle,
    grossWeightKg: Number(r.gross_weight_kg),
    cargo: r.cargo,
    ...(r.permit_no !== null ? { permitNo: r.permit_no } : {}),
    classification: r.classification,
    permitCheck: r.permit_check,
    limitKg: Number(r.limit_kg),
    overKg: Number(r.over_kg),
    ...(r.suggested_fine_yuan !== null ? { suggestedFineYuan: Number(r.suggested_fine_yuan) } : {}),
  };
}

interface CreditRepairRow {
  id: string;
  listing_id: string;
  plate: string;
  plate_color: number;
  status: CreditRepairStatus;
  applicant_name: string;
  applicant_type: 'PERSON' | 'COMPANY';
  applicant_contact: string;
  commitment: boolean;
  rectification: string;
  attachments: string[];
  submitted_by: string;
  submitted_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  opinion: string | null;
}

function toCreditRepairView(r: CreditRepairRow): CreditRepairView {
  return {
    id: r.id,
    listingId: r.listing_id,
    plate: r.plate,
    plateColor: Number(r.plate_color),
    status: r.status,
    applicant: { name: r.applicant_name, type: r.applicant_type, contact: r.applicant_contact },
    commitment: r.commitment,
    rectification: r.rectification,
    attachments: r.attachments ?? [],
    submittedBy: r.submitted_by,
    submittedAt: iso(r.submitted_at)!,
    ...(r.reviewed_by !== null ? { reviewedBy: r.reviewed_by } : {}),
    ...(r.reviewed_at ? { reviewedAt: iso(r.reviewed_at) } : {}),
    ...(r.opinion !== null ? { opinion: r.opinion } : {}),
  };
}
