import { Injectable } from '@nestjs/common';
import {
  DomainError,
  DomainErrorCode,
  parseVehicleKey,
  regionLikePatterns,
  type NoticeStatus,
  type ObjectionStatus,
  type ReviewStatus,
  type StaffRegions,
  type ViolationStatus,
} from '@oc/domain';
import type { RevocationRecord } from '../due-process/revocation.repository';
import { RevocationRepository } from '../due-process/revocation.repository';
import { toObjection, type ObjectionRecord } from '../due-process/objection.repository';
import { DatabaseConnection } from '../database.module';
import { REGION_SQL } from './jurisdiction.repository';
import { iso } from './sql-filter';
import type { NoticeView, ObjectionView, Page, PageRequest, RevocationView } from './staff-read-models';

export function toRevocationView(r: RevocationRecord): RevocationView {
  return {
    id: r.id,
    violationId: r.violationId,
    reason: r.reason,
    withCase: r.withCase,
    status: r.status,
    proposedBy: r.proposedBy,
    proposedAt: r.proposedAt.toISOString(),
    ...(r.reviewedBy ? { reviewedBy: r.reviewedBy } : {}),
    ...(r.reviewedAt ? { reviewedAt: r.reviewedAt.toISOString() } : {}),
    ...(r.opinion ? { opinion: r.opinion } : {}),
  };
}

export function toObjectionView(o: ObjectionRecord, now: Date): ObjectionView {
  const identity = parseVehicleKey(o.vehicleKey)!;
  return {
    id: o.id,
    target: { type: o.targetType, id: o.targetId },
    listingId: o.listingId,
    plate: identity.plate,
    plateColor: identity.plateColor,
    violationIds: o.violationIds,
    grounds: o.grounds,
    channel: o.channel,
    attachments: o.attachments,
    receivedAt: o.receivedAt.toISOString(),
    handler: o.handler,
    dueBy: o.dueBy?.toISOString() ?? null,
    calendarMissing: o.calendarMissing,
    overdue: o.status === 'PENDING' && o.dueBy !== null && now.getTime() >= o.dueBy.getTime(),
    status: o.status,
    ...(o.decidedBy ? { decidedBy: o.decidedBy } : {}),
    ...(o.decidedAt ? { decidedAt: o.decidedAt.toISOString() } : {}),
    ...(o.reply ? { reply: o.reply } : {}),
  };
}

type Row = Record<string, unknown>;

function toNoticeView(r: Row): NoticeView {
  const identity = parseVehicleKey(r.vehicle_key as string)!;
  return {
    id: r.id as string,
    noticeNo: r.notice_no as string,
    listingId: r.listing_id as string,
    plate: identity.plate,
    plateColor: identity.plateColor,
    status: r.status as NoticeStatus,
    issuedAt: iso(r.issued_at as Date)!,
    ...(r.served_at ? { servedAt: iso(r.served_at as Date)! } : {}),
    ...(r.service_method ? { serviceMethod: r.service_method as NoticeView['serviceMethod'] } : {}),
    ...(r.period_ends_at ? { periodEndsAt: iso(r.period_ends_at as Date)! } : {}),
    calendarMissing: Boolean(r.calendar_missing),
    listingStatus: r.listing_status as NoticeView['listingStatus'],
    document: r.document as NoticeView['document'],
  };
}

/** The reads of notices, objections and revocation proposals (SPEC §6), for the staff console. */
@Injectable()
export class DueProcessReadRepository {
  private readonly revocationRows = new RevocationRepository();

  constructor(private readonly db: DatabaseConnection) {}

