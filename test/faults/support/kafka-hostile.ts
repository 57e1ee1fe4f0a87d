import fc from 'fast-check';
import { Kafka, KafkaMessage } from 'kafkajs';
import { violationEvent } from '@oc/simulation';

/** What a hostile message must become: certainly a dead letter naming `field`, or either outcome. */
export interface HostileCase {
  id: string;
  kind: string;
  key: string;
  value: Buffer;
  /** `dlq`: must be dead-lettered; `either`: stored under `eventId` or dead-lettered naming `field`. */
  expect: 'dlq' | 'either';
  field: string;
  eventId?: string;
}

const SQL = [
  "'; DROP TABLE weighings; --",
  "1' OR '1'='1",
  "浙E1' UNION SELECT * FROM audit_log --",
  '"); DELETE FROM listings; --',
  "'||pg_sleep(10)||'",
  '\\x00; TRUNCATE violations',
];
const ODD_PLATES = [
  '浙Ｅ１２３４５', // full-width
  '\u202e浙E12345', // RTL override
  '浙E12\u200b345', // zero-width space
  '浙E1🚚345',
  '\u200f浙E12345\u200e', // RTL / LTR marks
  '浙E１2３4５',
  '\ufeff浙E12345',
  '浙\u0000E12345',
  'Ⓩ浙E12345',
  '浙E12345\u0301',
];

const DAY = 86_400_000;

function base(eventId: string, plate: string, measuredAt: Date): Record<string, unknown> {
  return JSON.parse(violationEvent({ eventId, plate, measuredAt }).value) as Record<string, unknown>;
}

/**
 * Generated, seeded hostile payloads (fast-check): every run produces the same bytes for the same seed.
 * `now` only places the otherwise-valid parts of the events in time.
 */
