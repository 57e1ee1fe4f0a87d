import { Client } from 'pg';
import { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { PermitCacheEntry, TurnBackCache, VehicleCacheEntry } from '@oc/cache';
import { DatabaseConnection, OUTBOX_CHANNEL, OutboxRepository, OutboxRow } from '@oc/persistence';

export interface OutboxRelayOptions {
  databaseUrl: string;
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (e.g. the LISTEN connection is being re-established). */
  pollMs?: number;
  /** Published rows older than this are pruned (OUTBOX_RETENTION_HOURS); unset: kept. */
  retentionHours?: number;
}

/**
 * The outbox row payload: the Kafka event (if any), the vehicle's cache entry after the change, or the
 * permit's entry after a registry change (a row with topic null, keyed by permitNo).
 */
export interface OutboxPayload {
  event?: Record<string, unknown>;
  cache?: VehicleCacheEntry;
  permit?: PermitCacheEntry;
}

// Session-level advisory lock: exactly one relay publishes at a time, which keeps per-vehicle order.
const RELAY_LEADER_LOCK = 7_240_002;

/**
 * Publishes committed outbox rows to Kafka and applies their cache entries to Redis (SPEC §5),
 * then marks them published. At-least-once: a crash in between publishes the row again, and the
 * cache's version check makes a repeated or late entry harmless. Woken by NOTIFY at commit, so a
 * listing reaches the gate well within a second.
 */
export class OutboxRelay {
  private listener?: Client;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private leader = false;
  private prunedAt = 0;

  constructor(
    private readonly db: DatabaseConnection,
    private readonly outbox: OutboxRepository,
    private readonly cache: TurnBackCache,
    private readonly producer: Producer,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.closeListener();
  }

  /** Publishes everything pending now (tests and the CLI use it); returns how many rows it relayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!(await this.ensureLeadership())) {
          await this.sleep(1000);
          continue;
        }
        const relayed = await this.relayOnce();
        failures = 0;
        if (relayed === 0) {
          await this.pruneWhenDue();
          await this.sleep(this.options.pollMs ?? 500);
        }
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, failures }, 'outbox relay failed; retrying');
        await this.closeListener();
        await this.sleep(Math.min(100 * 2 ** failures, 5000));
      }
    }
  }

  /** At most once a minute, when idle, as the leader: one batch of published rows past their retention. */
  private async pruneWhenDue(): Promise<void> {
    const hours = this.options.retentionHours;
    if (hours === undefined || Date.now() - this.prunedAt < 60_000) return;
    this.prunedAt = Date.now();
    const ds = await this.db.ready();
    const pruned = await this.outbox.prunePublished(ds.manager, hours);
    if (pruned > 0) this.logger.info({ pruned, retentionHours: hours }, 'published outbox rows pruned');
  }

  private async relayOnce(): Promise<number> {
    const ds = await this.db.ready();
    const rows = await this.outbox.nextBatch(ds.manager, this.options.batchSize ?? 500);
    if (rows.length === 0) return 0;
    // The gate first: a versioned, idempotent cache write does not wait for Kafka, so a broker outage
    // never leaves a repaired vehicle turned back, nor a revoked permit exempting (SPEC §4.4, §4.6).
    // Rows are marked published only after Kafka took them; a retry writes the cache again, which
    // changes nothing.
    const vehicles: VehicleCacheEntry[] = [];
    const permits: PermitCacheEntry[] = [];
    for (const row of rows) {
      const payload = row.payload as OutboxPayload;
      if (payload.cache) vehicles.push(payload.cache);
      if (payload.permit) permits.push(payload.permit);
    }
    await this.cache.writeEntries(vehicles, permits);
    await this.publish(rows);
    await this.outbox.markPublished(
      ds.manager,
      rows.map((r) => r.id),
    );
    return rows.length;
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const row of rows) {
      const event = (row.payload as OutboxPayload).event;
      if (!row.topic || !event) continue;
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.key, value: JSON.stringify(event) });
      byTopic.set(row.topic, list);
    }
    if (byTopic.size === 0) return;
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  /** Holds the leader lock on the LISTEN connection; losing that connection gives leadership up. */
  private async ensureLeadership(): Promise<boolean> {
    if (this.listener && this.leader) return true;
    if (!this.listener) {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: 'overload-credit:outbox-relay',
      });
      client.on('error', () => void this.closeListener());
      client.on('notification', () => this.wake?.());
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    }
    const [{ locked }] = (await this.listener.query('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LEADER_LOCK]))
      .rows;
    this.leader = locked === true;
    return this.leader;
  }

  private async closeListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
