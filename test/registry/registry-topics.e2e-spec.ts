import type { AuditRow } from '@oc/persistence';
import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { letterHeaders, personIdNo, RegistryMessage, RegistryTopics } from './support/registry-kafka';

type Kind = 'stations' | 'vehicles' | 'permits';

const station = (stationId: string, extra: Record<string, unknown> = {}) => ({
  stationId,
  name: '湖州南收费站',
  divisionCode: stationId.slice(0, 6),
  kind: 'TOLL_ENTRY',
  ...extra,
});
const vehicle = (plate: string, ownerName: string, serial: number, extra: Record<string, unknown> = {}) => ({
  plate,
  plateColor: 1,
  owner: { name: ownerName, type: 'PERSON', idNo: personIdNo(serial) },
  registrationRegion: '330502',
  ...extra,
});
const permit = (permitNo: string, plate: string, extra: Record<string, unknown> = {}) => ({
  permitNo,
  plate,
  plateColor: 1,
  validFrom: '2026-10-01T00:00:00+08:00',
  validTo: '2026-12-31T23:59:59+08:00',
  maxGrossWeightKg: 60000,
  status: 'ISSUED',
  ...extra,
});
const msg = (key: string, record: object | null): RegistryMessage => ({
  key,
  value: record && JSON.stringify(record),
});

/**
 * The three registries as ingest consumes them (SPEC §4.9, docs/registries.md): compacted topics, a bad
 * record dead-lettered to `<topic>.dlq` with the SPEC §3 headers without holding the topic, the latest
 * record per key stored with its history.
 */
