import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '../database.module';
import { maskOwnerName } from './mask-name';
import { iso, SqlFilter } from './sql-filter';
import type { Page, PageRequest, PublicCompanyPostingView, PublicPostingView } from './staff-read-models';

/**
 * Public postings (失信公示, SPEC §4.4, §4.8): postings still POSTED within their period — a posting has
 * its own life: it outlives the listing's expiry (POSTING_ENDS_WITH_LISTING=false) and comes down at once
 * on a repair, a revocation or a correction.
 * Only legal facts leave: no listing, violation or staff ids, no proposer or reviewer. The party (当事人)
 * is the listing's own, from the vehicle registry as of its creation: a natural person's name masked, a
 * company's in full, the 车籍地; never the id number, the phone, nor anything a credit-repair applicant
 * gave (the applicant is not the party of the decision). A listing without a party is a vehicle the
 * registry does not know, and the posting says so (party null).
 */
@Injectable()
export class PublicPostingRepository {
  constructor(private readonly db: DatabaseConnection) {}

  /** `plate` is normalised; newest publication first. */
  async find(filter: { plate?: string }, page: PageRequest, now: Date): Promise<Page<PublicPostingView>> {
    const f = new SqlFilter()
      .always(`l.posting_status = 'POSTED'`)
      .when(now.toISOString(), 'l.publication_ends_at > $?')
      .when(filter.plate, 'l.plate = $?');
    const limit = f.page(page);
    const ds = await this.db.ready();
    const rows = (await ds.query(
      `SELECT l.plate, l.plate_color, l.listed_at, l.published_at, l.publication_ends_at, l.violation_count,
              l.proposal ->> 'decisionNo' AS decision_no, l.proposal ->> 'legalBasis' AS legal_basis,
              l.proposal -> 'contents' AS contents,
              l.party ->> 'ownerName' AS owner_name, l.party ->> 'ownerType' AS owner_type,
              l.party ->> 'registrationRegion' AS registration_region
       FROM listings l
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
        // 决定书 contents (§4.4) as published: 事由, 依据, 惩戒措施, 移出条件和程序, 救济途径.
        ...publishedDecision(r.contents),
        party:
          r.owner_name === null || r.owner_type === null
            ? null
            : {
                name: maskOwnerName(r.owner_name, r.owner_type),
                type: r.owner_type,
                registrationRegion: r.registration_region ?? '',
              },
      })),
      page: page.page,
      pageSize: page.pageSize,
      total: Number(count?.n ?? 0),
    };
  }

  /** Company listings posted now (SPEC §4.9), newest publication first; the company named in full. */
  async companies(page: PageRequest, now: Date): Promise<Page<PublicCompanyPostingView>> {
    const f = new SqlFilter()
      .always(`c.posting_status = 'POSTED'`)
      .when(now.toISOString(), 'c.publication_ends_at > $?');
    const limit = f.page(page);
    const ds = await this.db.ready();
    const rows = (await ds.query(
      `SELECT c.operator_id, c.party ->> 'name' AS company_name, c.listed_at, c.published_at, c.publication_ends_at,
              c.vehicle_count, c.fleet_size, c.proposal ->> 'decisionNo' AS decision_no,
              c.proposal ->> 'legalBasis' AS legal_basis, c.proposal -> 'contents' AS contents
       FROM company_listings c ${f.where}
       ORDER BY c.published_at DESC, c.id DESC ${limit.sql}`,
      limit.params,
    )) as Record<string, unknown>[];
    const [count] = (await ds.query(`SELECT count(*) AS n FROM company_listings c ${f.where}`, f.params)) as {
      n: string;
    }[];
    return {
      items: rows.map((r) => ({
        companyName: (r.company_name as string) ?? null,
        operatorId: r.operator_id as string,
        listedAt: iso(r.listed_at as Date)!,
        publishedAt: iso(r.published_at as Date)!,
        publicationEndsAt: iso(r.publication_ends_at as Date)!,
        vehicleCount: Number(r.vehicle_count),
        fleetSize: Number(r.fleet_size),
        decisionNo: (r.decision_no as string) ?? null,
        legalBasis: (r.legal_basis as string) ?? null,
        ...publishedDecision(r.contents as Record<string, string> | null),
      })),
      page: page.page,
      pageSize: page.pageSize,
      total: Number(count?.n ?? 0),
    };
  }
}

/** The decision contents as published (§4.4), without the repair notice (served with the decision). */
function publishedDecision(contents: Record<string, string> | null): Pick<PublicPostingView, 'decision'> {
  return contents
    ? {
        decision: {
          grounds: contents.grounds!,
          basis: contents.basis!,
          measures: contents.measures!,
          removal: contents.removal!,
          remedies: contents.remedies!,
        },
      }
    : {};
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
  contents: { grounds: string; basis: string; measures: string; removal: string; remedies: string } | null;
  owner_name: string | null;
  owner_type: 'PERSON' | 'COMPANY' | null;
  registration_region: string | null;
}
