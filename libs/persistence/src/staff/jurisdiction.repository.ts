import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '../database.module';

/** What a staff action names (SPEC §4.8): the case it acts on is found from it. */
export type CaseTarget =
  | { type: 'violation' | 'listing' | 'notice' | 'objection' | 'credit_repair' | 'company_listing'; id: string }
  | { type: 'weighing'; id: string };

/**
 * The division code of a station as the registry has it; a station missing from it (never counted by
 * ingest) falls back to its id's first six digits (SPEC §3: a station id starts with its division code).
 */
const STATION_CODE = (alias: string) =>
  `coalesce((SELECT s.division_code FROM stations s WHERE s.station_id = ${alias}.station_id), left(${alias}.station_id, 6))`;

/**
 * List filters by jurisdiction (docs/rules.md "Jurisdiction"): `$?` binds the regions' LIKE patterns
 * (`330521%`). A listing belongs to the regions of the stations its violations were weighed at.
 */
export const REGION_SQL = {
  station: (alias: string) => `${STATION_CODE(alias)} LIKE ANY($?::text[])`,
  listing: (listingId: string) =>
    `EXISTS (SELECT 1 FROM violations rv WHERE rv.listing_id = ${listingId} AND ${STATION_CODE('rv')} LIKE ANY($?::text[]))`,
  listings: (listingIds: string) =>
    `EXISTS (SELECT 1 FROM violations rv WHERE rv.listing_id = ANY(${listingIds}) AND ${STATION_CODE('rv')} LIKE ANY($?::text[]))`,
  objection: (alias: string) =>
    `EXISTS (SELECT 1 FROM violations rv
       WHERE (rv.listing_id = ${alias}.listing_id OR rv.id = ANY(${alias}.violation_ids)
              OR EXISTS (SELECT 1 FROM company_listings c
                          WHERE c.id = ${alias}.company_listing_id AND rv.listing_id = ANY(c.vehicle_listing_ids)))
         AND ${STATION_CODE('rv')} LIKE ANY($?::text[]))`,
};

/** The region a case belongs to: its stations' division codes, found from what an action names. */
@Injectable()
export class JurisdictionRepository {
  constructor(private readonly db: DatabaseConnection) {}

  /**
   * `exists: false` when the target is not there (the action answers its own 404); `regions` the
   * distinct division codes of the stations where the case's violations (a weighing: itself) were weighed.
   */
  async caseRegions(target: CaseTarget): Promise<{ exists: boolean; regions: string[] }> {
    const ds = await this.db.ready();
    const [row] = (await ds.query(CASE_REGIONS_SQL[target.type], [target.id])) as {
      found: boolean;
      regions: string[] | null;
    }[];
    return { exists: Boolean(row?.found), regions: (row?.regions ?? []).filter((r) => r !== null) };
  }
}

const listingCodes = (listingIdsSql: string) =>
  `(SELECT array_agg(DISTINCT ${STATION_CODE('v')}) FROM violations v WHERE v.listing_id = ANY(${listingIdsSql}))`;

// Each query answers one row: does the target exist, and its case's division codes. Ids compare as text so
// that a malformed id is "not found", not a cast error.
const CASE_REGIONS_SQL: Record<CaseTarget['type'], string> = {
  violation: `SELECT true AS found, ARRAY[${STATION_CODE('v')}] AS regions FROM violations v WHERE v.id::text = $1`,
  weighing: `SELECT true AS found, ARRAY[${STATION_CODE('w')}] AS regions FROM weighings w
             WHERE w.id::text = $1 OR w.event_id = $1 LIMIT 1`,
  listing: `SELECT true AS found, ${listingCodes('ARRAY[l.id]')} AS regions FROM listings l WHERE l.id::text = $1`,
  notice: `SELECT true AS found, ${listingCodes('ARRAY[n.listing_id]')} AS regions FROM notices n WHERE n.id::text = $1`,
  credit_repair: `SELECT true AS found, ${listingCodes('ARRAY[r.listing_id]')} AS regions
                  FROM credit_repairs r WHERE r.id::text = $1`,
  company_listing: `SELECT true AS found, ${listingCodes('c.vehicle_listing_ids')} AS regions
                    FROM company_listings c WHERE c.id::text = $1`,
  objection: `SELECT true AS found,
                (SELECT array_agg(DISTINCT ${STATION_CODE('v')}) FROM violations v
                  WHERE v.listing_id = o.listing_id OR v.id = ANY(o.violation_ids)
                     OR EXISTS (SELECT 1 FROM company_listings c
                                 WHERE c.id = o.company_listing_id AND v.listing_id = ANY(c.vehicle_listing_ids)))
                AS regions
              FROM objections o WHERE o.id::text = $1`,
};
