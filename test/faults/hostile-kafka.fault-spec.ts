import { ConfigResourceTypes, IHeaders, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { ensureTopics } from '@oc/messaging';
import { violationEvent } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { personIdNo } from '../registry/support/registry-kafka';
import { hostileCases, HostileCase, paddedEvent, readWholeTopic } from './support/kafka-hostile';

/**
 * Seeded fast-check hostile payloads interleaved with valid events. Every invalid
 * message ends in the DLQ with a reason naming a field, every valid one is stored, ingest stays up and
 * commits every offset.
 */
const SEED = 20261127;
const DAY = 86_400_000;

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : Array.isArray(v) ? String(v[0]) : String(v);
};

describe('faults: hostile Kafka input (seeded fast-check payloads interleaved with valid events)', () => {
  let s: Scenario;
  let producer: Producer;
  const now = new Date();
  const cases: HostileCase[] = hostileCases(SEED, 12, now);
  // Just under the broker's 1 MB message limit, and well over SPEC's 64 KiB.
  const bigOnes: HostileCase[] = [0, 1, 2].map((i) => ({
    id: `hk-900kb-${i}`,
    kind: '900kb',
    key: i < 2 ? '9:hk-900kb-same-key' : `9:hk-900kb-${i}`,
    value: paddedEvent(`hk-900kb-${i}`, 900 * 1024, new Date(now.getTime() - DAY)),
    expect: 'dlq',
    field: '(message)',
  }));
  const validIds: string[] = [];

  beforeAll(async () => {
    s = await Scenario.create('hostilekafka');
    await ensureTopics(s.kafka, Object.values(s.topics), 6);
    producer = s.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    await s.startIngest();
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await s?.close();
  });

  it('dead-letters every invalid message with a reason naming a field, stores every valid one, keeps consuming', async () => {
    // Interleave: valid, hostile, valid, hostile … in batches of mixed size.
    const messages: { key: string; value: Buffer; headers: IHeaders }[] = [];
    cases.forEach((c, i) => {
      const eventId = `hk-valid-${i}`;
      validIds.push(eventId);
      const v = violationEvent({
        eventId,
        plate: `浙E${String(71000 + (i % 400)).padStart(5, '0')}`,
        measuredAt: new Date(now.getTime() - (10 + (i % 50)) * DAY),
      });
      messages.push({ key: v.key, value: Buffer.from(v.value), headers: { 'x-test-id': eventId } });
      messages.push({ key: c.key, value: c.value, headers: { 'x-test-id': c.id } });
    });
    for (let i = 0; i < messages.length; i += 50) {
      await producer.send({ topic: s.topics.weighingEvents, acks: -1, messages: messages.slice(i, i + 50) });
    }
    // The 900 KB messages one per request (a request holding two would exceed the broker's limit).
    for (const big of bigOnes) {
      await producer.send({
        topic: s.topics.weighingEvents,
        acks: -1,
        messages: [{ key: big.key, value: big.value, headers: { 'x-test-id': big.id } }],
      });
      const v = violationEvent({
        eventId: `${big.id}-after`,
        plate: '浙E79999',
        measuredAt: new Date(now.getTime() - 2 * DAY),
      });
      validIds.push(`${big.id}-after`);
      await producer.send({
        topic: s.topics.weighingEvents,
        acks: -1,
        messages: [{ key: big.key, value: Buffer.from(v.value), headers: { 'x-test-id': `${big.id}-after` } }],
      });
    }
    const all = [...cases, ...bigOnes];

    await s.waitUntilConsumed(120000);

    // Ingest is alive.
    expect(s.ingest!.process.exitCode).toBeNull();
    expect(s.ingest!.process.signalCode).toBeNull();
    expect((await fetch(`${s.ingest!.url}/health/live`)).status).toBe(200);

    // Every valid one stored.
    const stored = new Set(
      (await s.query<{ event_id: string }>(`SELECT event_id FROM weighings`)).map((r) => r.event_id),
    );
    const missingValid = validIds.filter((id) => !stored.has(id));
    expect(missingValid).toEqual([]);

    // The DLQ: by the test id header (the DLQ keeps the original headers).
    const dlq: KafkaMessage[] = await readWholeTopic(s.kafka, s.topics.weighingEventsDlq);
    const byId = new Map<string, KafkaMessage[]>();
    for (const m of dlq) {
      const id = header(m.headers, 'x-test-id') ?? '(none)';
      byId.set(id, [...(byId.get(id) ?? []), m]);
    }
    // No valid event was dead-lettered.
    expect(validIds.filter((id) => byId.has(id))).toEqual([]);

    const problems: string[] = [];
    const outcomes: Record<string, { dlq: number; stored: number }> = {};
    for (const c of all) {
      const letters = byId.get(c.id) ?? [];
      const isStored = c.eventId !== undefined && stored.has(c.eventId);
      const o = (outcomes[c.kind] ??= { dlq: 0, stored: 0 });
      if (letters.length > 0) o.dlq++;
      if (isStored) o.stored++;
      const show = `${c.id} (${c.value.length} B: ${JSON.stringify(c.value.subarray(0, 120).toString('utf8'))})`;
      if (letters.length + (isStored ? 1 : 0) !== 1) {
        problems.push(`${show}: ${letters.length} dead letters, stored=${isStored}`);
        continue;
      }
      if (isStored) {
        if (c.expect === 'dlq') problems.push(`${show}: stored although invalid (expected DLQ naming ${c.field})`);
        continue;
      }
      const letter = letters[0]!;
      if (!letter.value || !letter.value.equals(c.value)) problems.push(`${show}: DLQ value is not the original bytes`);
      const code = header(letter.headers, 'error-code');
      const detailText = header(letter.headers, 'error-detail');
      let details: { field?: unknown; message?: unknown }[] = [];
      try {
        details = JSON.parse(detailText ?? 'null') as typeof details;
      } catch {
        problems.push(`${show}: error-detail is not JSON: ${detailText}`);
        continue;
      }
      if (!code) problems.push(`${show}: no error-code header`);
      if (
        !Array.isArray(details) ||
        details.length === 0 ||
        details.some((d) => typeof d.field !== 'string' || !d.field)
      )
        problems.push(`${show}: error-detail names no field: ${detailText} (code ${code})`);
      else if (!details.some((d) => d.field === c.field || String(d.field).startsWith(`${c.field}.`)))
        problems.push(`${show}: error-detail ${detailText} does not name ${c.field} (code ${code})`);
      for (const h of ['original-topic', 'original-partition', 'original-offset', 'failed-at'])
        if (!header(letter.headers, h)) problems.push(`${show}: no ${h} header`);
    }
    console.log(
      `hostile kafka: ${all.length} hostile + ${validIds.length} valid; outcomes ${JSON.stringify(outcomes)}`,
    );
    expect(problems).toEqual([]);

    // Every offset ends as a stored weighing or a dead letter.
    const admin = s.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(s.topics.weighingEvents);
    await admin.disconnect();
    const produced = ends.reduce((a, e) => a + Number(e.high), 0);
    expect(stored.size + dlq.length).toBe(produced);
  });

  // A repeated eventId with other content was dropped silently (the insert's ON CONFLICT DO NOTHING).
  it('dead-letters a repeated eventId with other content DUPLICATE_CONFLICT, in one batch, across batches and a restart; the same content stays a no-op', async () => {
    const original = violationEvent({ eventId: 'dup-1', plate: '浙E72001', measuredAt: new Date(now.getTime() - DAY) });
    const other = (overKg: number, plate = '浙E72001') =>
      violationEvent({ eventId: 'dup-1', plate, overKg, measuredAt: new Date(now.getTime() - DAY) });
    const send = async (messages: { id: string; m: { key: string; value: string } }[]) =>
      producer.send({
        topic: s.topics.weighingEvents,
        acks: -1,
        messages: messages.map(({ id, m }) => ({ key: m.key, value: m.value, headers: { 'x-test-id': id } })),
      });
    // One request, one key: consecutive offsets of one partition, the original first.
    await send([
      { id: 'dup-original', m: original },
      { id: 'dup-conflict-same-batch', m: other(5000) },
      { id: 'dup-same-same-batch', m: original },
    ]);
    await s.waitUntilConsumed(30000);
    // Later batches, another key (so another partition, most likely) for one of the conflicts.
    await send([
      { id: 'dup-conflict-later', m: other(2500, '浙E72002') },
      { id: 'dup-same-later', m: original },
    ]);
    await s.waitUntilConsumed(30000);
    await s.ingest!.stop();
    await s.startIngest();
    await send([
      { id: 'dup-conflict-after-restart', m: other(3000) },
      { id: 'dup-same-after-restart', m: original },
    ]);
    await s.waitUntilConsumed(60000);

    expect(await s.query(`SELECT gross_weight_kg, plate FROM weighings WHERE event_id = 'dup-1'`)).toEqual([
      { gross_weight_kg: (JSON.parse(original.value) as { grossWeightKg: number }).grossWeightKg, plate: '浙E72001' },
    ]);
    expect(await s.query(`SELECT count(*)::int AS n FROM violations WHERE event_id = 'dup-1'`)).toEqual([{ n: 1 }]);
    const letters = (await readWholeTopic(s.kafka, s.topics.weighingEventsDlq))
      .filter((l) => header(l.headers, 'x-test-id')?.startsWith('dup-'))
      .map((l) => ({
        id: header(l.headers, 'x-test-id'),
        code: header(l.headers, 'error-code'),
        details: JSON.parse(header(l.headers, 'error-detail') ?? 'null') as { field: string; message: string }[],
        original: header(l.headers, 'original-topic'),
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(letters.map(({ id, code, original: topic }) => ({ id, code, topic }))).toEqual(
      ['dup-conflict-after-restart', 'dup-conflict-later', 'dup-conflict-same-batch'].map((id) => ({
        id,
        code: 'DUPLICATE_CONFLICT',
        topic: s.topics.weighingEvents,
      })),
    );
    for (const l of letters) {
      expect(l.details.map((d) => d.field)).toEqual(['eventId']);
      expect(l.details[0]!.message).toMatch(
        /already stored with other content \(differs in .*grossWeightKg; the stored event came from .* offset \d+\)/,
      );
    }
    expect(letters.find((l) => l.id === 'dup-conflict-later')!.details[0]!.message).toContain(
      'differs in plate, grossWeightKg;',
    );
  });

  // Issue 14: one record on gate.decisions.v1 with "at":"2025" and a NUL byte in the plate stopped ingest
  // (the insert failed for its content, the batch was retried forever, and kafkajs fetched nothing else).
  it('dead-letters hostile gate decisions with their reasons, and a weighing sent after them is stored within 5 s', async () => {
    const decision = (id: string, patch: Record<string, unknown>) => ({
      decisionId: id,
      stationId: '330500001',
      plate: '浙E71234',
      plateColor: 1,
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
      at: new Date().toISOString(),
      ...patch,
    });
    const hostile = [
      decision('gd-hostile-1', { at: '2025', plate: '浙\u0000E12345' }),
      decision('gd-hostile-2', { at: '2026-02-30T10:00:00+08:00' }),
      decision('gd-hostile-3', { reasons: ['DROP TABLE turn_backs'] }),
      decision('x'.repeat(65), {}),
    ];
    const valid = decision('gd-valid-1', {});
    await producer.send({
      topic: s.topics.gateDecisions,
      acks: -1,
      messages: [...hostile, valid].map((d) => ({ key: String(d.plate), value: JSON.stringify(d) })),
    });
    const after = violationEvent({
      eventId: 'gd-after-1',
      plate: '浙E71999',
      measuredAt: new Date(now.getTime() - DAY),
    });
    await producer.send({
      topic: s.topics.weighingEvents,
      acks: -1,
      messages: [{ key: after.key, value: after.value }],
    });
    await eventually(
      async () => (await s.query(`SELECT 1 FROM weighings WHERE event_id = 'gd-after-1'`)).length === 1,
      { timeoutMs: 5000, what: 'the weighing sent after the hostile gate decisions' },
    );
    await s.waitUntilConsumed(30000, s.topics.gateDecisions);
    expect(await s.query(`SELECT decision_id, plate FROM turn_backs WHERE decision_id LIKE 'gd-%'`)).toEqual([
      { decision_id: 'gd-valid-1', plate: '浙E71234' },
    ]);
    const letters = await readWholeTopic(s.kafka, s.topics.gateDecisionsDlq);
    const byId = new Map(
      letters.map((l) => [
        (JSON.parse(l.value!.toString('utf8')) as { decisionId: string }).decisionId,
        {
          code: header(l.headers, 'error-code'),
          fields: (JSON.parse(header(l.headers, 'error-detail')!) as { field: string }[]).map((d) => d.field),
        },
      ]),
    );
    expect(byId.get('gd-hostile-1')).toEqual({ code: 'VALIDATION_FAILED', fields: ['plate', 'at'] });
    expect(byId.get('gd-hostile-2')).toEqual({ code: 'VALIDATION_FAILED', fields: ['at'] });
    expect(byId.get('gd-hostile-3')).toEqual({ code: 'VALIDATION_FAILED', fields: ['reasons'] });
    expect(byId.get('x'.repeat(65))).toEqual({ code: 'VALIDATION_FAILED', fields: ['decisionId'] });
    expect(letters).toHaveLength(hostile.length);
  });
});

/**
 * The registry topics and the notice receipts, like gate.decisions.v1: a record with a NUL byte, a time
 * "2025", an impossible date or a 10 KB string is dead-lettered to `<topic>.dlq` naming the field, and a
 * valid record sent after it is stored within 5 s (SPEC §3: no consumed topic can stall ingest).
 */
describe('faults: hostile registry and notice-receipt records (SPEC §3, §4.9, §4.10)', () => {
  let s: Scenario;
  let producer: Producer;
  const now = new Date();
  const TEN_KB = 'x'.repeat(10 * 1024);

  beforeAll(async () => {
    s = await Scenario.create('hostileregistry');
    await ensureTopics(s.kafka, Object.values(s.topics), 6);
    producer = s.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    await s.startIngest();
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await s?.close();
  });

  interface Hostile {
    id: string;
    key: string | null;
    value: Record<string, unknown> | null;
    /** The field the letter must name (or a field under it: `owner.name`). */
    field: string;
  }

  /**
   * Sends the hostile records and then a valid one in one request, waits at most 5 s for the valid one
   * to be stored, and checks that each hostile record has exactly one letter naming its field.
   */
  async function hostileThenValid(
    topic: string,
    dlqTopic: string,
    hostile: Hostile[],
    valid: { key: string; value: Record<string, unknown> },
    isStored: () => Promise<boolean>,
  ): Promise<void> {
    const encode = (v: Record<string, unknown> | null) => (v === null ? null : JSON.stringify(v));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...hostile.map((h) => ({ key: h.key, value: encode(h.value), headers: { 'x-test-id': h.id } })),
        { key: valid.key, value: encode(valid.value), headers: { 'x-test-id': 'valid' } },
      ],
    });
    await eventually(async () => (await isStored()) || undefined, {
      timeoutMs: 5000,
      what: `the valid record sent after the hostile ones on ${topic}`,
    });
    await s.waitUntilConsumed(30000, topic);
    const letters = await readWholeTopic(s.kafka, dlqTopic);
    const problems: string[] = [];
    for (const h of hostile) {
      const mine = letters.filter((l) => header(l.headers, 'x-test-id') === h.id);
      if (mine.length !== 1) {
        problems.push(`${h.id}: ${mine.length} letters`);
        continue;
      }
      const details = JSON.parse(header(mine[0]!.headers, 'error-detail') ?? '[]') as { field: string }[];
      const fields = details.map((d) => d.field);
      if (!fields.some((f) => f === h.field || f.startsWith(`${h.field}.`)))
        problems.push(`${h.id}: ${header(mine[0]!.headers, 'error-code')} names ${fields.join(', ')}, not ${h.field}`);
    }
    expect(letters.filter((l) => header(l.headers, 'x-test-id') === 'valid')).toEqual([]);
    expect(problems).toEqual([]);
  }

  it('registry.stations.v1', async () => {
    const station = (id: string, patch: Record<string, unknown> = {}) => ({
      stationId: id,
      name: '湖州测试站',
      divisionCode: id.slice(0, 6),
      kind: 'TOLL_ENTRY',
      ...patch,
    });
    await hostileThenValid(
      s.topics.registryStations,
      s.topics.registryStationsDlq,
      [
        { id: 'st-nul', key: '330500901', value: station('330500901', { name: '湖州\u0000东' }), field: 'name' },
        { id: 'st-2025', key: '330500902', value: station('330500902', { activeFrom: '2025' }), field: 'activeFrom' },
        {
          id: 'st-feb30',
          key: '330500903',
          value: station('330500903', { activeTo: '2026-02-30T00:00:00+08:00' }),
          field: 'activeTo',
        },
        { id: 'st-10kb', key: '330500904', value: station('330500904', { name: TEN_KB }), field: 'name' },
        { id: 'st-key-nul', key: '330500\u0000905', value: null, field: '(key)' },
      ],
      { key: '330500909', value: station('330500909') },
      async () => (await s.query(`SELECT 1 FROM stations WHERE station_id = '330500909'`)).length === 1,
    );
  });

  it('registry.vehicles.v1', async () => {
    const vehicle = (plate: string, patch: Record<string, unknown> = {}, owner: Record<string, unknown> = {}) => ({
      plate,
      plateColor: 1,
      owner: { name: '李四', type: 'PERSON', idNo: personIdNo(73), ...owner },
      registrationRegion: '330502',
      ...patch,
    });
    await hostileThenValid(
      s.topics.registryVehicles,
      s.topics.registryVehiclesDlq,
      [
        {
          id: 'veh-nul',
          key: '1:浙E73101',
          value: vehicle('浙E73101', {}, { name: '坏\u0000名' }),
          field: 'owner.name',
        },
        {
          id: 'veh-2025',
          key: '1:浙E73102',
          value: vehicle('浙E73102', { certIssuedAt: '2025' }),
          field: 'certIssuedAt',
        },
        {
          id: 'veh-feb30',
          key: '1:浙E73103',
          value: vehicle('浙E73103', { certIssuedAt: '2026-02-30T10:00:00+08:00' }),
          field: 'certIssuedAt',
        },
        {
          id: 'veh-10kb',
          key: '1:浙E73104',
          value: vehicle('浙E73104', { transportCertNo: TEN_KB }),
          field: 'transportCertNo',
        },
        {
          id: 'veh-ctl',
          key: '1:浙E73105',
          value: vehicle('浙E73105', {}, { name: '李\u001b[2J四' }),
          field: 'owner.name',
        },
      ],
      { key: '1:浙E73109', value: vehicle('浙E73109') },
      async () => (await s.query(`SELECT 1 FROM registry_vehicles WHERE vehicle_key = '1:浙E73109'`)).length === 1,
    );
  });

  it('registry.permits.v1', async () => {
    const permit = (permitNo: string, patch: Record<string, unknown> = {}) => ({
      permitNo,
      plate: '浙E73201',
      plateColor: 1,
      validFrom: '2026-10-01T00:00:00+08:00',
      validTo: '2026-12-31T23:59:59+08:00',
      maxGrossWeightKg: 55000,
      status: 'ISSUED',
      ...patch,
    });
    await hostileThenValid(
      s.topics.registryPermits,
      s.topics.registryPermitsDlq,
      [
        {
          id: 'per-nul',
          key: 'P-HK-1',
          value: permit('P-HK-1', { stationIds: ['3305\u000000001'] }),
          field: 'stationIds',
        },
        { id: 'per-2025', key: 'P-HK-2', value: permit('P-HK-2', { validFrom: '2025' }), field: 'validFrom' },
        {
          id: 'per-feb30',
          key: 'P-HK-3',
          value: permit('P-HK-3', { validTo: '2026-02-30T23:59:59+08:00' }),
          field: 'validTo',
        },
        { id: 'per-10kb', key: TEN_KB, value: permit(TEN_KB), field: 'permitNo' },
        { id: 'per-key-nul', key: 'P-HK-\u00005', value: null, field: '(key)' },
      ],
      { key: 'P-HK-9', value: permit('P-HK-9') },
      async () => (await s.query(`SELECT 1 FROM registry_permits WHERE permit_no = 'P-HK-9'`)).length === 1,
    );
  });

  it('credit.notice-receipts.v1', async () => {
    // Three trips of a vehicle: a PENDING listing with its notice (SPEC §4.4), for a valid receipt to serve.
    const plate = '浙E73301';
    await s.produce(
      [40, 20, 5].map((days, i) =>
        violationEvent({ eventId: `rc-trip-${i}`, plate, measuredAt: new Date(now.getTime() - days * DAY) }),
      ),
    );
    const noticeId = await eventually(
      async () =>
        (
          await s.query<{ id: string }>(
            `SELECT n.id FROM notices n JOIN listings l ON l.id = n.listing_id WHERE l.vehicle_key = $1`,
            [`1:${plate}`],
          )
        )[0]?.id,
      { timeoutMs: 30000, what: `the notice of ${plate}` },
    );
    const receipt = (patch: Record<string, unknown> = {}) => ({
      receiptId: 'sms-hk-1',
      noticeId,
      channel: 'SMS',
      deliveredAt: new Date().toISOString(),
      ...patch,
    });
    await hostileThenValid(
      s.topics.noticeReceipts,
      s.topics.noticeReceiptsDlq,
      [
        { id: 'rc-nul', key: noticeId, value: receipt({ receiptId: 'sms\u0000hk' }), field: 'receiptId' },
        { id: 'rc-2025', key: noticeId, value: receipt({ deliveredAt: '2025' }), field: 'deliveredAt' },
        {
          id: 'rc-feb30',
          key: noticeId,
          value: receipt({ deliveredAt: '2026-02-30T15:30:00+08:00' }),
          field: 'deliveredAt',
        },
        { id: 'rc-10kb', key: noticeId, value: receipt({ receiptId: TEN_KB }), field: 'receiptId' },
      ],
      { key: noticeId, value: receipt() },
      async () =>
        (await s.query(`SELECT 1 FROM notices WHERE id = $1 AND receipt_id = 'sms-hk-1'`, [noticeId])).length === 1,
    );
  });
});

