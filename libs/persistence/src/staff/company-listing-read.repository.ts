import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import {
  DomainError,
  DomainErrorCode,
  publicationDueBy,
  type CompanyNoticeDocument,
  type CompanyParty,
  type ListingStatus,
  type NoticeServiceMethod,
  type NoticeStatus,
  type ObjectionStatus,
  type PostingEndReason,
  type PostingStatus,
  type PublicationProposal,
  regionLikePatterns,
  type StaffRegions,
} from '@oc/domain';
import { DatabaseConnection } from '../database.module';
import { REGION_SQL } from './jurisdiction.repository';
import { iso, SqlFilter } from './sql-filter';
import type { CompanyListingView, Page, PageRequest } from './staff-read-models';

type Row = Record<string, unknown>;
const isoOrNull = (d: Date | null | undefined): string | null => iso(d) ?? null;

/** Reads of company listings (SPEC §4.9) for the staff API. */
@Injectable()
export class CompanyListingReadRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly config: AppConfig,
  ) {}

  async list(
    filter: { status?: ListingStatus; operatorId?: string; regions?: StaffRegions },
    page: PageRequest,
    now: Date,
  ): Promise<Page<CompanyListingView>> {
    const f = new SqlFilter()
      .when(filter.status, 'c.status = $?')
      .when(filter.operatorId, 'c.operator_id = $?')
      // SPEC §4.8: a company listing belongs to the regions of its vehicles' listings.
      .when(regionLikePatterns(filter.regions ?? null), REGION_SQL.listings('c.vehicle_listing_ids'));
    const limit = f.page(page);
    const ds = await this.db.ready();
    const rows = (await ds.query(
      `SELECT c.id FROM company_listings c ${f.where} ORDER BY c.listed_at DESC, c.id DESC ${limit.sql}`,
      limit.params,
    )) as Row[];
    const [count] = (await ds.query(`SELECT count(*) AS n FROM company_listings c ${f.where}`, f.params)) as Row[];
    const items = await this.views(
      rows.map((r) => r.id as string),
      now,
    );
    return { items, page: page.page, pageSize: page.pageSize, total: Number(count?.n ?? 0) };
  }

  async one(id: string, now: Date): Promise<CompanyListingView> {
    const [view] = await this.views([id], now);
    if (!view) throw new DomainError(DomainErrorCode.NOT_FOUND, `company listing ${id} not found`);
    return view;
  }

  private async views(ids: string[], now: Date): Promise<CompanyListingView[]> {
    if (ids.length === 0) return [];
    const ds = await this.db.ready();
    const listings = (await ds.query(
      `SELECT c.*, n.id AS notice_id, n.notice_no, n.status AS notice_status, n.issued_at, n.served_at,
              n.service_method, n.period_ends_at, n.calendar_missing, n.document
         FROM company_listings c LEFT JOIN notices n ON n.company_listing_id = c.id
        WHERE c.id = ANY($1::uuid[]) ORDER BY c.listed_at DESC, c.id DESC`,
      [ids],
    )) as Row[];
    const objections = (await ds.query(
      `SELECT * FROM objections WHERE company_listing_id = ANY($1::uuid[]) ORDER BY received_at, id`,
      [ids],
    )) as Row[];
    const workingDays = this.config.PUBLICATION_DEADLINE_WORKING_DAYS;
    return listings.map((r) => {
      const effectiveAt = (r.effective_at as Date) ?? null;
      const due = effectiveAt ? publicationDueBy(effectiveAt, workingDays) : null;
      return {
        id: r.id as string,
        operatorId: r.operator_id as string,
        party: r.party as CompanyParty,
        status: r.status as ListingStatus,
        listedAt: iso(r.listed_at as Date)!,
        effectiveAt: isoOrNull(effectiveAt),
        expiresAt: isoOrNull(r.expires_at as Date | null),
        endedAt: isoOrNull(r.ended_at as Date | null),
        endReason: (r.end_reason as string) ?? null,
        vehicleCount: Number(r.vehicle_count),
        fleetSize: Number(r.fleet_size),
        vehicleListingIds: (r.vehicle_listing_ids as string[]) ?? [],
        proposal: (r.proposal as PublicationProposal) ?? null,
        publishedAt: isoOrNull(r.published_at as Date | null),
        posting: r.posting_status
          ? {
              status: r.posting_status as PostingStatus,
              until: iso(r.publication_ends_at as Date)!,
              ...(r.posting_withdrawn_at ? { withdrawnAt: iso(r.posting_withdrawn_at as Date)! } : {}),
              ...(r.posting_reason ? { reason: r.posting_reason as PostingEndReason } : {}),
            }
          : null,
        publicationDueBy: isoOrNull(due),
        overdue: r.status === 'LISTED' && !r.published_at && due !== null && now.getTime() > due.getTime(),
        notice: r.notice_id
          ? {
              id: r.notice_id as string,
              noticeNo: r.notice_no as string,
              status: r.notice_status as NoticeStatus,
              issuedAt: iso(r.issued_at as Date)!,
              ...(r.served_at ? { servedAt: iso(r.served_at as Date)! } : {}),
              ...(r.service_method ? { serviceMethod: r.service_method as NoticeServiceMethod } : {}),
              ...(r.period_ends_at ? { periodEndsAt: iso(r.period_ends_at as Date)! } : {}),
              calendarMissing: Boolean(r.calendar_missing),
              document: r.document as CompanyNoticeDocument,
            }
          : null,
        objections: objections
          .filter((o) => o.company_listing_id === r.id)
          .map((o) => {
            const dueBy = (o.due_by as Date) ?? null;
            return {
              id: o.id as string,
              target: { type: o.target_type as 'LISTING' | 'POSTING', id: o.target_id as string },
              grounds: o.grounds as string,
              channel: o.channel as string,
              attachments: (o.attachments as string[]) ?? [],
              receivedAt: iso(o.received_at as Date)!,
              handler: o.handler as string,
              dueBy: isoOrNull(dueBy),
              overdue: o.status === 'PENDING' && dueBy !== null && now.getTime() >= dueBy.getTime(),
              status: o.status as ObjectionStatus,
              ...(o.decided_by ? { decidedBy: o.decided_by as string } : {}),
              ...(o.decided_at ? { decidedAt: iso(o.decided_at as Date)! } : {}),
              ...(o.reply ? { reply: o.reply as string } : {}),
            };
          }),
      };
    });
  }
}
