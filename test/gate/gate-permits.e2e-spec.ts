import { Partitioners, Producer } from 'kafkajs';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const GATE_STATION = '330521001';
// SPEC §4.6: a change reaches the gate within 1 s of its commit; here of its publication on the topic.
const WITHIN_MS = 1000;

interface Decision {
  decision: string;
  reasons: string[];
  overKg: number | null;
  source: string;
}

/**
 * Permits at the entrance (62号令 第二十七条, SPEC §4.6 rule 1, §4.9), end to end: permit records
 * published on `registry.permits.v1`, ingest storing them and its outbox relay writing the gate's
 * permit cache, the running gate-api checking them. A permit exempts an overlimit reading only for
 * its vehicle, within its validity, up to its weight, at one of its stations, while not revoked; a
 * revocation stops it within a second.
 */
describe('gate-api: permits from the registry topic (running ingest and gate-api, real Kafka, Postgres, Redis)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let key: string;
  let producer: Producer;
  const now = Date.now();

  const ask = async (query: Record<string, string | number | boolean>): Promise<Decision> => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${gate.url}/v1/gate/decision?${qs}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Decision;
  };
  // 6 axles: limit 49,000 kg, entry tolerance 2,450 kg; 55,000 kg is beyond it.
  const overlimit = (plate: string, permitNo: string) => ({
    plate,
    plateColor: 1,
    cargo: 'LADEN',
    axles: 6,
    grossWeightKg: 55_000,
    permitNo,
  });

  const record = (permitNo: string, plate: string, extra: Record<string, unknown> = {}) => ({
    permitNo,
    plate,
    plateColor: 1,
    validFrom: new Date(now - DAY).toISOString(),
    validTo: new Date(now + 30 * DAY).toISOString(),
    maxGrossWeightKg: 60_000,
    status: 'ISSUED',
    ...extra,
  });
  const publish = (records: ({ permitNo: string } & Record<string, unknown>)[]) =>
    producer.send({
      topic: s.topics.registryPermits,
      acks: -1,
      messages: records.map((r) => ({ key: r.permitNo, value: JSON.stringify(r) })),
    });
  const cachedVersion = async (permitNo: string): Promise<string | null> =>
    s.redis.hget(`${s.redisKeyPrefix}permit:${permitNo}`, 'v');

  /** Polls the gate as fast as a lane would retry until `done`; returns the time from `since`. */
  async function msUntil(since: number, probe: () => Promise<boolean>, what: string): Promise<number> {
    await eventually(probe, { what, timeoutMs: 15000, intervalMs: 5 });
    return performance.now() - since;
  }

  beforeAll(async () => {
    s = await Scenario.create('gate_permits');
    const issued = await runCli(['station:add', GATE_STATION, '--name', '湖州南收费站'], s.env());
    expect(issued.code).toBe(0);
    key = issued.stdout.trim();
    await s.startIngest(); // creates the registry topics (compacted) and consumes them
    gate = await s.startApp('gate-api');
    producer = s.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    await eventually(async () => (await ask({ plate: '浙E73000', plateColor: 1 })).source === 'cache', {
      what: 'the gate to answer from the cache',
      timeoutMs: 30000,
    });
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await s.close();
  });

  it('exempts only a covering permit: another vehicle, expired, over weight, off route or revoked do not', async () => {
    const permits = [
      record('浙超证-VALID', '浙E73001', { axles: 6, stationIds: ['330522001', GATE_STATION] }),
      record('浙超证-OTHER', '浙E73099'),
      record('浙超证-EXPIRED', '浙E73003', {
        validFrom: new Date(now - 30 * DAY).toISOString(),
        validTo: new Date(now - HOUR).toISOString(),
      }),
      record('浙超证-WEIGHT', '浙E73004', { maxGrossWeightKg: 52_000 }),
      record('浙超证-ROUTE', '浙E73005', { stationIds: ['330522001'] }),
      record('浙超证-REVOKED', '浙E73006', { status: 'REVOKED' }),
    ];
    await publish(permits);
    // Every record has reached the gate's cache, so a TURN_BACK below is the check, not a record in transit.
    await eventually(
      async () => (await Promise.all(permits.map((p) => cachedVersion(p.permitNo)))).every((v) => v !== null),
      { what: 'the permits in the gate cache', timeoutMs: 30000 },
    );

    expect(await ask(overlimit('浙E73001', '浙超证-VALID'))).toEqual(
      expect.objectContaining({ decision: 'ALLOW', reasons: [], overKg: 6000, source: 'cache' }),
    );
    // The plate as a lane reads it: normalised before the comparison (SPEC §4.1).
    expect((await ask(overlimit('浙e·73001', '浙超证-VALID'))).decision).toBe('ALLOW');
    const refused: [string, string, Record<string, unknown>][] = [
      ['another vehicle presenting it', '浙超证-OTHER', { plate: '浙E73002' }],
      ['the same plate of another colour', '浙超证-VALID', { plateColor: 2 }],
      ['another axle count than permitted', '浙超证-VALID', { axles: 7 }],
      ['expired', '浙超证-EXPIRED', { plate: '浙E73003' }],
      ['heavier than permitted', '浙超证-WEIGHT', { plate: '浙E73004' }],
      ['at a station off its route', '浙超证-ROUTE', { plate: '浙E73005' }],
      ['revoked', '浙超证-REVOKED', { plate: '浙E73006' }],
      ['unknown to the registry', '浙超证-NONE', { plate: '浙E73001' }],
    ];
    for (const [what, permitNo, change] of refused) {
      const answer = await ask({ ...overlimit('浙E73001', permitNo), ...change });
      expect({ what, ...answer }).toEqual(
        expect.objectContaining({ what, decision: 'TURN_BACK', reasons: ['OVERLIMIT'], source: 'cache' }),
      );
    }
    // The permit is only needed beyond the tolerance: within it the reading passes with or without one.
    expect(await ask({ ...overlimit('浙E73004', '浙超证-WEIGHT'), grossWeightKg: 49_000 + 2450 })).toEqual(
      expect.objectContaining({ decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'] }),
    );
  });

  it('stops exempting within 1 s of a revocation published on registry.permits.v1', async () => {
    const issued = record('浙超证-LATER', '浙E73007');
    await publish([issued]);
    await eventually(async () => (await ask(overlimit('浙E73007', '浙超证-LATER'))).decision === 'ALLOW', {
      what: 'the issued permit to exempt',
      timeoutMs: 30000,
    });
    const started = performance.now();
    await publish([{ ...issued, status: 'REVOKED' }]);
    const acked = performance.now() - started;
    const ms = await msUntil(
      started,
      async () => (await ask(overlimit('浙E73007', '浙超证-LATER'))).decision === 'TURN_BACK',
      'the revoked permit to stop exempting',
    );
    console.log(
      `permit revocation → gate TURN_BACK: ${ms.toFixed(0)} ms after the publish (acks after ${acked.toFixed(0)} ms)`,
    );
    expect(ms).toBeLessThan(WITHIN_MS);
    expect(await ask(overlimit('浙E73007', '浙超证-LATER'))).toEqual(
      expect.objectContaining({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'] }),
    );
  });

  it('lets a listed truck through within 1 s of the permit that covers its three weighings', async () => {
    const plate = '浙E73008';
    const t0 = now - 20 * DAY;
    // Three trips with a permitNo the registry does not know yet: UNKNOWN_PERMIT violations, a listing.
    await s.produce(
      [0, 2, 4].map((d, i) =>
        violationEvent({ eventId: `gp-${i}`, plate, permitNo: '浙超证-LATE', measuredAt: new Date(t0 + d * DAY) }),
      ),
    );
    await eventually(async () => (await ask({ plate, plateColor: 1, cargo: 'LADEN' })).decision === 'TURN_BACK', {
      what: 'the listing to turn the truck back',
      timeoutMs: 30000,
    });
    expect(await ask({ plate, plateColor: 1, cargo: 'LADEN' })).toEqual(
      expect.objectContaining({ reasons: ['DISHONESTY_LIST'], source: 'cache' }),
    );
    const started = performance.now();
    await publish([
      record('浙超证-LATE', plate, {
        validFrom: new Date(t0 - DAY).toISOString(),
        maxGrossWeightKg: 30_000,
      }),
    ]);
    const ms = await msUntil(
      started,
      async () => (await ask({ plate, plateColor: 1, cargo: 'LADEN' })).decision === 'ALLOW',
      'the reclassified vehicle to pass',
    );
    console.log(`late permit → listing withdrawn → gate ALLOW: ${ms.toFixed(0)} ms after the publish`);
    expect(ms).toBeLessThan(WITHIN_MS);
    const [state] = await s.query(`SELECT state FROM vehicle_states WHERE vehicle_key = $1`, [`1:${plate}`]);
    expect(state).toEqual({ state: 'CLEAR' });
  });
});