describe('faults: dead letters at and over the DLQ topic limit (SPEC §3, docs/operations.md "Failure handling")', () => {
  let s: Scenario;
  let producer: Producer;
  const now = new Date();
  // The DLQ topic as ingest creates it: 2 MiB (libs/messaging/src/dead-letter.publisher.ts).
  const DLQ_LIMIT_BYTES = 2 * 1024 * 1024;
  // A letter refused even so keeps this prefix of its value (docs/operations.md).
  const TRUNCATED_BYTES = 64 * 1024;

  beforeAll(async () => {
    s = await Scenario.create('hostilekafkaedge');
    // Only the source topic is made here, accepting 4 MiB so that a message larger than the DLQ's own
    // limit can exist at all; ingest creates every other topic, the DLQ included, as in production.
    await ensureTopics(s.kafka, [s.topics.weighingEvents], 6, {
      [s.topics.weighingEvents]: { 'max.message.bytes': String(4 * 1024 * 1024) },
    });
    producer = s.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    await s.startIngest();
    const admin = s.kafka.admin();
    await admin.connect();
    try {
      const limit = await eventually(
        async () => {
          const { resources } = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [
              { type: ConfigResourceTypes.TOPIC, name: s.topics.weighingEventsDlq, configNames: ['max.message.bytes'] },
            ],
          });
          return resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
        },
        { what: 'ingest to create the DLQ topic', timeoutMs: 30000 },
      );
      // What the rest of this describe relies on: the DLQ topic has the product's limit, not the broker's.
      expect(limit).toBe(String(DLQ_LIMIT_BYTES));
    } finally {
      await admin.disconnect();
    }
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await s?.close();
  });

  /**
   * Sends `value` and then a valid weighing to partition 0, waits until ingest committed both, and
   * returns the dead letters of `value` and the offset it was written at.
   */
  async function deadLetterOf(id: string, value: Buffer): Promise<{ letters: KafkaMessage[]; offset: string }> {
    const [sent] = await producer.send({
      topic: s.topics.weighingEvents,
      acks: -1,
      messages: [{ key: '9:edge', value, partition: 0, headers: { 'x-test-id': id } }],
    });
    const after = violationEvent({
      eventId: `${id}-after`,
      plate: '浙E79998',
      measuredAt: new Date(now.getTime() - DAY),
    });
    await producer.send({
      topic: s.topics.weighingEvents,
      acks: -1,
      messages: [{ key: '9:edge', value: after.value, partition: 0, headers: { 'x-test-id': `${id}-after` } }],
    });
    try {
      // Every offset committed: the partition did not stall on the large one.
      await s.waitUntilConsumed(60000);
    } catch (error) {
      const lines = s
        .ingest!.output()
        .split('\n')
        .filter((l) => /too large|TOO_LARGE|retry|failed/i.test(l))
        .map((l) => {
          try {
            const j = JSON.parse(l) as { level?: string; msg?: string; err?: { message?: string } };
            return `${j.level} ${j.msg ?? ''} | ${j.err?.message ?? ''}`;
          } catch {
            return l.slice(0, 300);
          }
        });
      console.log(`ingest while stalled: ${lines.length} warnings; distinct:\n${[...new Set(lines)].join('\n')}`);
      throw error;
    }
    // The valid weighing behind it is stored, not only skipped over.
    expect(await s.query(`SELECT 1 FROM weighings WHERE event_id = $1`, [`${id}-after`])).toHaveLength(1);
    const dlq = await readWholeTopic(s.kafka, s.topics.weighingEventsDlq);
    expect(dlq.filter((m) => header(m.headers, 'x-test-id') === `${id}-after`)).toEqual([]);
    return { letters: dlq.filter((m) => header(m.headers, 'x-test-id') === id), offset: sent!.baseOffset! };
  }

  /** The SPEC §3 reason headers of a letter of a too-large message at `offset` of partition 0. */
  function expectReasonHeaders(letter: KafkaMessage, offset: string): void {
    expect(header(letter.headers, 'error-code')).toBe('TOO_LARGE');
    const details = JSON.parse(header(letter.headers, 'error-detail') ?? 'null') as { field: string }[];
    expect(details.map((d) => d.field)).toEqual(['(message)']);
    expect(header(letter.headers, 'original-topic')).toBe(s.topics.weighingEvents);
    expect(header(letter.headers, 'original-partition')).toBe('0');
    expect(header(letter.headers, 'original-offset')).toBe(offset);
    const failedAt = Date.parse(header(letter.headers, 'failed-at') ?? '');
    expect(failedAt).toBeGreaterThanOrEqual(now.getTime() - 60_000);
    expect(letter.key?.toString()).toBe('9:edge');
  }

  // A message just under the broker's default limit (message.max.bytes 1,048,588 for the whole record
  // batch) becomes a letter over that limit (six headers more); the DLQ topic's 2 MiB takes it whole.
  it('dead-letters a message just under the broker limit unchanged, and its partition moves on', async () => {
    const value = paddedEvent('hk-edge-1mb', 1_048_588 - 200, new Date(now.getTime() - DAY));
    const { letters, offset } = await deadLetterOf('hk-edge-1mb', value);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter.value!.equals(value)).toBe(true);
    expect(header(letter.headers, 'value-truncated-from')).toBeUndefined();
    expectReasonHeaders(letter, offset);
  });

  // Too large even for the DLQ topic: the letter goes with the first 64 KiB of its value and
  // `value-truncated-from` (the original size), never retried forever (docs/operations.md).
  it('cuts a letter too large even for the DLQ topic to 64 KiB, says so, and its partition moves on', async () => {
    const value = paddedEvent('hk-edge-3mb', 3 * 1024 * 1024, new Date(now.getTime() - DAY));
    expect(value.length).toBeGreaterThan(DLQ_LIMIT_BYTES);
    const { letters, offset } = await deadLetterOf('hk-edge-3mb', value);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter.value!.length).toBe(TRUNCATED_BYTES);
    expect(letter.value!.equals(value.subarray(0, TRUNCATED_BYTES))).toBe(true);
    expect(header(letter.headers, 'value-truncated-from')).toBe(String(value.length));
    expectReasonHeaders(letter, offset);
  });
});
