import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const HOUR = 3600_000;
const t0 = new Date('2026-09-01T08:00:00+08:00');
const at = (hours: number): Date => new Date(t0.getTime() + hours * HOUR);

describe('operations: simulate, cache rebuild, DLQ replay (built CLI against real services)', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await Scenario.create('ops');
    await s.startIngest();
  });
  afterAll(() => s.close());

  const listedVehicles = async (): Promise<string[]> =>
    (await s.query<{ vehicle_key: string }>(`SELECT vehicle_key FROM listings WHERE status = 'LISTED' ORDER BY 1`)).map(
      (r) => r.vehicle_key,
    );

  it('simulate feeds traffic that produces weighings of every kind and listings, and asks the gate like a lane', async () => {
    const gate = await s.startApp('gate-api');
    const key = (await runCli(['station:add', '330500999'], s.env())).stdout.trim();
    const run = await runCli(
      [
        'simulate',
        '--rate',
        '200',
        '--duration',
        '2',
        '--vehicles',
        '100',
        '--seed',
        '3',
        '--backfill-days',
        '30',
        '--gate',
        gate.url,
        '--station-key',
        key,
      ],
      s.env(),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/simulate \d+ weighings sent/);
    expect(run.stdout).toMatch(/劝返 TURN_BACK 1:\S+ OVERLIMIT \((cache|database)\)/);
    expect(run.stderr.split('\n').filter((l) => l.includes('weighings sent'))).toEqual([
      expect.stringMatching(/gate: [1-9]\d* turn-backs, 0 errors/),
    ]);
    await s.waitUntilConsumed();
    const kinds = await s.query<{ classification: string }>(`SELECT DISTINCT classification FROM weighings ORDER BY 1`);
    expect(kinds.map((k) => k.classification)).toEqual([
      'COMPLIANT',
      'EXEMPT_PERMIT',
      'UNIDENTIFIED',
      'VIOLATION',
      'WARNING',
    ]);
    expect((await listedVehicles()).length).toBeGreaterThan(0);
  });

  it('cache:rebuild restores a flushed cache, and ingest rebuilds it at start when the marker is gone', async () => {
    const listed = await listedVehicles();
    const keyOf = (vehicle: string) => `${s.redisKeyPrefix}vehicle:${vehicle}`;
    await eventually(async () => (await s.redis.hget(keyOf(listed[0]!), 's')) === 'LISTED', {
      what: 'the relay to fill the cache',
    });
    const flush = async (): Promise<void> => {
      const keys = await s.redis.keys(`${s.redisKeyPrefix}*`);
      if (keys.length) await s.redis.del(...keys);
    };

    await flush();
    const run = await runCli(['cache:rebuild'], s.env());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`(100%)`);
    for (const vehicle of listed) expect(await s.redis.hget(keyOf(vehicle), 's')).toBe('LISTED');

    await flush();
    await s.ingest!.stop();
    await s.startIngest();
    await eventually(async () => (await s.redis.hget(keyOf(listed[0]!), 's')) === 'LISTED', {
      what: 'ingest to rebuild the cache',
    });
    for (const vehicle of listed) expect(await s.redis.hget(keyOf(vehicle), 's')).toBe('LISTED');
  });

  it('dlq:replay sends dead letters back through ingest once', async () => {
    await s.produce([
      { key: '1:浙E20001', value: '{"not": "a weigh event"}' },
      violationEvent({ eventId: 'ops-ok', plate: '浙E20001', measuredAt: at(0) }),
    ]);
    await s.waitUntilConsumed();
    const before = (await s.readTopic(s.topics.weighingEventsDlq, 1)).length;
    const run = await runCli(['dlq:replay'], s.env());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${before} replayed`);
    // Still invalid, so each comes back to the DLQ once more, marked as replayed.
    const after = await s.readTopic(s.topics.weighingEventsDlq, before * 2);
    expect(after.filter((m) => m.headers?.['replayed-from']).length).toBe(before);
    const again = await runCli(['dlq:replay', '--limit', '1'], s.env());
    expect(again.stderr).toContain('1 replayed');
  });
});