describe('registry topics: validated, dead-lettered, stored with history (real Kafka, Postgres)', () => {
  let s: Scenario;
  let registry: RegistryTopics;
  beforeAll(async () => {
    s = await Scenario.create('registry');
    registry = new RegistryTopics(s);
    await s.startIngest();
  });
  afterAll(async () => {
    await registry.close();
    await s.close();
  });

  const topicOf = (kind: Kind) =>
    ({ stations: s.topics.registryStations, vehicles: s.topics.registryVehicles, permits: s.topics.registryPermits })[
      kind
    ];
  const dlqOf = (kind: Kind) =>
    ({
      stations: s.topics.registryStationsDlq,
      vehicles: s.topics.registryVehiclesDlq,
      permits: s.topics.registryPermitsDlq,
    })[kind];

  it('creates the registry topics compacted and their dead-letter topics not compacted', async () => {
    const policies = await registry.cleanupPolicies([
      s.topics.registryStations,
      s.topics.registryVehicles,
      s.topics.registryPermits,
      s.topics.registryStationsDlq,
      s.topics.registryVehiclesDlq,
      s.topics.registryPermitsDlq,
    ]);
    expect(policies).toEqual({
      [s.topics.registryStations]: 'compact',
      [s.topics.registryVehicles]: 'compact',
      [s.topics.registryPermits]: 'compact',
      [s.topics.registryStationsDlq]: 'delete',
      [s.topics.registryVehiclesDlq]: 'delete',
      [s.topics.registryPermitsDlq]: 'delete',
    });
  });

  const cases: {
    kind: Kind;
    bad: RegistryMessage;
    field: string;
    message: string;
    mismatched: RegistryMessage;
    mismatchMessage: string;
    valid: RegistryMessage;
    stored: () => Promise<unknown[]>;
  }[] = [
    {
      kind: 'stations',
      bad: msg('330523101', station('330523101', { divisionCode: '330500' })),
      field: 'divisionCode',
      message: 'divisionCode must be the first 6 digits of stationId',
      mismatched: msg('330523199', station('330523102')),
      mismatchMessage: 'the message key must be the record\'s key "330523102", got "330523199"',
      valid: msg('330523103', station('330523103')),
      stored: () => s.query(`SELECT station_id, kind FROM stations WHERE station_id LIKE '3305231%'`),
    },
    {
      kind: 'vehicles',
      bad: msg('1:浙E80001', {
        ...vehicle('浙E80001', '钱一', 1),
        owner: { name: '钱一', type: 'PERSON', idNo: '330502198501010000' },
      }),
      field: 'owner.idNo',
      message: 'idNo must be an 18-character 公民身份号码 with a valid check character',
      mismatched: msg('1:浙E80099', vehicle('浙E80002', '孙二', 2)),
      mismatchMessage: 'the message key must be the record\'s key "1:浙E80002", got "1:浙E80099"',
      valid: msg('1:浙E80003', vehicle('浙E80003', '周三', 3)),
      stored: () => s.query(`SELECT vehicle_key, owner_name FROM registry_vehicles WHERE plate LIKE '浙E8000%'`),
    },
    {
      kind: 'permits',
      bad: msg('浙交超证E2E-1', permit('浙交超证E2E-1', '浙E80011', { maxGrossWeightKg: 'heavy' })),
      field: 'maxGrossWeightKg',
      message: 'maxGrossWeightKg must be an integer number',
      mismatched: msg('浙交超证E2E-9', permit('浙交超证E2E-2', '浙E80012')),
      mismatchMessage: 'the message key must be the record\'s key "浙交超证E2E-2", got "浙交超证E2E-9"',
      valid: msg('浙交超证E2E-3', permit('浙交超证E2E-3', '浙E80013')),
      stored: () => s.query(`SELECT permit_no, status FROM registry_permits WHERE permit_no LIKE '浙交超证E2E-%'`),
    },
  ];

  it.each(cases)(
    '$kind: a record with a wrong field and one under another key go to the DLQ naming why; the record after them is stored',
    async ({ kind, bad, field, message, mismatched, mismatchMessage, valid, stored }) => {
      const sent = Date.now();
      await registry.produce(topicOf(kind), [bad, mismatched, valid]);
      await registry.waitUntilConsumed(topicOf(kind));
      expect(await stored()).toHaveLength(1);

      const letters = await s.readTopic(dlqOf(kind), 2);
      expect(letters).toHaveLength(2);
      const byValue = new Map(letters.map((l) => [l.value!.toString(), l]));
      const wrong = letterHeaders(byValue.get(bad.value!)!);
      expect(wrong.code).toBe('SCHEMA_INVALID');
      expect(wrong.detail).toEqual([{ field, message }]);
      const misplaced = letterHeaders(byValue.get(mismatched.value!)!);
      expect(misplaced.code).toBe('KEY_MISMATCH');
      expect(misplaced.detail).toEqual([{ field: '(key)', message: mismatchMessage }]);

      // The letters point back at the very records: unchanged, same key, at that offset of the topic.
      const originals = await s.readTopic(topicOf(kind), 3);
      for (const [letter, original] of [
        [byValue.get(bad.value!)!, bad],
        [byValue.get(mismatched.value!)!, mismatched],
      ] as const) {
        const h = letterHeaders(letter);
        expect(h.topic).toBe(topicOf(kind));
        expect(letter.key!.toString()).toBe(original.key);
        const at = originals.find((o) => o.offset === h.offset && o.key!.toString() === original.key);
        expect(at?.value?.toString()).toBe(original.value);
        expect(Date.parse(h.failedAt)).toBeGreaterThanOrEqual(sent - 1000);
      }
    },
  );

  it('dead-letters a record the database refuses for its content (PROCESSING_FAILED) and stores the others of its batch', async () => {
    // Year 0000 is a real ISO 8601 date and passes the record's shape, but Postgres has no year 0
    // (SQLSTATE 22008): the record fails in the database. (A NUL byte is refused by the shape now.)
    const poison = msg('1:浙E80051', vehicle('浙E80051', '王二', 51, { certIssuedAt: '0000-01-01T00:00:00Z' }));
    await registry.produce(s.topics.registryVehicles, [
      msg('1:浙E80050', vehicle('浙E80050', '陈一', 50)),
      poison,
      msg('1:浙E80052', vehicle('浙E80052', '陈三', 52)),
    ]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);
    expect(await s.query(`SELECT vehicle_key FROM registry_vehicles WHERE plate LIKE '浙E8005_' ORDER BY 1`)).toEqual([
      { vehicle_key: '1:浙E80050' },
      { vehicle_key: '1:浙E80052' },
    ]);
    const letters = await s.readTopic(s.topics.registryVehiclesDlq, 3);
    const letter = letters.find((l) => l.value!.toString() === poison.value)!;
    expect(letterHeaders(letter)).toMatchObject({ code: 'PROCESSING_FAILED', topic: s.topics.registryVehicles });
    expect(letterHeaders(letter).detail[0]!.field).toBe('(message)');
  });

  it('keeps the earlier owner in the history when the owner changes, audited with before and after', async () => {
    const key = '1:浙E80100';
    await registry.produce(s.topics.registryVehicles, [msg(key, vehicle('浙E80100', '吴一', 10))]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);
    await registry.produce(s.topics.registryVehicles, [msg(key, vehicle('浙E80100', '郑二', 11))]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);

    expect(
      await s.query(`SELECT owner_name, owner_id_no FROM registry_vehicles WHERE vehicle_key = $1`, [key]),
    ).toEqual([{ owner_name: '郑二', owner_id_no: personIdNo(11) }]);
    const history = await s.query<{ name: string; source: string; kafka_topic: string }>(
      `SELECT record->'owner'->>'name' AS name, source, kafka_topic FROM registry_history
       WHERE registry = 'vehicles' AND record_key = $1 ORDER BY seq`,
      [key],
    );
    expect(history).toEqual([
      { name: '吴一', source: 'kafka', kafka_topic: s.topics.registryVehicles },
      { name: '郑二', source: 'kafka', kafka_topic: s.topics.registryVehicles },
    ]);
    const audit = await s.query<AuditRow>(`SELECT * FROM audit_log WHERE entity_type = 'vehicle' AND entity_id = $1`, [
      key,
    ]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'REGISTRY_VEHICLE_CHANGED',
      actor: 'system',
      before: { owner: { name: '吴一', idNo: personIdNo(10) } },
      after: { owner: { name: '郑二', idNo: personIdNo(11) } },
    });

    // The same record again (a consumer re-reading the compacted topic) changes nothing.
    await registry.produce(s.topics.registryVehicles, [msg(key, vehicle('浙E80100', '郑二', 11))]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);
    expect(await s.query(`SELECT 1 FROM registry_history WHERE record_key = $1`, [key])).toHaveLength(2);
  });

  it('deletes on a tombstone: a vehicle, and a station together with its gate key', async () => {
    await registry.produce(s.topics.registryVehicles, [msg('1:浙E80200', vehicle('浙E80200', '冯三', 20))]);
    await registry.produce(s.topics.registryStations, [msg('330523201', station('330523201'))]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);
    await registry.waitUntilConsumed(s.topics.registryStations);
    const issued = await runCli(['station:add', '330523201'], s.env());
    expect(issued.code).toBe(0);
    expect(await s.query(`SELECT key_hash IS NOT NULL AS keyed FROM stations WHERE station_id = '330523201'`)).toEqual([
      { keyed: true },
    ]);

    await registry.produce(s.topics.registryVehicles, [{ key: '1:浙E80200', value: null }]);
    await registry.produce(s.topics.registryStations, [{ key: '330523201', value: null }]);
    await registry.waitUntilConsumed(s.topics.registryVehicles);
    await registry.waitUntilConsumed(s.topics.registryStations);

    expect(await s.query(`SELECT 1 FROM registry_vehicles WHERE vehicle_key = '1:浙E80200'`)).toEqual([]);
    expect(await s.query(`SELECT 1 FROM stations WHERE station_id = '330523201'`)).toEqual([]);
    expect(
      await s.query(
        `SELECT record IS NULL AS tombstone FROM registry_history WHERE record_key IN ('1:浙E80200', '330523201') ORDER BY seq`,
      ),
    ).toEqual([{ tombstone: false }, { tombstone: false }, { tombstone: true }, { tombstone: true }]);
    const audit = await s.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id IN ('1:浙E80200', '330523201') ORDER BY seq`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'STATION_KEY_ISSUED',
      'REGISTRY_VEHICLE_DELETED',
      'REGISTRY_STATION_DELETED',
      'STATION_KEY_REVOKED',
    ]);
  });

  it('a permit record that arrives after its weighing reclassifies it, and its revocation turns it back into a violation', async () => {
    const plate = '浙E80300';
    const no = '浙交超证E2E-LATE';
    await s.produce([
      violationEvent({ eventId: 'reg-late-1', plate, measuredAt: new Date('2026-11-05T09:00:00+08:00'), permitNo: no }),
    ]);
    await s.waitUntilConsumed();
    const weighing = () => s.query(`SELECT classification, permit_check FROM weighings WHERE event_id = 'reg-late-1'`);
    expect(await weighing()).toEqual([{ classification: 'VIOLATION', permit_check: 'UNKNOWN_PERMIT' }]);

    await registry.produce(s.topics.registryPermits, [msg(no, permit(no, plate))]);
    await registry.waitUntilConsumed(s.topics.registryPermits);
    expect(await weighing()).toEqual([{ classification: 'EXEMPT_PERMIT', permit_check: null }]);
    expect(await s.query(`SELECT 1 FROM violations WHERE event_id = 'reg-late-1'`)).toEqual([]);

    await registry.produce(s.topics.registryPermits, [msg(no, permit(no, plate, { status: 'REVOKED' }))]);
    await registry.waitUntilConsumed(s.topics.registryPermits);
    expect(await weighing()).toEqual([{ classification: 'VIOLATION', permit_check: 'REVOKED' }]);
    const versions = await s.query<{ v: string }>(
      `SELECT payload->'permit'->>'version' AS v FROM outbox WHERE message_key = $1 ORDER BY id`,
      [no],
    );
    expect(versions).toHaveLength(2);
    expect(Number(versions[1]!.v)).toBeGreaterThan(Number(versions[0]!.v));
    expect(await s.query(`SELECT status FROM violations WHERE event_id = 'reg-late-1'`)).toEqual([{ status: 'OPEN' }]);
  });
});
