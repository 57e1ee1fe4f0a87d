import { Partitioners, type Producer } from 'kafkajs';
import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { creditSnapshot, replayDifferences } from '../harness/credit-snapshot';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const t0 = new Date(Date.now() - 20 * DAY);
const at = (hours: number): Date => new Date(t0.getTime() + hours * HOUR);

interface PermitRecord {
  permitNo: string;
  plate: string;
  plateColor: number;
  validFrom: string;
  validTo: string;
  maxGrossWeightKg: number;
  status: 'ISSUED' | 'REVOKED';
  stationIds?: string[];
}
const permit = (permitNo: string, plate: string, over: Partial<PermitRecord> = {}): PermitRecord => ({
  permitNo,
  plate,
  plateColor: 1,
  validFrom: at(-24).toISOString(),
  validTo: at(30 * 24).toISOString(),
  maxGrossWeightKg: 40_000,
  status: 'ISSUED',
  ...over,
});

/**
 * Order independence extends to permits (docs/rules.md, permits): the same weighings and the same
 * permit records (several per permit number: the last one per key is the registry's record) give the
 * same violations, trips and listings whether the permits arrive before or after the weighings.
 */
describe('order independence with permits: permit records before and after their weighings', () => {
  const scenarios: Scenario[] = [];
  const producers: Producer[] = [];
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await Promise.all(scenarios.map((s) => s.close()));
  });

  // Per permit number, in topic order: the last is the registry's record.
  const permitRecords: { key: string; value: string | null }[] = [
    // Covers 浙E50001's three trips: without it the vehicle is listed.
    { key: 'HZ-P-1', value: JSON.stringify(permit('HZ-P-1', '浙E50001', { status: 'REVOKED' })) },
    { key: 'HZ-P-1', value: JSON.stringify(permit('HZ-P-1', '浙E50001')) },
    // Issued, then revoked: 浙E50002's trips count.
    { key: 'HZ-P-2', value: JSON.stringify(permit('HZ-P-2', '浙E50002')) },
    { key: 'HZ-P-2', value: JSON.stringify(permit('HZ-P-2', '浙E50002', { status: 'REVOKED' })) },
    // Issued to another vehicle (浙E50003 uses it): violations, OTHER_VEHICLE.
    { key: 'HZ-P-3', value: JSON.stringify(permit('HZ-P-3', '浙E59999')) },
    // Issued, then deleted (tombstone): 浙E50004's trips count, UNKNOWN_PERMIT.
    { key: 'HZ-P-4', value: JSON.stringify(permit('HZ-P-4', '浙E50004')) },
    { key: 'HZ-P-4', value: null },
    // Too light for the second weighing only: one exempt, one OVER_PERMITTED_WEIGHT.
    { key: 'HZ-P-5', value: JSON.stringify(permit('HZ-P-5', '浙E50005', { maxGrossWeightKg: 21_000 })) },
  ];
  const weighings = (['浙E50001', '浙E50002', '浙E50003', '浙E50004'] as const).flatMap((plate, v) =>
    [0, 5, 10].map((h, i) =>
      violationEvent({
        eventId: `po-${v}-${i}`,
        plate,
        measuredAt: at(h + v),
        permitNo: `HZ-P-${v + 1}`,
        stationId: '330500001',
      }),
    ),
  );
  weighings.push(
    violationEvent({ eventId: 'po-5-0', plate: '浙E50005', measuredAt: at(1), permitNo: 'HZ-P-5', overKg: 3000 }),
    violationEvent({ eventId: 'po-5-1', plate: '浙E50005', measuredAt: at(7), permitNo: 'HZ-P-5', overKg: 3500 }),
  );

  async function publishPermits(s: Scenario): Promise<void> {
    const producer = s.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    producers.push(producer);
    await producer.connect();
    await producer.send({ topic: s.topics.registryPermits, acks: -1, messages: permitRecords });
  }

  // Every permit record consumed; the registry holds the last record of each number (HZ-P-4 deleted).
  const permitsStored = async (s: Scenario) => {
    await s.waitUntilConsumed(30000, s.topics.registryPermits);
    const rows = await s.query<{ permit_no: string; status: string }>(
      `SELECT permit_no, status FROM registry_permits WHERE permit_no LIKE 'HZ-P-%' ORDER BY 1`,
    );
    expect(rows.map((r) => `${r.permit_no} ${r.status}`)).toEqual([
      'HZ-P-1 ISSUED',
      'HZ-P-2 REVOKED',
      'HZ-P-3 ISSUED',
      'HZ-P-5 ISSUED',
    ]);
  };

  const classifications = (s: Scenario) =>
    s.query<{ event_id: string; classification: string; permit_check: string | null }>(
      `SELECT event_id, classification, permit_check FROM weighings WHERE event_id LIKE 'po-%' ORDER BY event_id`,
    );

  it('gives the same classifications, violations, trips and listings in both orders; the late permit clears a listed vehicle at the gate within 1 s', async () => {
    const [a, b] = await Promise.all([Scenario.create('permit_a'), Scenario.create('permit_b')]);
    scenarios.push(a, b);
    await Promise.all([a.startIngest(), b.startIngest()]);

    // A: the registry first, then the weighings.
    await publishPermits(a);
    await permitsStored(a);
    await a.produce(weighings);
    await a.waitUntilConsumed();

    // B: the weighings first, in the opposite order; 浙E50001 is listed, and the gate turns it back.
    const gate = await b.startApp('gate-api');
    const key = (await runCli(['station:add', '330521001'], b.env())).stdout.trim();
    await b.produce([...weighings].reverse());
    await b.waitUntilConsumed();
    const [listed] = await b.query<{ state: string }>(
      `SELECT state FROM vehicle_states WHERE vehicle_key = '1:浙E50001'`,
    );
    expect(listed).toEqual({ state: 'LISTED' });
    const ask = async () => {
      const res = await fetch(
        `${gate.url}/v1/gate/decision?plate=${encodeURIComponent('浙E50001')}&plateColor=1&cargo=LADEN`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      );
      return ((await res.json()) as { decision: string }).decision;
    };
    await eventually(async () => (await ask()) === 'TURN_BACK', { what: 'the gate to turn the listed truck back' });

    const published = Date.now();
    await publishPermits(b);
    await eventually(async () => (await ask()) === 'ALLOW', { what: 'the gate to let it through', intervalMs: 20 });
    const clearedMs = Date.now() - published;
    process.stdout.write(`permit record → gate ALLOW in ${clearedMs} ms\n`);
    expect(clearedMs).toBeLessThan(1000);
    await permitsStored(b);

    const expected = [
      ...['po-0-0', 'po-0-1', 'po-0-2'].map((e) => ({
        event_id: e,
        classification: 'EXEMPT_PERMIT',
        permit_check: null,
      })),
      ...['po-1-0', 'po-1-1', 'po-1-2'].map((e) => ({
        event_id: e,
        classification: 'VIOLATION',
        permit_check: 'REVOKED',
      })),
      ...['po-2-0', 'po-2-1', 'po-2-2'].map((e) => ({
        event_id: e,
        classification: 'VIOLATION',
        permit_check: 'OTHER_VEHICLE',
      })),
      ...['po-3-0', 'po-3-1', 'po-3-2'].map((e) => ({
        event_id: e,
        classification: 'VIOLATION',
        permit_check: 'UNKNOWN_PERMIT',
      })),
      { event_id: 'po-5-0', classification: 'EXEMPT_PERMIT', permit_check: null },
      { event_id: 'po-5-1', classification: 'VIOLATION', permit_check: 'OVER_PERMITTED_WEIGHT' },
    ];
    expect(await classifications(a)).toEqual(expected);
    expect(await classifications(b)).toEqual(expected);

    const [snapA, snapB] = await Promise.all([creditSnapshot(a), creditSnapshot(b)]);
    expect(snapB.trips).toEqual(snapA.trips);
    // A vehicle without a state row is CLEAR: B keeps 浙E50001's row (it was listed there), A never had one.
    const effective = (states: string[]) => states.filter((st) => !st.endsWith('|CLEAR|0|-'));
    expect(effective(snapB.states)).toEqual(effective(snapA.states));
    expect(snapB.states).toContain('1:浙E50001|CLEAR|0|-');
    expect(snapA.states.some((st) => st.startsWith('1:浙E50001|'))).toBe(false);
    expect(snapB.listings).toEqual(snapA.listings);
    // B keeps, besides, the listings a permit record withdrew: on record, no fact of counting. 浙E50001's
    // for sure; 浙E50002's and 浙E50004's when ingest saw their permit's intermediate record on its own
    // (in one batch only the latest record of a key is applied).
    const withdrawn = (s: Scenario) =>
      s.query<{ vehicle_key: string; status: string }>(
        `SELECT vehicle_key, status FROM listings WHERE end_reason = 'PERMIT_EXEMPTED' ORDER BY 1`,
      );
    expect(await withdrawn(a)).toEqual([]);
    const inB = await withdrawn(b);
    expect(inB).toContainEqual({ vehicle_key: '1:浙E50001', status: 'REVOKED' });
    for (const w of inB) expect(['1:浙E50001', '1:浙E50002', '1:浙E50004']).toContain(w.vehicle_key);
    const now = new Date();
    expect(await replayDifferences(a, now)).toEqual([]);
    expect(await replayDifferences(b, now)).toEqual([]);
  });
});
