import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { OwnRedis } from '../harness/redis-server';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { TcpProxy } from '../harness/tcp-proxy';

const DEADLINE_MS = 100;
// Here the dependencies refuse (down, not slow), so the answers come at once: the client's bound only
// proves that each was answered rather than hung. Whether the gate keeps GATE_DEADLINE_MS is measured in
// the gate itself when the dependencies hang (test/faults/slow-dependencies.fault-spec.ts).
const ANSWERED_WITHIN_MS = 2000;
const DAY = 86_400_000;
const t0 = new Date(Date.now() - 50 * DAY);

describe('gate-api under Redis and Postgres outages (test-owned redis-server, a proxy in front of Postgres)', () => {
  let s: Scenario;
  let redis: OwnRedis;
  let pgProxy: TcpProxy;
  let key: string;
  const plate = '浙E50001';

  beforeAll(async () => {
    s = await Scenario.create('gate_outage');
    redis = await OwnRedis.start();
    pgProxy = await TcpProxy.start('127.0.0.1', Number(new URL(s.databaseUrl).port || 5432));
    key = (await runCli(['station:add', '330522001'], s.env())).stdout.trim();
    await s.startIngest({ REDIS_URL: redis.url });
    await s.produce(
      [0, 3, 6].map((d, i) =>
        violationEvent({ eventId: `o-${i}`, plate, measuredAt: new Date(t0.getTime() + d * DAY) }),
      ),
    );
  });
  afterAll(async () => {
    await s.close();
    await redis.stop();
    await pgProxy.cut();
  });

  const viaProxy = (): string => {
    const url = new URL(s.databaseUrl);
    url.host = `127.0.0.1:${pgProxy.port}`;
    return url.toString();
  };

  /** `cargo: null` leaves the parameter out (the gate then assumes UNKNOWN, SPEC §4.6). */
  async function timedAsk(
    gate: RunningApp,
    cargo: string | null = 'LADEN',
  ): Promise<{ body: { decision: string; reasons: string[]; source: string }; ms: number }> {
    const cargoParam = cargo === null ? '' : `&cargo=${cargo}`;
    const started = performance.now();
    const res = await fetch(
      `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1${cargoParam}`,
      {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(5000),
      },
    );
    const body = (await res.json()) as { decision: string; reasons: string[]; source: string };
    expect(res.status).toBe(200);
    return { body, ms: performance.now() - started };
  }

  it.each(['open', 'closed'] as const)(
    'keeps answering when its dependencies refuse: cache, then database, then fail-%s',
    async (mode) => {
      await redis.restart();
      await pgProxy.restore();
      const gate = await s.startApp('gate-api', {
        REDIS_URL: redis.url,
        DATABASE_URL: viaProxy(),
        GATE_FAILURE_MODE: mode,
        GATE_DEADLINE_MS: String(DEADLINE_MS),
      });
      await eventually(async () => (await timedAsk(gate)).body.source === 'cache', {
        what: 'a cache answer',
        timeoutMs: 30000,
      }).catch((e: Error) => {
        throw new Error(
          `${e.message}\n--- ingest ---\n${s.ingest!.output().slice(-3000)}\n--- gate ---\n${gate.output().slice(-3000)}`,
        );
      });
      expect((await timedAsk(gate)).body).toMatchObject({
        decision: 'TURN_BACK',
        reasons: ['DISHONESTY_LIST'],
        source: 'cache',
      });

      await redis.stop();
      for (let i = 0; i < 20; i++) {
        const { body, ms } = await timedAsk(gate);
        expect(body).toMatchObject({ decision: 'TURN_BACK', reasons: ['DISHONESTY_LIST'], source: 'database' });
        expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
      }

      await pgProxy.cut();
      for (let i = 0; i < 20; i++) {
        const { body, ms } = await timedAsk(gate);
        if (mode === 'open') expect(body).toMatchObject({ decision: 'ALLOW', source: 'fail-open' });
        else expect(body).toMatchObject({ decision: 'TURN_BACK', reasons: ['FAIL_CLOSED'], source: 'fail-closed' });
        expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
      }
      // README (GATE_FAILURE_MODE): closed turns back every laden or unknown-cargo truck — unknown cargo
      // counts as laden (SPEC §4.6), whether it is said or left out — and lets only an empty one pass.
      for (const cargo of ['UNKNOWN', null]) {
        const { body } = await timedAsk(gate, cargo);
        if (mode === 'open') expect(body).toMatchObject({ decision: 'ALLOW', reasons: [], source: 'fail-open' });
        else expect(body).toMatchObject({ decision: 'TURN_BACK', reasons: ['FAIL_CLOSED'], source: 'fail-closed' });
      }
      expect((await timedAsk(gate, 'EMPTY')).body).toMatchObject({
        decision: 'ALLOW',
        reasons: [],
        source: `fail-${mode}`,
      });
      expect(gate.process.exitCode).toBeNull();

      await pgProxy.restore();
      await eventually(async () => (await timedAsk(gate)).body.source === 'database', {
        what: 'the database path to return',
        timeoutMs: 10000,
      });
      await redis.restart();
      // The restarted Redis is empty: until ingest has rebuilt the cache (and its marker) the gate reads
      // Postgres rather than trusting an empty cache; then it is back on the cache. Never a wrong ALLOW.
      const answers: { decision: string; source: string }[] = [];
      await eventually(
        async () => {
          const { body } = await timedAsk(gate);
          answers.push({ decision: body.decision, source: body.source });
          return body.source === 'cache';
        },
        { what: 'the rebuilt cache', timeoutMs: 15000, intervalMs: 50 },
      );
      expect(answers.filter((a) => a.decision !== 'TURN_BACK' || !['database', 'cache'].includes(a.source))).toEqual(
        [],
      );
      expect(await gate.stop()).toBe(0);
    },
  );
});
