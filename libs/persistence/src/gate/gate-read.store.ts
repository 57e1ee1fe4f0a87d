import { Pool } from 'pg';

export interface ActiveListingRow {
  id: string;
  status: 'LISTED' | 'PUBLISHED';
  listedAt: Date;
  violationCount: number;
}

/**
 * The gate's own small pool for its fallback read. Every query is bounded by `timeoutMs` (connection
 * included), so a slow or unreachable Postgres costs the gate at most that much.
 */
export class GateReadStore {
  private readonly pool: Pool;

  constructor(
    databaseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: 8,
      connectionTimeoutMillis: Math.max(timeoutMs, 1),
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'overload-credit:gate',
    });
    this.pool.on('error', () => undefined); // idle client errors: the next query reports them
  }

  /** The vehicle's active listing, or null; rejects after the timeout. */
  async findActiveListing(vehicleKey: string): Promise<ActiveListingRow | null> {
    const query = this.pool.query(
      `SELECT id, status, listed_at, violation_count FROM listings
       WHERE vehicle_key = $1 AND status IN ('LISTED','PUBLISHED') LIMIT 1`,
      [vehicleKey],
    );
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

  async findActiveStation(keyHash: string): Promise<string | null> {
    const query = this.pool.query(`SELECT station_id FROM stations WHERE key_hash = $1 AND revoked_at IS NULL`, [
      keyHash,
    ]);
    const rows = (await bounded(query, this.timeoutMs, 'Postgres')).rows as { station_id: string }[];
    return rows[0]?.station_id ?? null;
  }

  /** Opens a few connections ahead of the first requests, so they do not pay for the connection. */
  async warm(connections = 2): Promise<void> {
    await Promise.all(Array.from({ length: connections }, () => this.pool.query('SELECT 1').catch(() => undefined)));
  }

  async close(): Promise<void> {
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
