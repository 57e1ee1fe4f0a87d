import { generateTraffic, seededRandom } from '@oc/simulation';
import { assertCacheMatchesDatabase } from '../faults/support/cache-consistency';
import { creditSnapshot, replayDifferences } from '../harness/credit-snapshot';
import { Scenario } from '../harness/scenario';

describe('order independence (SPEC §4.3): the same weighings in two orders under two topic prefixes', () => {
  const scenarios: Scenario[] = [];
  afterAll(() => Promise.all(scenarios.map((s) => s.close())));

  it('gives identical violations, trips, listings, listedAt and vehicle states, each equal to a replay', async () => {
    const start = new Date(Date.now() - 60 * 24 * 3600_000);
    const traffic = generateTraffic({
      seed: 20261126,
      vehicles: 60,
      violationShare: 0.4,
      start,
      spacingMs: 50 * 60_000,
      malformedShare: 0,
    });
    const messages = Array.from({ length: 1000 }, () => traffic.next().value!);
    // A different key and partition for the same vehicle must not matter either: reversed, then shuffled
    // and re-keyed by event id.
    const random = seededRandom(7);
    const shuffled = [...messages].reverse();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const rekeyed = shuffled.map((m) => ({ key: m.eventId, value: m.value }));

    const [a, b] = await Promise.all([Scenario.create('order_a'), Scenario.create('order_b')]);
    scenarios.push(a, b);
    await Promise.all([a.startIngest(), b.startIngest()]);
    await a.produce(
      messages.map(({ key, value }) => ({ key, value })),
      50,
    );
    await b.produce(rekeyed, 50);
    await Promise.all([a.waitUntilConsumed(120000), b.waitUntilConsumed(120000)]);

    const [snapA, snapB] = await Promise.all([creditSnapshot(a), creditSnapshot(b)]);
    expect(snapA.listings.length).toBeGreaterThan(5);
    expect(snapB.listings).toEqual(snapA.listings);
    expect(snapB.trips).toEqual(snapA.trips);
    expect(snapB.states).toEqual(snapA.states);
    // Equal to each other, and right: each equals a replay of its facts, and its cache equals it.
    const now = new Date();
    expect(await replayDifferences(a, now)).toEqual([]);
    expect(await replayDifferences(b, now)).toEqual([]);
    for (const s of [a, b]) await assertCacheMatchesDatabase(s, { redis: s.redis, keyPrefix: s.redisKeyPrefix });
  });
});
