import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '../database.module';
import { maskOwnerName } from './mask-name';
import { iso, SqlFilter } from './sql-filter';
import type { Page, PageRequest, PublicPostingView } from './staff-read-models';

/**
 * Public postings (失信公示, SPEC §4.4, §4.8): PUBLISHED listings still within their publication period.
 * Only legal facts leave: no listing, violation or staff ids, no proposer or reviewer. The owner's
 * name is the party named in the publication proposal (当事人), else the applicant of this listing's
 * latest credit-repair request (never one of another listing: the vehicle may have changed hands);
 * a natural person's is masked.
 */
@Injectable()
export class PublicPostingRepository {
  constructor(private readonly db: DatabaseConnection) {}

  /** `plate` is normalised; newest publication first. */
  async find(filter: { plate?: string }, page: PageRequest, now: Date): Promise<Page<PublicPostingView>> {
    const f = new SqlFilter()
      .always(`l.status = 'PUBLISHED'`)
      .when(now.toISOString(), 'l.publication_ends_at > $?')
      .when(filter.plate, 'l.plate = $?');
    const limit = f.page(page);
    const ds = await this.db.ready();
    const rows = (await ds.query(
      `SELECT l.plate, l.plate_color, l.listed_at, l.published_at, l.publication_ends_at, l.violation_count,
              l.proposal ->> 'decisionNo' AS decision_no, l.proposal ->> 'legalBasis' AS legal_basis,
              COALESCE(l.proposal -> 'party' ->> 'name', owner.applicant_name) AS applicant_name,
              COALESCE(l.proposal -> 'party' ->> 'type', owner.applicant_type) AS applicant_type
       FROM listings l
       LEFT JOIN LATERAL (
         SELECT r.applicant_name, r.applicant_type FROM credit_repairs r
         WHERE r.listing_id = l.id
         ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1
       ) owner ON true
       ${f.where}
       ORDER BY l.published_at DESC, l.id DESC ${limit.sql}`,
      limit.params,
    )) as PostingRow[];
    const [count] = (await ds.query(`SELECT count(*) AS n FROM listings l ${f.where}`, f.params)) as { n: string }[];
    return {
      items: rows.map((r) => ({
        plate: r.plate,
        plateColor: Number(r.plate_color),
        listedAt: iso(r.listed_at)!,
        publishedAt: iso(r.published_at)!,
        publicationEndsAt: iso(r.publication_ends_at)!,
        violationCount: Number(r.violation_count),
        decisionNo: r.decision_no,
        legalBasis: r.legal_basis,
        ownerName: r.applicant_name === null ? null : maskOwnerName(r.applicant_name, r.applicant_type!),
      })),
      page: page.page,
      pageSize: page.pageSize,
      total: Number(count?.n ?? 0),
    };
  }
}

interface PostingRow {
  plate: string;
  plate_color: number;
  listed_at: Date;
  published_at: Date;
  publication_ends_at: Date;
  violation_count: number;
  decision_no: string | null;
  legal_basis: string | null;
  applicant_name: string | null;
  applicant_type: 'PERSON' | 'COMPANY' | null;
}
