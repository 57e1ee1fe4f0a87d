import { Pool } from 'pg';
import { generateTraffic } from '@oc/simulation';
import { prepareWorldDatabase } from '../harness/registries';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { assertIngestInvariants, committedOffsets, FactStore, traffic } from './support/ingest-invariants';
import { PgCluster } from './support/pg-cluster';

/**
 * The Postgres that ingest writes to (a cluster this test owns) stops with `pg_ctl stop -m immediate`
 * in the middle of the stream and stays down until ingest has retried each batch in hand
 * RETRIES_WHILE_DOWN times (about 16 s: its back-off reaches its 5 s ceiling). While it is down ingest
 * commits no offsets and /health/ready is 503 naming postgres; when it returns ingest resumes by itself
 * and nothing is lost or counted twice.
 */
const TOTAL = 60_000;
const RETRIES_WHILE_DOWN = 8;
const RETRY_LOG = 'batch failed; retrying without committing';

describe('faults: Postgres outage in the middle of ingestion', () => {
  let cluster: PgCluster | undefined;
  let s: Scenario | undefined;
  let pool: Pool | undefined;

  beforeAll(async () => {
    cluster = await PgCluster.create();
  }, 90000);

  afterAll(async () => {
    await s?.close();
    await pool?.end().catch(() => undefined);
    await cluster?.destroy();
  }, 60000);

  it('commits nothing and reports not ready while down, then resumes by itself with nothing lost', async () => {
    const began = Date.now();
    s = await Scenario.create('pgout');
    const databaseUrl = cluster!.databaseUrl(`oc_faults_${s.name}`);
    await prepareWorldDatabase(databaseUrl);
    pool = new Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 3000 });
    pool.on('error', () => undefined); // idle clients die with the server; the pool replaces them
    const store: FactStore = {
      databaseUrl,
      query: async <T>(sql: string, params: unknown[] = []) => (await pool!.query(sql, params)).rows as T[],
    };
    const count = async (): Promise<number> =>
      (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings'))[0]!.n;

    const start = new Date(Date.now() - 40 * 24 * 3600_000);
    const messages = traffic(
      generateTraffic({ seed: 7003, vehicles: 2000, start, spacingMs: 30_000, malformedShare: 0.002 }),
      TOTAL,
    );
    await s.produce(
      messages.map(({ key, value }) => ({ key, value })),
      5000,
    );
    const valid = messages.filter((m) => m.kind !== 'MALFORMED').length;

    const ingest = await s.startIngest({ DATABASE_URL: databaseUrl });
    await eventually(async () => (await count()) >= valid * 0.15, {
      timeoutMs: 90000,
      intervalMs: 25,
      what: '15 % of the stream to be stored',
    });

    // --- outage ---
    const logFrom = ingest.output().length;
    const stoppedAt = Date.now();
    await cluster!.stop('immediate');
    const ready = await eventually(
      async () => {
        const res = await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
        return res.status === 503 ? ((await res.json()) as { error: { code: string; message: string } }) : false;
      },
      { timeoutMs: 10000, what: '/health/ready to turn 503 during the outage', intervalMs: 250 },
    );
    expect(ready.error.code).toBe('NOT_READY');
    expect(ready.error.message).toMatch(/postgres/);
    expect(ready.error.message).not.toMatch(/redis|kafka/);

    // Ingest's own account of the outage (its log): the highest failed attempt per partition since the stop.
    const failedAttempts = (): Map<number, number> => {
      const attempts = new Map<number, number>();
      for (const line of ingest.output().slice(logFrom).split('\n')) {
        let entry: { topic?: string; partition: number; attempt: number; msg?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // a line still being written
        }
        if (entry.msg !== RETRY_LOG || entry.topic !== s!.topics.weighingEvents) continue;
        attempts.set(entry.partition, Math.max(attempts.get(entry.partition) ?? 0, entry.attempt));
      }
      return attempts;
    };
    const admin = s.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(s.topics.weighingEvents).finally(() => admin.disconnect());
    const withWork = (offsets: Record<number, string>): number[] =>
      ends.filter((e) => BigInt(offsets[e.partition] ?? '-1') < BigInt(e.high)).map((e) => e.partition);
    // A batch whose transaction committed just before the stop may still commit its offset, one Kafka
    // round trip later. Ingest failing a batch for the second time since the stop (its first retry
    // comes 200 ms after the first failure) is well after that: from then on the offsets are frozen.
    const frozen = await eventually(
      async () => {
        const offsets = await committedOffsets(s!);
        return Math.max(0, ...failedAttempts().values()) >= 2 ? offsets : false;
      },
      { timeoutMs: 30000, intervalMs: 100, what: 'ingest to fail a batch twice since the stop' },
    );
    // Sampled until ingest has retried each of those batches RETRIES_WHILE_DOWN times, without committing.
    const samples: Record<number, string>[] = [];
    await eventually(
      async () => {
        const sample = await committedOffsets(s!);
        samples.push(sample);
        if (JSON.stringify(sample) !== JSON.stringify(frozen)) return true; // moved: reported below
        return [...failedAttempts().values()].every((n) => n >= RETRIES_WHILE_DOWN);
      },
      { timeoutMs: 60000, intervalMs: 250, what: `ingest to retry each batch in hand ${RETRIES_WHILE_DOWN} times` },
    );
    for (const sample of samples) expect(sample).toEqual(frozen);
    // The outage really came mid-stream: some partition still had work.
    expect(withWork(frozen).length).toBeGreaterThan(0);
    // Still alive, still not ready.
    expect(ingest.process.exitCode).toBeNull();
    expect((await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).status).toBe(503);

    // --- back ---
    await cluster!.start();
    const restartedAt = Date.now();
    const downMs = restartedAt - stoppedAt;
    await eventually(
      async () => (await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).ok,
      {
        timeoutMs: 30000,
        what: '/health/ready to turn 200 after Postgres returned',
        intervalMs: 250,
      },
    );
    const readyAgainMs = Date.now() - restartedAt;
    try {
      await s.waitUntilConsumed(120000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ingest output (tail) ---\n${ingest.output().slice(-4000)}`);
    }
    expect(ingest.process.exitCode).toBeNull(); // it resumed by itself, no restart

    const report = await assertIngestInvariants(s, messages, store);
    // The outbox relay came back too: every outbox row is published (deadline-bound).
    await eventually(
      async () =>
        (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0]!.n ===
        0,
      { timeoutMs: 30000, what: 'the outbox to drain after the outage' },
    );
    console.log(
      JSON.stringify({
        scenario: 'postgres-outage',
        frozen,
        downMs,
        readyAgainMs,
        report,
        seconds: (Date.now() - began) / 1000,
      }),
    );
  }, 240000);
});