  async notices(
    status: NoticeStatus | undefined,
    page: PageRequest,
    regions: StaffRegions = null,
  ): Promise<Page<NoticeView>> {
    const ds = await this.db.ready();
    // SPEC §4.8: the caller's regions' notices only ($2 null: the whole city).
    const where = `WHERE n.listing_id IS NOT NULL AND ($1::text IS NULL OR n.status = $1)
        AND ($2::text[] IS NULL OR ${REGION_SQL.listing('n.listing_id').replace('$?', '$2')})`;
    const params = [status ?? null, regionLikePatterns(regions) ?? null];
    const rows = (await ds.query(
      `SELECT n.*, l.status AS listing_status FROM notices n JOIN listings l ON l.id = n.listing_id
        ${where} ORDER BY n.issued_at DESC, n.id LIMIT $3 OFFSET $4`,
      [...params, page.pageSize, (page.page - 1) * page.pageSize],
    )) as Row[];
    // Vehicle notices (the join); a company's are read with its company listing.
    const [count] = (await ds.query(`SELECT count(*) AS n FROM notices n ${where}`, params)) as { n: string }[];
    return { items: rows.map(toNoticeView), page: page.page, pageSize: page.pageSize, total: Number(count!.n) };
  }

  async notice(id: string): Promise<NoticeView> {
    const ds = await this.db.ready();
    const [row] = (await ds.query(
      `SELECT n.*, l.status AS listing_status FROM notices n JOIN listings l ON l.id = n.listing_id WHERE n.id = $1`,
      [id],
    )) as Row[];
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `notice ${id} not found`);
    return toNoticeView(row);
  }

  /** The objections queue: pending ones oldest due first; `overdue` as the flag computes it. */
  async objections(
    filter: { status?: ObjectionStatus; overdue?: boolean; listingId?: string; regions?: StaffRegions },
    page: PageRequest,
    now: Date,
  ): Promise<Page<ObjectionView>> {
    const ds = await this.db.ready();
    // Vehicle objections; a company's are read with its company listing (company-credit-read.repository.ts).
    const where = `WHERE vehicle_key IS NOT NULL AND ($1::text IS NULL OR status = $1)
        AND ($2::boolean IS NULL OR (status = 'PENDING' AND due_by IS NOT NULL AND due_by <= $3) = $2)
        AND ($4::uuid IS NULL OR listing_id = $4)
        AND ($5::text[] IS NULL OR ${REGION_SQL.objection('objections').replace('$?', '$5')})`;
    const params = [
      filter.status ?? null,
      filter.overdue ?? null,
      now.toISOString(),
      filter.listingId ?? null,
      regionLikePatterns(filter.regions ?? null) ?? null,
    ];
    const rows = (await ds.query(
      `SELECT * FROM objections ${where}
        ORDER BY (status = 'PENDING') DESC, due_by NULLS LAST, received_at, id LIMIT $6 OFFSET $7`,
      [...params, page.pageSize, (page.page - 1) * page.pageSize],
    )) as Row[];
    const [count] = (await ds.query(`SELECT count(*) AS n FROM objections ${where}`, params)) as { n: string }[];
    return {
      items: rows.map((r) => toObjectionView(toObjection(r), now)),
      page: page.page,
      pageSize: page.pageSize,
      total: Number(count!.n),
    };
  }

  async objection(id: string, now: Date): Promise<ObjectionView> {
    const ds = await this.db.ready();
    const [row] = (await ds.query(`SELECT * FROM objections WHERE id = $1 AND vehicle_key IS NOT NULL`, [id])) as Row[];
    if (!row) throw new DomainError(DomainErrorCode.NOT_FOUND, `objection ${id} not found`);
    return toObjectionView(toObjection(row), now);
  }

  /** The revocation review queue, of the caller's regions only (SPEC §4.8; null: the whole city). */
  async revocations(
    status: ReviewStatus | undefined,
    page: PageRequest,
    regions: StaffRegions = null,
  ): Promise<Page<RevocationView>> {
    const ds = await this.db.ready();
    const found = await this.revocationRows.list(
      ds.manager,
      status,
      page.pageSize,
      (page.page - 1) * page.pageSize,
      regionLikePatterns(regions) ?? null,
    );
    return {
      items: found.items.map((r) => {
        const identity = parseVehicleKey(r.vehicleKey)!;
        return {
          ...toRevocationView(r),
          plate: identity.plate,
          plateColor: identity.plateColor,
          violation: {
            measuredAt: r.violation.measuredAt.toISOString(),
            stationId: r.violation.stationId,
            overKg: r.violation.overKg,
            status: r.violation.status as ViolationStatus,
            listingId: r.violation.listingId,
          },
        };
      }),
      page: page.page,
      pageSize: page.pageSize,
      total: found.total,
    };
  }
}
