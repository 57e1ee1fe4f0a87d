import { Pool, PoolClient } from 'pg';
import type { PermitRecord } from '@oc/domain';

export interface ActiveListingRow {
  id: string;
  status: 'LISTED' | 'PUBLISHED';
  listedAt: Date;
  violationCount: number;
}

const WARM_CONNECTIONS = 2;
const ACTIVE_LISTING_SQL = `SELECT id, status, listed_at, violation_count FROM listings
  WHERE vehicle_key = $1 AND status IN ('LISTED','PUBLISHED') LIMIT 1`;
const ACTIVE_LISTING_AND_PERMIT_SQL = `SELECT l.id, l.status, l.listed_at, l.violation_count,
              p.permit_no, p.vehicle_key AS permit_vehicle_key, p.valid_from, p.valid_to, p.max_gross_weight_kg,
              p.axles, p.station_ids, p.status AS permit_status
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT id, status, listed_at, violation_count FROM listings
         WHERE vehicle_key = $1 AND status IN ('LISTED','PUBLISHED') LIMIT 1
       ) AS l ON true
       LEFT JOIN registry_permits p ON p.permit_no = $2`;

/**
 * The gate's own small pool for its fallback read (station keys have theirs: StationKeyStore). Every
 * query is bounded by `timeoutMs` (connection included), so a slow or unreachable Postgres costs the
 * gate at most that much.
 */
export class GateReadStore {
  private readonly pool: Pool;
  private warming?: Promise<void>;
  private readonly keepWarm: NodeJS.Timeout;

  constructor(
    databaseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: 8,
      // The warmed connections stay open while Redis answers everything: a Redis failure must not pay
      // for a new connection inside GATE_DB_TIMEOUT_MS.
      min: WARM_CONNECTIONS,
      connectionTimeoutMillis: Math.max(timeoutMs, 1),
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'overload-credit:gate',
    });
    this.pool.on('error', () => undefined); // idle client errors: the next query reports them
    // A query that failed or timed out takes its connection with it (pg-pool): open it again ahead of
    // the next fallback rather than inside it.
    this.keepWarm = setInterval(() => {
      if (this.pool.totalCount < WARM_CONNECTIONS) void this.warm();
    }, 5000).unref();
  }

  /** The vehicle's active listing, or null; rejects after the timeout. */
  async findActiveListing(vehicleKey: string): Promise<ActiveListingRow | null> {
    const query = this.pool.query(ACTIVE_LISTING_SQL, [vehicleKey]);
    const rows = (await bounded(query, this.timeoutMs, 'Postgres')).rows as {
      id: string;
      status: 'LISTED' | 'PUBLISHED';
      listed_at: Date;
      violation_count: number;
    }[];
    const row = rows[0];
    return row
      ? { id: row.id, status: row.status, listedAt: row.listed_at, violationCount: Number(row.violation_count) }
      : null;
  }

  /**
   * The vehicle's active listing and the registry's permit `permitNo` (null when there is none), in one
   * statement: one round trip within the same timeout as the listing alone.
   */
  async findActiveListingAndPermit(
    vehicleKey: string,
    permitNo: string,
  ): Promise<{ listing: ActiveListingRow | null; permit: PermitRecord | null }> {
    const query = this.pool.query(ACTIVE_LISTING_AND_PERMIT_SQL, [vehicleKey, permitNo]);
    const [row] = (await bounded(query, this.timeoutMs, 'Postgres')).rows as {
      id: string | null;
      status: 'LISTED' | 'PUBLISHED' | null;
      listed_at: Date | null;
      violation_count: number | null;
      permit_no: string | null;
      permit_vehicle_key: string;
      valid_from: Date;
      valid_to: Date;
      max_gross_weight_kg: number;
      axles: number | null;
      station_ids: string[] | null;
      permit_status: 'ISSUED' | 'REVOKED';
    }[];
    return {
      listing:
        row?.id && row.status && row.listed_at
          ? { id: row.id, status: row.status, listedAt: row.listed_at, violationCount: Number(row.violation_count) }
          : null,
      permit:
        row?.permit_no != null
          ? {
              permitNo: row.permit_no,
              vehicleKey: row.permit_vehicle_key,
              validFrom: row.valid_from,
              validTo: row.valid_to,
              maxGrossWeightKg: Number(row.max_gross_weight_kg),
              axles: row.axles === null ? null : Number(row.axles),
              stationIds: row.station_ids && row.station_ids.length > 0 ? row.station_ids : null,
              status: row.permit_status,
            }
          : null,
    };
  }

  /**
   * Opens the pool's connections ahead of the first requests and runs the fallback's statements once on
   * each, so that the first fallback after a Redis failure pays neither for a connection nor for a
   * fresh backend's first reads of the catalog. A connection may take longer to open than the
   * fallback's timeout on a busy host: warming tries again for up to 5 s.
   */
  warm(): Promise<void> {
    this.warming ??= this.openWarm().finally(() => (this.warming = undefined));
    return this.warming;
  }

  private async openWarm(): Promise<void> {
    const until = Date.now() + 5000;
    const clients: PoolClient[] = [];
    while (clients.length < WARM_CONNECTIONS && Date.now() < until) {
      const client = await this.pool.connect().catch(() => undefined);
      if (client) clients.push(client);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all(
      clients.map(async (client) => {
        try {
          await client.query(ACTIVE_LISTING_SQL, ['']);
          await client.query(ACTIVE_LISTING_AND_PERMIT_SQL, ['', '']);
          client.release();
        } catch (error) {
          client.release(error as Error); // a cold first fallback is all that is lost
        }
      }),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.keepWarm);
    await this.pool.end().catch(() => undefined);
  }
}

export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
