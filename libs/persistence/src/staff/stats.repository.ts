import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { MS_PER_DAY } from '@oc/domain';
import { DatabaseConnection } from '../database.module';
import { overdueListedBefore } from './publication-deadline';
import type { StatsView } from './staff-read-models';

export interface StatsRequest {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Administrative-division-code prefix of the station (330500 湖州市, 330521 德清县 …); digits only. */
  region?: string;
  now: Date;
}

/**
 * GET /v1/stats (SPEC §6), in one statement of scalar subqueries.
 *
 * Region: a weighing, violation or turn-back belongs to the region of its station
 * (`station_id LIKE region || '%'`). A listing belongs to the region of the station of the violation
 * that reached it, i.e. the first violation of the reaching trip, whose measured_at is the listing's
 * listed_at (§4.4); that violation stays in the table even when a revocation ends the listing, so
 * every listing has exactly one region and the regions of a city add up to the city.
 *
 * As of now:
 * - watch: vehicles without an active listing with at least one counted trip (first violation not
 *   REVOKED, trip_id = its own id) in (now − COUNT_WINDOW_DAYS, now] and after the end of the
 *   vehicle's last ended listing (fresh start, §4.3). With a region: such a trip started there.
 * - listed / published: listings in that status. overduePublications: LISTED, never published, past
 *   the deadline of PUBLICATION_DEADLINE_WORKING_DAYS working days (Asia/Shanghai).
 * Over [from, to):
 * - violations: violation records (weighings, not trips) measured in the period, REVOKED excluded;
 * - warnings: weighings classified WARNING measured in the period;
 * - turnBacks: turn-back records (劝返记录) at the gate in the period;
 * - casesProcessed / finesYuan: violations PROCESSED with processed_at in the period, and their fines;
 * - repaired / expired / revoked: listings that ended with that status, ended_at in the period.
 */
@Injectable()
export class StatsRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly config: AppConfig,
  ) {}

  async stats(request: StatsRequest): Promise<StatsView> {
    const { from, to, now } = request;
    const windowStart = new Date(now.getTime() - this.config.COUNT_WINDOW_DAYS * MS_PER_DAY);
    const overdueBefore = overdueListedBefore(now, this.config.PUBLICATION_DEADLINE_WORKING_DAYS);
    const ds = await this.db.ready();
    const [row] = (await ds.query(
      `WITH params AS (
         SELECT $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text AS station_like,
                $4::timestamptz AS window_start, $5::timestamptz AS overdue_before
       ),
       regional_listings AS (
         SELECT l.* FROM listings l, params p
         WHERE p.station_like IS NULL OR EXISTS (
           SELECT 1 FROM violations r
           WHERE r.vehicle_key = l.vehicle_key AND r.measured_at = l.listed_at AND r.station_id LIKE p.station_like)
       )
       SELECT
         (SELECT count(DISTINCT v.vehicle_key) FROM violations v, params p
          WHERE v.status <> 'REVOKED' AND v.trip_id = v.id AND v.measured_at > p.window_start
            AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)
            AND NOT EXISTS (SELECT 1 FROM listings a
                            WHERE a.vehicle_key = v.vehicle_key AND a.status IN ('LISTED','PUBLISHED'))
            AND v.measured_at > COALESCE(
                  (SELECT max(COALESCE(e.ended_at, e.expires_at)) FROM listings e
                   WHERE e.vehicle_key = v.vehicle_key AND e.status IN ('REPAIRED','EXPIRED','REVOKED')),
                  '-infinity'::timestamptz)) AS watch,
         (SELECT count(*) FROM regional_listings WHERE status = 'LISTED') AS listed,
         (SELECT count(*) FROM regional_listings WHERE status = 'PUBLISHED') AS published,
         (SELECT count(*) FROM regional_listings l, params p
          WHERE l.status = 'LISTED' AND l.published_at IS NULL AND l.listed_at < p.overdue_before) AS overdue,
         (SELECT count(*) FROM violations v, params p
          WHERE v.measured_at >= p.period_from AND v.measured_at < p.period_to AND v.status <> 'REVOKED'
            AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)) AS violations,
         (SELECT count(*) FROM weighings w, params p
          WHERE w.measured_at >= p.period_from AND w.measured_at < p.period_to AND w.classification = 'WARNING'
            AND (p.station_like IS NULL OR w.station_id LIKE p.station_like)) AS warnings,
         (SELECT count(*) FROM turn_backs t, params p
          WHERE t.at >= p.period_from AND t.at < p.period_to
            AND (p.station_like IS NULL OR t.station_id LIKE p.station_like)) AS turn_backs,
         (SELECT count(*) FROM violations v, params p
          WHERE v.status = 'PROCESSED' AND v.processed_at >= p.period_from AND v.processed_at < p.period_to
            AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)) AS cases_processed,
         (SELECT COALESCE(sum(v.fine_yuan), 0) FROM violations v, params p
          WHERE v.status = 'PROCESSED' AND v.processed_at >= p.period_from AND v.processed_at < p.period_to
            AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)) AS fines_yuan,
         (SELECT count(*) FROM regional_listings l, params p
          WHERE l.status = 'REPAIRED' AND l.ended_at >= p.period_from AND l.ended_at < p.period_to) AS repaired,
         (SELECT count(*) FROM regional_listings l, params p
          WHERE l.status = 'EXPIRED' AND l.ended_at >= p.period_from AND l.ended_at < p.period_to) AS expired,
         (SELECT count(*) FROM regional_listings l, params p
          WHERE l.status = 'REVOKED' AND l.ended_at >= p.period_from AND l.ended_at < p.period_to) AS revoked`,
      [
        from.toISOString(),
        to.toISOString(),
        // The region is validated as digits at the edge, so it holds no LIKE wildcard.
        request.region === undefined ? null : `${request.region}%`,
        windowStart.toISOString(),
        overdueBefore.toISOString(),
      ],
    )) as Record<string, string>[];
    const n = (k: string): number => Number(row?.[k] ?? 0);
    return {
      region: request.region ?? null,
      asOfNow: {
        at: now.toISOString(),
        watch: n('watch'),
        listed: n('listed'),
        published: n('published'),
        overduePublications: n('overdue'),
      },
      period: {
        from: from.toISOString(),
        to: to.toISOString(),
        violations: n('violations'),
        warnings: n('warnings'),
        turnBacks: n('turn_backs'),
        casesProcessed: n('cases_processed'),
        finesYuan: n('fines_yuan'),
        repaired: n('repaired'),
        expired: n('expired'),
        revoked: n('revoked'),
      },
    };
  }
}
