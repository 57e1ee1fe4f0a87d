import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import {
  ENDED_LISTING_STATUSES,
  LISTING_STATUSES,
  MS_PER_DAY,
  OPEN_LISTING_STATUSES,
  PERMIT_EXEMPTED,
  type ListingStatus,
} from '@oc/domain';
import { DatabaseConnection } from '../database.module';
import { overdueEffectiveBefore } from './publication-deadline';
import type { DailyStatsView, StatsView } from './staff-read-models';

export interface StatsRequest {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Administrative-division-code prefix of the station (330500 湖州市, 330521 德清县 …); digits only. */
  region?: string;
  now: Date;
}

const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(',');

/**
 * GET /v1/stats (SPEC §6), in one statement of scalar subqueries.
 *
 * Region: a weighing, violation or turn-back belongs to the region of its station
 * (`station_id LIKE region || '%'`). A listing belongs to the region of the station of the weighing
 * that reached it, i.e. the first weighing of the reaching trip, whose measured_at is the listing's
 * listed_at (§4.4). The weighing, not its violation: a weighing is never deleted, while the violations
 * of a listing a permit exempted are (docs/rules.md, permits), and that listing stays on record. So
 * every listing has exactly one region and the regions of a city add up to the city. An objection
 * belongs to the region of the listing it is about.
 *
 * As of now:
 * - watch: vehicles without an open (pending or effective) listing with at least one counted trip (first violation not
 *   REVOKED, trip_id = its own id) in (now − COUNT_WINDOW_DAYS, now] and after the end of the
 *   vehicle's last ended listing (fresh start, §4.3), a listing withdrawn because a permit exempted its
 *   acts (PERMIT_EXEMPTED) excepted, as the recount does. With a region: such a trip started there.
 * - pending / listed / published: listings in that status; listingsByStatus: every listing of the
 *   region by its current status, ended ones included. overdueObjections: PENDING objections past
 *   their reply deadline (with a region: about a listing of that region). overduePublications: LISTED, never published, past
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
    const overdueBefore = overdueEffectiveBefore(now, this.config.PUBLICATION_DEADLINE_WORKING_DAYS);
    const ds = await this.db.ready();
    const [row] = (await ds.query(
      `WITH params AS (
         SELECT $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text AS station_like,
                $4::timestamptz AS window_start, $5::timestamptz AS overdue_before, $6::timestamptz AS now
       ),
       regional_listings AS (
         SELECT l.* FROM listings l, params p
         WHERE p.station_like IS NULL OR EXISTS (
           SELECT 1 FROM weighings r
           WHERE r.vehicle_key = l.vehicle_key AND r.measured_at = l.listed_at AND r.station_id LIKE p.station_like)
       )
       SELECT
         (SELECT count(DISTINCT v.vehicle_key) FROM violations v, params p
          WHERE v.status <> 'REVOKED' AND v.trip_id = v.id AND v.measured_at > p.window_start
            AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)
            AND NOT EXISTS (SELECT 1 FROM listings a
                            WHERE a.vehicle_key = v.vehicle_key AND a.status IN (${sqlList(OPEN_LISTING_STATUSES)}))
            AND v.measured_at > COALESCE(
                  (SELECT max(COALESCE(e.ended_at, e.expires_at)) FROM listings e
                   WHERE e.vehicle_key = v.vehicle_key AND e.status IN (${sqlList(ENDED_LISTING_STATUSES)})
                     AND e.end_reason IS DISTINCT FROM '${PERMIT_EXEMPTED}'),
                  '-infinity'::timestamptz)) AS watch,
         (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM regional_listings GROUP BY status) s)
           AS by_status,
         (SELECT count(*) FROM objections o, params p
          WHERE o.status = 'PENDING' AND o.due_by IS NOT NULL AND o.due_by <= p.now
            AND (p.station_like IS NULL OR o.listing_id IN (SELECT id FROM regional_listings))) AS overdue_objections,
         (SELECT count(*) FROM regional_listings l, params p
          WHERE l.status = 'LISTED' AND l.published_at IS NULL AND l.effective_at <= p.overdue_before) AS overdue,
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
        now.toISOString(),
      ],
    )) as Record<string, string>[];
    const n = (k: string): number => Number(row?.[k] ?? 0);
    const byStatus = (row?.by_status ?? {}) as unknown as Record<string, number>;
    const listingsByStatus = Object.fromEntries(
      LISTING_STATUSES.map((st) => [st, Number(byStatus[st] ?? 0)]),
    ) as Record<ListingStatus, number>;
    return {
      region: request.region ?? null,
      asOfNow: {
        at: now.toISOString(),
        watch: n('watch'),
        pending: listingsByStatus.PENDING,
        listed: listingsByStatus.LISTED,
        published: listingsByStatus.PUBLISHED,
        overduePublications: n('overdue'),
        overdueObjections: n('overdue_objections'),
        listingsByStatus,
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

  /**
   * GET /v1/stats/daily: per Asia/Shanghai calendar day of [from, to), the weighings, warnings,
   * violations (REVOKED excluded) and turn-backs, counted as `stats` counts them over a period, so the
   * days of a period add up to its totals. Every day of the range has a row, zeros included.
   */
  async daily(request: Omit<StatsRequest, 'now'>): Promise<DailyStatsView> {
    const { from, to } = request;
    const ds = await this.db.ready();
    const rows = (await ds.query(
      `WITH params AS (
         SELECT $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text AS station_like
       ),
       days AS (
         SELECT d::date AS day
         FROM params p, generate_series((p.period_from AT TIME ZONE 'Asia/Shanghai')::date,
                                        ((p.period_to - interval '1 millisecond') AT TIME ZONE 'Asia/Shanghai')::date,
                                        interval '1 day') AS d
       ),
       w AS (
         SELECT (w.measured_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS weighings,
                count(*) FILTER (WHERE w.classification = 'WARNING') AS warnings
         FROM weighings w, params p
         WHERE w.measured_at >= p.period_from AND w.measured_at < p.period_to
           AND (p.station_like IS NULL OR w.station_id LIKE p.station_like)
         GROUP BY 1
       ),
       v AS (
         SELECT (v.measured_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS violations
         FROM violations v, params p
         WHERE v.measured_at >= p.period_from AND v.measured_at < p.period_to AND v.status <> 'REVOKED'
           AND (p.station_like IS NULL OR v.station_id LIKE p.station_like)
         GROUP BY 1
       ),
       t AS (
         SELECT (t.at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS turn_backs
         FROM turn_backs t, params p
         WHERE t.at >= p.period_from AND t.at < p.period_to
           AND (p.station_like IS NULL OR t.station_id LIKE p.station_like)
         GROUP BY 1
       )
       SELECT to_char(days.day, 'YYYY-MM-DD') AS date, COALESCE(w.weighings, 0) AS weighings,
              COALESCE(w.warnings, 0) AS warnings, COALESCE(v.violations, 0) AS violations,
              COALESCE(t.turn_backs, 0) AS turn_backs
       FROM days LEFT JOIN w USING (day) LEFT JOIN v USING (day) LEFT JOIN t USING (day)
       ORDER BY days.day`,
      [
        from.toISOString(),
        to.toISOString(),
        // Digits only (validated at the edge): no LIKE wildcard inside.
        request.region === undefined ? null : `${request.region}%`,
      ],
    )) as Record<string, string>[];
    return {
      region: request.region ?? null,
      timeZone: 'Asia/Shanghai',
      from: from.toISOString(),
      to: to.toISOString(),
      items: rows.map((r) => ({
        date: r.date!,
        weighings: Number(r.weighings),
        warnings: Number(r.warnings),
        violations: Number(r.violations),
        turnBacks: Number(r.turn_backs),
      })),
    };
  }
}
