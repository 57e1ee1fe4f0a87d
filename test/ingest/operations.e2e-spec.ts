import { violationEvent } from '@oc/simulation';
import { assertCacheMatchesDatabase } from '../faults/support/cache-consistency';
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

  /** Messages on a topic, from its offsets (exact, unlike reading until a count arrived). */
  const messagesOn = async (topic: string): Promise<number> => {
    const admin = s.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const count = async (sql: string): Promise<number> => (await s.query<{ n: number }>(sql))[0]!.n;

  /**
   * The Redis entry of every vehicle that ever had a listing, against Postgres (what cache:rebuild
   * writes, SPEC §8): the vehicle's state version, and its active listing or the NONE tombstone.
   */
  const cacheMismatches = async (): Promise<string[]> => {
    const vehicles = await s.query<{
      vehicle_key: string;
      version: string;
      id: string | null;
      status: string | null;
      listed_at: Date | null;
      violation_count: number | null;
    }>(
      `SELECT s.vehicle_key, s.version::text, l.id::text, l.status, l.listed_at, l.violation_count
       FROM vehicle_states s LEFT JOIN listings l ON l.id = s.active_listing_id
       WHERE EXISTS (SELECT 1 FROM listings x WHERE x.vehicle_key = s.vehicle_key)`,
    );
    expect(vehicles.length).toBeGreaterThan(0);
    const mismatches: string[] = [];
    for (const v of vehicles) {
      const entry = await s.redis.hgetall(`${s.redisKeyPrefix}vehicle:${v.vehicle_key}`);
      const want: Record<string, string> = v.id
        ? { v: v.version, s: v.status!, id: v.id, at: v.listed_at!.toISOString(), n: String(v.violation_count) }
        : { v: v.version, s: 'NONE' };
      const sorted = (o: Record<string, string>) =>
        JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
      if (sorted(entry) !== sorted(want))
        mismatches.push(`${v.vehicle_key}: ${JSON.stringify(entry)} where ${JSON.stringify(want)} was expected`);
    }
    return mismatches;
  };

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
    const summary = run.stderr.split('\n').filter((l) => l.includes('weighings sent'));
    expect(summary).toEqual([
      expect.stringMatching(/^simulate \d+ weighings sent; gate: [1-9]\d* turn-backs, 0 errors$/),
    ]);
    const [, sent, turnBacks] = /^simulate (\d+) weighings sent; gate: (\d+) turn-backs/.exec(summary[0]!)!.map(Number);
    // One line per turn-back the lanes were told, as the summary counts them.
    const told = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('劝返'))
      .map((l) => /^劝返 TURN_BACK (\d:\S+) (\S+) \((cache|database)\)$/.exec(l)!);
    expect(told.every((m) => m !== null)).toBe(true);
    expect(told).toHaveLength(turnBacks!);
    expect(told.some((m) => m[2]!.split(',').includes('OVERLIMIT'))).toBe(true);
    await s.waitUntilConsumed();
    // Nothing lost: every weighing sent is stored or dead-lettered (SPEC §3).
    const stored = await count(`SELECT count(*)::int AS n FROM weighings`);
    const dead = await messagesOn(s.topics.weighingEventsDlq);
    expect({ stored, dead, total: stored + dead }).toEqual({ stored, dead, total: sent });
    expect(dead).toBeGreaterThan(0);
    // Every turn-back the lanes were told is kept as a turn-back record (劝返记录), with its reasons.
    const records = await eventually(
      async () => {
        const rows = await s.query<{ vehicle_key: string; reasons: string[] }>(
          `SELECT vehicle_key, reasons FROM turn_backs`,
        );
        return rows.length >= told.length ? rows : undefined;
      },
      { what: `${told.length} turn-back records` },
    );
    expect(records.map((r) => `${r.vehicle_key} ${r.reasons.join(',')}`).sort()).toEqual(
      told.map((m) => `${m[1]} ${m[2]}`).sort(),
    );
    const kinds = await s.query<{ classification: string }>(`SELECT DISTINCT classification FROM weighings ORDER BY 1`);
    expect(kinds.map((k) => k.classification)).toEqual([
      'COMPLIANT',
      'EXEMPT_PERMIT',
      'TOLERATED',
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

    // Before the flush the relay has written what Postgres holds.
    await eventually(async () => (await cacheMismatches()).length === 0, { what: 'the relay to write every entry' });

    await flush();
    const run = await runCli(['cache:rebuild'], s.env());
    expect(run.code).toBe(0);
    const vehicles = await count(
      `SELECT count(*)::int AS n FROM vehicle_states s WHERE EXISTS (SELECT 1 FROM listings l WHERE l.vehicle_key = s.vehicle_key)`,
    );
    // The simulated permits are rebuilt too (the gate checks them from the cache).
    const permits = await count(`SELECT count(*)::int AS n FROM registry_permits`);
    expect(permits).toBeGreaterThan(0);
    expect(run.stderr).toContain(`${vehicles + permits}/${vehicles + permits} (100%)`);
    expect(await cacheMismatches()).toEqual([]);
    expect(await assertCacheMatchesDatabase(s, { redis: s.redis, keyPrefix: s.redisKeyPrefix })).toBeDefined();

    await flush();
    await s.ingest!.stop();
    await s.startIngest();
    await eventually(async () => (await s.redis.hget(keyOf(listed[0]!), 's')) === 'LISTED', {
      what: 'ingest to rebuild the cache',
    });
    await eventually(async () => (await cacheMismatches()).length === 0, { what: 'every entry rebuilt' });
  });

  it('dlq:replay sends dead letters back through ingest once', async () => {
    await s.produce([
      { key: '1:浙E20001', value: '{"not": "a weigh event"}' },
      violationEvent({ eventId: 'ops-ok', plate: '浙E20001', measuredAt: at(0) }),
    ]);
    await s.waitUntilConsumed();
    const before = await messagesOn(s.topics.weighingEventsDlq);
    expect(before).toBeGreaterThan(1);
    const run = await runCli(['dlq:replay'], s.env());
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^dlq:replay ${before} replayed$`, 'm'));
    // Still invalid, so each comes back to the DLQ once more, marked as replayed from where it was.
    await s.waitUntilConsumed();
    expect(await messagesOn(s.topics.weighingEventsDlq)).toBe(2 * before);
    const after = await s.readTopic(s.topics.weighingEventsDlq, 2 * before);
    const replays = after.filter((m) => m.headers?.['replayed-from']);
    expect(replays).toHaveLength(before);
    expect(new Set(replays.map((m) => m.headers!['replayed-from']!.toString())).size).toBe(before);
    // Once: the group remembers what it replayed; the next runs find only the dead letters that came
    // back (before of them, one replayed by --limit 1 and back again), not the first ones once more.
    const again = await runCli(['dlq:replay', '--limit', '1'], s.env());
    expect(again.stderr).toMatch(/^dlq:replay 1 replayed$/m);
    await s.waitUntilConsumed();
    const rest = await runCli(['dlq:replay'], s.env());
    expect(rest.stderr).toMatch(new RegExp(`^dlq:replay ${before} replayed$`, 'm'));
  });
});
