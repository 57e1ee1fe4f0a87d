import { generateTraffic } from '@oc/simulation';
import { assertCacheMatchesDatabase } from '../faults/support/cache-consistency';
import { replayDifferences } from '../harness/credit-snapshot';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

describe('crash recovery: kill -9 of ingest in the middle of a 50,000-event stream', () => {
  let s: Scenario;
  afterAll(() => s?.close());

  it('stores every eventId exactly once or dead-letters it; listings and states equal a replay through libs/domain; the cache equals Postgres', async () => {
    s = await Scenario.create('crash');
    const total = 50_000;
    const start = new Date(Date.now() - 40 * 24 * 3600_000);
    const traffic = generateTraffic({ seed: 4242, vehicles: 2000, start, spacingMs: 60_000, malformedShare: 0.002 });
    const messages = Array.from({ length: total }, () => traffic.next().value!);
    await s.produce(
      messages.map(({ key, value }) => ({ key, value })),
      2000,
    );

    await s.startIngest();
    await eventually(
      async () => {
        const [{ n }] = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings');
        return n >= total * 0.2;
      },
      { timeoutMs: 120000, what: 'a fifth of the stream to be stored', intervalMs: 50 },
    );
    expect(await s.ingest!.stop('SIGKILL')).toBe('SIGKILL');
    const [{ n: atKill }] = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings');
    expect(atKill).toBeLessThan(total * 0.9); // the kill really came in the middle of the stream

    await s.startIngest();
    await s.waitUntilConsumed(240000);

    const stored = await s.query<{ event_id: string }>('SELECT event_id FROM weighings');
    const storedIds = new Set(stored.map((r) => r.event_id));
    expect(storedIds.size).toBe(stored.length); // unique by construction, checked anyway
    const malformed = messages.filter((m) => m.kind === 'MALFORMED');
    const dead = await s.readTopic(s.topics.weighingEventsDlq, malformed.length, 60000);
    const deadValues = new Set(dead.map((m) => m.value!.toString()));
    const missing = messages.filter((m) => !storedIds.has(m.eventId) && !deadValues.has(m.value));
    expect(missing.map((m) => m.eventId)).toEqual([]);
    // Nothing valid was dead-lettered, nothing malformed was stored.
    expect(malformed.every((m) => deadValues.has(m.value) && !storedIds.has(m.eventId))).toBe(true);
    expect(stored.length).toBe(total - malformed.length);

    expect(await replayDifferences(s, new Date())).toEqual([]);
    await assertCacheMatchesDatabase(s, { redis: s.redis, keyPrefix: s.redisKeyPrefix });
  });
});
