import { Client, Pool } from 'pg';
import { bounded } from './gate-read.store';

/** Postgres NOTIFY channel of station key changes (station:add, station:revoke). */
export const STATION_KEYS_CHANNEL = 'oc_station_keys';
/** A background load of every active key may take this long; a lane's own lookup only GATE_DB_TIMEOUT_MS. */
const LOAD_TIMEOUT_MS = 5000;
const RELISTEN_MS = 5000;

/**
 * The gate's station keys in Postgres, on a pool of their own (two connections) apart from the
 * listing fallback's, so that authentication can never take the connections a decision needs, and
 * one more connection that LISTENs for key changes.
 */
export class StationKeyStore {
  private readonly pool: Pool;
  private listener?: Client;
  private relisten?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly lookupTimeoutMs: number,
  ) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: 2,
      min: 1, // a lookup within GATE_DB_TIMEOUT_MS finds a connection open
      connectionTimeoutMillis: LOAD_TIMEOUT_MS,
      query_timeout: LOAD_TIMEOUT_MS,
      statement_timeout: LOAD_TIMEOUT_MS,
      application_name: 'overload-credit:gate-keys',
    });
    this.pool.on('error', () => undefined); // idle client errors: the next query reports them
  }

  /** Every active key: SHA-256 of the key → station id. */
  async loadActive(): Promise<Map<string, string>> {
    const query = this.pool.query<{ key_hash: string; station_id: string }>(
      `SELECT key_hash, station_id FROM stations WHERE key_hash IS NOT NULL AND revoked_at IS NULL`,
    );
    const { rows } = await bounded(query, LOAD_TIMEOUT_MS, 'Postgres');
    return new Map(rows.map((r) => [r.key_hash, r.station_id]));
  }

  /** The station of one active key, or null; rejects after GATE_DB_TIMEOUT_MS. */
  async findActive(keyHash: string): Promise<string | null> {
    const query = this.pool.query<{ station_id: string }>(
      `SELECT station_id FROM stations WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    const { rows } = await bounded(query, this.lookupTimeoutMs, 'Postgres');
    return rows[0]?.station_id ?? null;
  }

  /**
   * Calls `changed` on every NOTIFY of a key change, and once after each (re)connection, since a change
   * may have been missed while the connection was down. Reconnects every 5 s while Postgres is away.
   */
  onChange(changed: () => void): void {
    const schedule = (): void => {
      this.listener = undefined;
      if (!this.closed && !this.relisten)
        this.relisten = setTimeout(() => {
          this.relisten = undefined;
          void connect();
        }, RELISTEN_MS).unref();
    };
    const connect = async (): Promise<void> => {
      const client = new Client({
        connectionString: this.databaseUrl,
        connectionTimeoutMillis: LOAD_TIMEOUT_MS,
        keepAlive: true,
        application_name: 'overload-credit:gate-keys-listen',
      });
      client.on('error', () => undefined); // 'end' follows and schedules the next attempt
      try {
        await client.connect();
        await client.query(`LISTEN ${STATION_KEYS_CHANNEL}`);
      } catch {
        await client.end().catch(() => undefined);
        schedule();
        return;
      }
      if (this.closed) return void client.end().catch(() => undefined);
      this.listener = client;
      client.on('notification', () => changed());
      client.once('end', schedule);
      changed();
    };
    void connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.relisten);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