export function hostileCases(seed: number, perKind: number, now: Date): HostileCase[] {
  const cases: HostileCase[] = [];
  let n = 0;
  const add = (
    kind: string,
    value: string | Buffer,
    expect: HostileCase['expect'],
    field: string,
    eventId?: string,
  ) => {
    const id = `hk-${kind}-${n++}`;
    cases.push({
      id,
      kind,
      key: `9:${id}`,
      value: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'),
      expect,
      field,
      eventId,
    });
  };
  const sample = <T>(arb: fc.Arbitrary<T>, k: number, salt: number): T[] =>
    fc.sample(arb, { seed: seed + salt, numRuns: k });
  const past = new Date(now.getTime() - 3 * DAY);

  // 1. Broken JSON: truncated valid events, random text, JSON that is not an object.
  const valid = JSON.stringify(base('hk-json', '浙E70001', past));
  for (const cut of sample(fc.integer({ min: 1, max: valid.length - 1 }), perKind, 1))
    add('truncated', valid.slice(0, cut), 'dlq', '(message)');
  for (const text of sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), perKind, 2)) {
    let isObject = false;
    try {
      const parsed: unknown = JSON.parse(text);
      isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      // not JSON: what we want
    }
    if (!isObject) add('garbage', text, 'dlq', '(message)');
  }
  for (const json of sample(
    fc.oneof(fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))),
    perKind,
    3,
  ))
    add('not-object', JSON.stringify(json), 'dlq', '(message)');
  add('empty-object', '{}', 'dlq', 'eventId');
  add('invalid-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d]), 'dlq', '(message)');

  // 2. Wrong types in every required field.
  const wrongFor: Record<string, fc.Arbitrary<unknown>> = {
    eventId: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    ),
    source: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('toll_entry', 'TRUCK', ''),
      fc.object({ maxDepth: 1 }),
    ),
    stationId: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
    measuredAt: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('yesterday', '2026-13-45T99:99:99Z', ''),
    ),
    plate: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
    plateColor: fc.oneof(
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(-1, 99, 1.5, 'PURPLE', ''),
      fc.object({ maxDepth: 1 }),
    ),
    axles: fc.oneof(
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('six', '6', 2.5, 1, 13, -6, 1e9),
      fc.array(fc.integer(), { maxLength: 2 }),
    ),
    grossWeightKg: fc.oneof(
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('heavy', '49000', 1.25),
      fc.array(fc.integer(), { maxLength: 2 }),
    ),
    cargo: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('FULL', 'laden', '')),
  };
  let salt = 10;
  for (const [field, arb] of Object.entries(wrongFor)) {
    for (const wrong of sample(arb, perKind, salt++)) {
      const eventId = `hk-wt-${n}`;
      const event = base(eventId, '浙E70002', past);
      event[field] = wrong;
      add('wrong-type', JSON.stringify(event), 'dlq', field, field === 'eventId' ? undefined : eventId);
    }
  }

  // 3. Huge strings (still under 64 KiB) in every string field.
  for (const field of ['eventId', 'stationId', 'laneId', 'plate', 'permitNo', 'source', 'cargo']) {
    for (const len of sample(fc.integer({ min: 70, max: 40_000 }), 2, salt++)) {
      const eventId = `hk-huge-${n}`;
      const event = base(eventId, '浙E70003', past);
      event[field] = 'A'.repeat(len);
      add('huge-string', JSON.stringify(event), 'dlq', field, field === 'eventId' ? undefined : eventId);
    }
  }
  {
    const eventId = `hk-huge-${n}`;
    const event = base(eventId, '浙E70003', past);
    event.evidence = { imageUrls: Array.from({ length: 11 }, (_, i) => `https://e.example/${i}.jpg`) };
    add('huge-string', JSON.stringify(event), 'dlq', 'evidence.imageUrls', eventId);
  }
  // 70 KB: over the 64 KiB SPEC limit, under the broker's.
  {
    const event = base('hk-70kb', '浙E70004', past);
    event.laneId = 'L'.repeat(70 * 1024);
    add('over-64k', JSON.stringify(event), 'dlq', '(message)');
  }

  // 4. Control characters and SQL fragments in string fields.
  const controls = sample(
    fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 }),
    perKind,
    salt++,
  );
  for (const c of controls) {
    add('control-eventId', JSON.stringify(base(`hk-ctl${c}x`, '浙E70005', past)), 'dlq', 'eventId');
    const eventId = `hk-ctlp-${n}`;
    add('control-plate', JSON.stringify(base(eventId, `浙E7${c}0005`, past)), 'either', 'plate', eventId);
  }
  for (const frag of SQL) {
    add('sql-eventId', JSON.stringify(base(`hk-sql${frag}`, '浙E70006', past)), 'dlq', 'eventId');
    let eventId = `hk-sqlp-${n}`;
    add('sql-plate', JSON.stringify(base(eventId, `浙E7${frag}`, past)), 'dlq', 'plate', eventId);
    eventId = `hk-sqls-${n}`;
    const station = base(eventId, '浙E70006', past);
    station.stationId = `330500${frag}`.slice(0, 32);
    add('sql-station', JSON.stringify(station), 'either', 'stationId', eventId);
    eventId = `hk-sqll-${n}`;
    const lane = base(eventId, '浙E70006', past);
    lane.laneId = frag.slice(0, 16);
    add('sql-lane', JSON.stringify(lane), 'either', 'laneId', eventId);
    eventId = `hk-sqlk-${n}`;
    const key = base(eventId, '浙E70006', past);
    key[frag] = 1;
    add('sql-unknown-field', JSON.stringify(key), 'dlq', frag, eventId);
  }

  // 5. Odd Unicode in plates: normalised and stored, or dead-lettered naming the plate.
  for (const plate of ODD_PLATES) {
    const eventId = `hk-uni-${n}`;
    add('unicode-plate', JSON.stringify(base(eventId, plate, past)), 'either', 'plate', eventId);
  }
  for (const s of sample(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), perKind, salt++)) {
    const eventId = `hk-unig-${n}`;
    add('unicode-plate', JSON.stringify(base(eventId, s, past)), 'either', 'plate', eventId);
  }

  // 6. Negative or huge weights and axles.
  for (const w of sample(
    fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 200_001 }), fc.constantFrom(-0.5, 1e308, -1e308)),
    perKind,
    salt++,
  )) {
    const eventId = `hk-w-${n}`;
    const event = base(eventId, '浙E70007', past);
    event.grossWeightKg = w;
    add('weight', JSON.stringify(event), 'dlq', 'grossWeightKg', eventId);
  }
  add(
    'weight',
    JSON.stringify(base('hk-w-big', '浙E70007', past)).replace(/"grossWeightKg":\d+/, '"grossWeightKg":1e400'),
    'dlq',
    'grossWeightKg',
    'hk-w-big',
  );

  // 7. Far-future dates.
  for (const ms of sample(fc.integer({ min: 10 * 60_000, max: 200 * 365 * DAY }), perKind, salt++)) {
    const eventId = `hk-fut-${n}`;
    add(
      'future',
      JSON.stringify(base(eventId, '浙E70008', new Date(now.getTime() + ms))),
      'dlq',
      'measuredAt',
      eventId,
    );
  }
  for (const d of ['+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59+08:00', '2999-01-01T00:00:00Z']) {
    const eventId = `hk-fut-${n}`;
    const event = base(eventId, '浙E70008', past);
    event.measuredAt = d;
    add('future', JSON.stringify(event), 'dlq', 'measuredAt', eventId);
  }
  return cases;
}

/** A value of `bytes` bytes that is a syntactically valid weigh event padded in laneId. */
export function paddedEvent(eventId: string, bytes: number, measuredAt: Date): Buffer {
  const event = base(eventId, '浙E70009', measuredAt);
  event.laneId = '';
  const size = Buffer.byteLength(JSON.stringify(event));
  event.laneId = 'P'.repeat(bytes - size);
  return Buffer.from(JSON.stringify(event));
}

/** Reads a whole topic from the beginning up to its current end (high watermarks at call time). */
export async function readWholeTopic(kafka: Kafka, topic: string, timeoutMs = 60000): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
  const total = [...want.values()].reduce((a, b) => a + b, 0n);
  const seen: KafkaMessage[] = [];
  if (total === 0n) return seen;
  const consumer = kafka.consumer({
    groupId: `reader-${Date.now()}-${Math.random()}`,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (BigInt(seen.length) < total) {
      if (Date.now() > deadline) throw new Error(`read ${seen.length} of ${total} messages of ${topic}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
