import { Pool } from 'pg';
import { generateTraffic, SimulatedMessage } from '@oc/simulation';
import { prepareWorldDatabase } from '../harness/registries';
import { RunningApp } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { TcpProxy } from '../harness/tcp-proxy';
import { assertIngestInvariants, committedOffsets, FactStore, traffic } from './support/ingest-invariants';
import { PgCluster } from './support/pg-cluster';

/**
 * README "Architecture": each partition batch is stored in one transaction and its offsets are
 * committed only after it commits. postgres-outage.fault-spec.ts stops Postgres (connections refused,
 * the batch fails and is retried); here Postgres hangs instead, exactly when ingest's batch insert is
 * on its way: the transaction neither commits nor fails, and the offsets must not move past what is
 * stored (nothing new can be) until Postgres answers again, after which every event is stored exactly
 * once. Two ways to hang: the whole server SIGSTOPped (it answers late, the transaction completes),
 * and a proxy that swallows the bytes (the connection is lost, the batch must be retried).
 */
const PART = 4000;

type Hang = { hang: () => Promise<void>; resume: () => Promise<void> };

describe('faults: Postgres hangs in the middle of an ingest batch', () => {
  let cluster: PgCluster | undefined;
  const proxies: TcpProxy[] = [];
  const scenarios: Scenario[] = [];
  const pools: Pool[] = [];

  beforeAll(async () => {
    cluster = await PgCluster.create();
  }, 90000);

  afterAll(async () => {
    // Whatever failed, nothing is left hanging.
    await cluster?.resume();
    for (const proxy of proxies) await proxy.restore();
    for (const s of scenarios) await s.close();
    for (const pool of pools) await pool.end().catch(() => undefined);
    for (const proxy of proxies) await proxy.cut();
    await cluster?.destroy();
  }, 60000);

  /**
   * Stores a first part of the stream; hangs Postgres (`how`) when ingest sends the insert of the next
   * batch; produces the rest meanwhile; checks that no offset moved while it hung; lets it go on; then
   * the invariants of ingest-invariants.ts: every event stored exactly once or dead-lettered.
   */
  async function hangMidBatch(
    s: Scenario,
    databaseUrl: string,
    proxy: TcpProxy,
    how: Hang,
    seed: number,
  ): Promise<RunningApp> {
    const pool = new Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 3000 });
    pool.on('error', () => undefined);
    pools.push(pool);
    const store: FactStore = {
      databaseUrl,
      query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    };
    const stream = traffic(
      generateTraffic({
        seed,
        vehicles: 400,
        start: new Date(Date.now() - 40 * 24 * 3600_000),
        spacingMs: 30_000,
        malformedShare: 0.002,
      }),
      3 * PART,
    );
    // Malformed messages only before the hang: a batch of nothing but malformed ones is dead-lettered
    // and committed without Postgres, and would blur "nothing may be committed while it hangs".
    const first = stream.slice(0, PART);
    const second = stream.slice(PART, 2 * PART).filter((m) => m.kind !== 'MALFORMED');
    const third = stream.slice(2 * PART).filter((m) => m.kind !== 'MALFORMED');
    const plain = (ms: SimulatedMessage[]) => ms.map(({ key, value }) => ({ key, value }));
    const viaProxy = new URL(databaseUrl);
    viaProxy.host = `127.0.0.1:${proxy.port}`;

    await s.produce(plain(first));
    const ingest = await s.startIngest({ DATABASE_URL: viaProxy.toString() });
    const tail = (error: unknown): Error =>
      new Error(`${(error as Error).message}\n--- ingest output (tail) ---\n${ingest.output().slice(-4000)}`);
    const count = async (): Promise<number> =>
      (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings'))[0]!.n;
    const valid = first.filter((m) => m.kind !== 'MALFORMED').length;
    await s.waitUntilConsumed(120000).catch((e) => Promise.reject(tail(e)));
    await eventually(async () => (await count()) === valid, { what: 'the first part stored', timeoutMs: 30000 });
    // Everything produced is stored and committed: the offsets that may not move while Postgres hangs.
    const stored = await committedOffsets(s);

    // Hang Postgres as the next batch's insert leaves ingest; from then on nothing can be stored.
    let hanging: Promise<void> | undefined;
    proxy.whenClientSends('INSERT INTO weighings', () => (hanging = how.hang()));
    await s.produce(plain(second));
    await eventually(() => hanging !== undefined, {
      what: "ingest's next batch insert",
      timeoutMs: 30000,
      intervalMs: 10,
    });
    await hanging;
    const moved: Record<number, string>[] = [];
    const sample = async (): Promise<void> => {
      const now = await committedOffsets(s);
      if (JSON.stringify(now) !== JSON.stringify(stored)) moved.push(now);
    };
    await sample();
    await s.produce(plain(third));
    // Ingest notices (its readiness names postgres) and still commits nothing.
    const ready = await eventually(
      async () => {
        await sample();
        const res = await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
        return res.status === 503 ? ((await res.json()) as { error: { message: string } }) : false;
      },
      { what: '/health/ready to turn 503 while Postgres hangs', timeoutMs: 15000, intervalMs: 200 },
    );
    await sample();
    expect(ready.error.message).toMatch(/postgres/);
    expect({ stored, committedWhileHung: moved }).toEqual({ stored, committedWhileHung: [] });
    expect(ingest.process.exitCode).toBeNull();

    await how.resume();
    await s.waitUntilConsumed(120000).catch((e) => Promise.reject(tail(e)));
    await eventually(
      async () => (await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).ok,
      { what: '/health/ready to turn 200 again', timeoutMs: 30000, intervalMs: 250 },
    );
    expect(ingest.process.exitCode).toBeNull();
    await assertIngestInvariants(s, [...first, ...second, ...third], store);
    await eventually(
      async () =>
        (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0]!.n ===
        0,
      { what: 'the outbox to drain', timeoutMs: 30000 },
    );
    return ingest;
  }

  it('the server stopped (SIGSTOP) as the insert leaves: nothing committed meanwhile, stored once when it continues', async () => {
    const s = await Scenario.create('slowpg_stop');
    scenarios.push(s);
    const databaseUrl = cluster!.databaseUrl(`oc_faults_${s.name}`);
    await prepareWorldDatabase(databaseUrl);
    const proxy = await TcpProxy.start('127.0.0.1', cluster!.port);
    proxies.push(proxy);
    await hangMidBatch(s, databaseUrl, proxy, { hang: () => cluster!.pause(), resume: () => cluster!.resume() }, 7011);
  }, 240000);

  it('the insert swallowed by a blackhole: nothing committed meanwhile, retried and stored once when it ends', async () => {
    const s = await Scenario.create('slowpg_hole');
    scenarios.push(s);
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(s.databaseUrl).port || 5432));
    proxies.push(proxy);
    const ingest = await hangMidBatch(
      s,
      s.databaseUrl,
      proxy,
      { hang: () => proxy.blackhole(), resume: () => proxy.restore() },
      7012,
    );
    expect(proxy.swallowed).toBeGreaterThan(0);
    // The swallowed insert's connection was reset when the blackhole ended: that batch failed and was retried.
    expect(ingest.output()).toContain('batch failed; retrying without committing');
  }, 240000);
});
