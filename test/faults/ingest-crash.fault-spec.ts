import { generateTraffic, seededRandom } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { assertIngestInvariants, traffic } from './support/ingest-invariants';

/**
 * Ingest killed with SIGKILL at five seeded random points of a 100,000-event
 * stream, restarted each time. Nothing lost, nothing counted twice, listings and states equal a replay,
 * the gate's cache equals Postgres, audit intact.
 *
 * Each restart pays the broker's wait for the dead member's session (30 s) before partitions move,
 * so the five kills cost about 2.5 minutes of the run.
 */
const SEED = 7001;
const TOTAL = 100_000;
const KILLS = 5;

/** Five kill points as shares of the valid stream, seeded, spread over 5 %–85 % at least 8 % apart. */
function killPoints(seed: number): number[] {
  const random = seededRandom(seed);
  for (;;) {
    const points = Array.from({ length: KILLS }, () => 0.05 + random() * 0.8).sort((a, b) => a - b);
    if (points.every((p, i) => i === 0 || p - points[i - 1]! >= 0.08)) return points;
  }
}

describe('faults: kill -9 of ingest at five random points of a 100,000-event stream', () => {
  let s: Scenario;
  afterAll(() => s?.close());

  it('stores every eventId exactly once or dead-letters it; listings equal a replay; the cache equals Postgres; the audit chain verifies', async () => {
    const began = Date.now();
    s = await Scenario.create('crash5');
    const start = new Date(Date.now() - 40 * 24 * 3600_000);
    const messages = traffic(
      generateTraffic({ seed: SEED, vehicles: 3000, start, spacingMs: 30_000, malformedShare: 0.002 }),
      TOTAL,
    );
    await s.produce(
      messages.map(({ key, value }) => ({ key, value })),
      5000,
    );
    const valid = messages.filter((m) => m.kind !== 'MALFORMED').length;
    const count = async (): Promise<number> =>
      (await s.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings'))[0]!.n;

    const kills: { target: number; atKill: number; afterKill: number; exit: number | string }[] = [];
    await s.startIngest();
    for (const share of killPoints(SEED)) {
      const target = Math.floor(share * valid);
      const before = await count();
      // Progress since the last restart, then kill: the target lies beyond what the previous run stored.
      await eventually(async () => (await count()) >= Math.max(target, before + 500), {
        timeoutMs: 90000,
        intervalMs: 25,
        what: `ingest to store ${target} weighings (${Math.round(share * 100)} %) after a restart`,
      });
      const atKill = await count();
      const exit = await s.ingest!.stop('SIGKILL');
      kills.push({ target, atKill, afterKill: await count(), exit });
      expect(exit).toBe('SIGKILL');
      await s.startIngest();
    }
    // Every kill came mid-stream, with work left to do.
    expect(kills.every((k) => k.afterKill < valid)).toBe(true);

    await s.waitUntilConsumed(120000);
    const report = await assertIngestInvariants(s, messages);
    console.log(JSON.stringify({ scenario: 'ingest-crash', kills, report, seconds: (Date.now() - began) / 1000 }));
  }, 600000);
});
