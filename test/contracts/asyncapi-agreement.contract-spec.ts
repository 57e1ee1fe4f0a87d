import fc from 'fast-check';
import {
  parseAuditAnchor,
  parseGateDecision,
  parseNoticeReceipt,
  parseWeighEvent,
  TOPIC,
  validateRegistryRecord,
  type FieldError,
} from '@oc/contracts';
import { citizenIdCheckChar, creditCodeCheckChar, PLATE_COLOR_CODES, PLATE_COLORS } from '@oc/domain';
import { ajvErrors } from '../../libs/contracts/src/asyncapi/validators';
import { publishedPayloadSchema, publishedValidators } from './support/published-documents';

/**
 * The published AsyncAPI schemas and the consumers' validators agree (issue: "a document allows what the
 * consumer refuses"): for every consumed topic, an event the schema takes is one the consumer takes, so
 * whatever the consumer refuses the schema refuses too. Checked both ways on two families of generated
 * events: events built from the document's own patterns (valid by the schema, as a vendor's generated
 * producer would send them) and near-valid events (one to three fields replaced by values around every
 * rule's edge: other time forms, plates, colours, URLs, lengths, control characters, other JSON types).
 *
 * What no JSON Schema can say is named, not skipped silently: check characters of identity numbers,
 * one field equal to part of another (divisionCode, stationId), the order of two times, and the 5-minute
 * rule of measuredAt (it depends on the moment of receipt: the weighings are checked as received far
 * ahead). Stricter is allowed: the schema asks for the canonical form (upper-case plates without
 * separators, seconds in times, no null for an absent field) where the consumer also normalises.
 */
const FAR_AHEAD = new Date(8.64e15);
const INEXPRESSIBLE = [/with a valid check character/, /must be the first 6 digits of stationId/, /must not be before/];
const RUNS = 1500;

const validator = (address: string) => publishedValidators().get(address)!.payload;
type PropertySchema = {
  pattern?: string;
  allOf?: { pattern?: string }[];
  items?: PropertySchema;
  properties?: Record<string, PropertySchema>;
};
const schemaOf = (address: string): Record<string, PropertySchema> =>
  (publishedPayloadSchema(address) as { properties: Record<string, PropertySchema> }).properties;
/** A field's own anchored pattern as the document publishes it (beside the generic length and control-character ones). */
const mainPattern = (property: PropertySchema | undefined): string => {
  const all = [property?.pattern, ...(property?.allOf ?? []).map((a) => a.pattern)].filter(
    (p): p is string => typeof p === 'string' && p.startsWith('^'),
  );
  if (all.length === 0) throw new Error('the document has no pattern for this field');
  return all.sort((a, b) => b.length - a.length)[0]!;
};
const matching = (pattern: string) => fc.stringMatching(new RegExp(pattern, 'u'));

// Values around the edges of every rule, of every JSON type.
const TIMES = [
  '2026-11-26T10:00:00Z',
  '2026-11-26T10:00:00.123+08:00',
  '2026-11-26t10:00:00Z',
  '2026-11-26 10:00:00Z',
  '2026-11-26T10:00Z',
  '2026-11-26T10:00:00z',
  '2026-11-26T10:00:00',
  '2026-11-26T10:00:00+08',
  '2026-11-26T10:00:00+24:00',
  '2026-11-26T24:00:00Z',
  '2026-11-26T23:59:60Z',
  '2026-02-29T10:00:00Z',
  '2024-02-29T10:00:00+08:00',
  '2026-04-31T10:00:00Z',
  '2026-13-01T10:00:00Z',
  '2026-11-26T10:00:00.1234567890Z',
  '2026-11-26T10:00:00.123456789Z',
  '2026-11-26T10:00:00.1234Z',
  '0000-02-29T00:00:00Z',
  '2026-11-26',
];
const PLATES = [
  '浙E12345',
  '浙e12345',
  ' 浙E·12345 ',
  '浙Ｅ12345',
  '浙E1234挂',
  '浙E12345挂',
  '京A123456',
  '京A1234567',
  'UNKNOWN',
  'unknown',
  'AB12345',
];
const COLOURS = [0, 1, 7, 8, 11, 12, 13, -1, 1.5, '1', ' 1', '01', '11', 'YELLOW', 'yellow', 'PURPLE', 'GREEN'];
const URLS = [
  'https://cam.example/1.jpg',
  'http://10.0.0.1:8080/x.jpg',
  'HTTP://cam.example/1.jpg',
  'ftp://cam.example/1.jpg',
  'http://localhost/x.jpg',
  'http://256.0.0.1/x',
  'http://[::1]/x',
  'http://user:pw@cam.example/x',
  'https://cam.example/a b.jpg',
  `https://cam.example/${'x'.repeat(2060)}`,
  `https://cam.example/${'x'.repeat(2070)}`,
  'https://-bad.example/x',
  'https://cam.example:0/x',
  'https://cam.example:65536/x',
  'https://摄像头.example/x',
  'https://cam.example/图.jpg',
  'https://cam_1.example/x',
  'https://123/x',
  'https://cam.example?x=1',
  'https://cam.example#f',
  'https://',
];
const STRINGS = [
  '',
  ' ',
  'x',
  '\uFE0F',
  'a\uFE0F',
  'L\u0000',
  'L\n1',
  'L\u007f',
  '😀'.repeat(16),
  '😀'.repeat(17),
  ...[16, 17, 18, 20, 21, 32, 33, 64, 65, 100, 101].map((n) => 'x'.repeat(n)),
  '330500',
  '33050',
  `330500${'x'.repeat(26)}`,
  `330500${'x'.repeat(27)}`,
  '330500\u0000',
  'TOLL_ENTRY',
  'LADEN',
  'TURN_BACK',
  'FAIL_CLOSED',
  'ISSUED',
  'SMS',
  'a'.repeat(64),
  'A'.repeat(64),
  '0f1e2d3c4b5a6978',
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-0000-8000-000000000000',
  '00000000-0000-4000-c000-000000000000',
  '00000000-0000-0000-0000-000000000000',
  'urn:uuid:00000000-0000-4000-8000-000000000000',
];
const NUMBERS = [0, -1, 1, 1.5, 2, 5, 6, 12, 13, 50, 51, 199999, 200000, 200001, 1e300];
const BOOLEANS = [true, false, 'true', 0, 1, null];
const OBJECTS = [{}, [], { imageUrls: [] }, { imageUrls: ['https://cam.example/1.jpg'], extra: 1 }, null, 'x'];
const ARRAYS = [[], ['x'], [1], [null], Array.from({ length: 11 }, (_, i) => `https://c.example/${i}.jpg`), 'x', null];
const HEX = [
  'a'.repeat(64),
  'A'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  'g'.repeat(64),
  '0f1e2d3c4b5a6978',
  '0F1E2D3C4B5A6978',
  null,
];
const SEQS = ['0', '00', '1', '-1', '01', '9'.repeat(19), '9'.repeat(20), 42, ''];
const edge = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...TIMES, ...PLATES, ...COLOURS, ...URLS, ...STRINGS, ...NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, ['x'], [1], { imageUrls: [] }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...URLS, ...STRINGS, ...TIMES), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
);

/**
 * Replaces one to three fields (nested ones and array elements too) of a valid event by a value around
 * that field's rules (most often), any edge value, or nothing (the field dropped); or adds a field.
 */
function nearValid(valid: fc.Arbitrary<Record<string, unknown>>, paths: Record<string, readonly unknown[]>) {
  const change = fc.oneof(
    ...Object.entries(paths).map(([path, own]) =>
      fc.tuple(
        fc.constant(path),
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom<unknown>(...own) },
          { weight: 2, arbitrary: edge },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      ),
    ),
    fc.tuple(fc.constant('unexpected'), edge),
  );
  return fc.tuple(valid, fc.array(change, { minLength: 1, maxLength: 3 })).map(([event, changes]) => {
    const raw = structuredClone(event);
    for (const [path, value] of changes) {
      const keys = path.split('.');
      let holder = raw as Record<string, unknown>;
      for (let i = 0; i < keys.length - 1; i++) {
        const k = keys[i]!;
        // Arrays stay arrays: `evidence.imageUrls.0` replaces (or adds) the first element.
        if (typeof holder[k] !== 'object' || holder[k] === null) holder[k] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
        holder = holder[k] as Record<string, unknown>;
      }
      const last = keys[keys.length - 1]!;
      if (value === undefined) delete holder[last];
      else holder[last] = value;
    }
    // What the consumer reads: JSON (a double that is not finite becomes null).
    return JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  });
}

// Valid events, their fields drawn from the document's own patterns.
const isoTime = (fractionDigits: number) =>
  fc
    .tuple(
      fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      fc.integer({ min: 0, max: fractionDigits }),
    )
    .map(([date, offsetMinutes, digits]) => {
      const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
      const fraction = digits === 0 ? '' : `.${local.slice(20, 23).padEnd(digits, '7').slice(0, digits)}`;
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset =
        offsetMinutes === 0
          ? 'Z'
          : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return `${local.slice(0, 19)}${fraction}${offset}`;
    })
    .filter((text) => /^[1-9]/.test(text));
const colour = fc.constantFrom<number | string>(
  ...PLATE_COLOR_CODES,
  ...PLATE_COLOR_CODES.map(String),
  ...PLATE_COLOR_CODES.map((c) => PLATE_COLORS[c]),
);
// A string of only U+FE0E/U+FE0F is empty for the consumer's length rule (validator's isLength).
const text = (min: number, max: number, controlFree = false) =>
  fc
    .string({ unit: 'binary', minLength: min, maxLength: max })
    .filter((s) => (min === 0 || /[^\uFE0E\uFE0F]/u.test(s)) && (!controlFree || !/[\u0000-\u001f\u007f]/.test(s)));
const ID_NUMBERS = [
  '91330500MA2B12345' + creditCodeCheckChar('91330500MA2B12345'),
  '91330500MA2B12345X',
  '91330500MA2B1234IO',
  '33050219800101001' + citizenIdCheckChar('33050219800101001'),
  '33050219800230001' + citizenIdCheckChar('33050219800230001'),
  '330502198001010011',
  '33050219800101001x',
  '',
  null,
];
const withCheck = (first17: fc.Arbitrary<string>, check: (s: string) => string) => first17.map((s) => s + check(s));
const creditCode = withCheck(matching('^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}$'), creditCodeCheckChar);
const citizenId = withCheck(
  fc
    .tuple(
      matching('^[0-9]{6}$'),
      fc.date({ min: new Date('1900-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }),
      matching('^[0-9]{3}$'),
    )
    .map(([region, born, serial]) => `${region}${born.toISOString().slice(0, 10).replace(/-/g, '')}${serial}`),
  citizenIdCheckChar,
);
const ordered =
  <T extends Record<string, unknown>>(from: string, to: string) =>
  (r: T): T => {
    if (
      typeof r[from] === 'string' &&
      typeof r[to] === 'string' &&
      Date.parse(r[from] as string) > Date.parse(r[to] as string)
    )
      return { ...r, [from]: r[to], [to]: r[from] };
    return r;
  };

interface Case {
  topic: string;
  valid: fc.Arbitrary<Record<string, unknown>>;
  paths: Record<string, readonly unknown[]>;
  consumer: (raw: Record<string, unknown>) => { ok: boolean; details: FieldError[] };
}

const outcome = (r: { ok: boolean; details?: FieldError[] }) => ({ ok: r.ok, details: r.ok ? [] : (r.details ?? []) });
const json = (raw: unknown) => Buffer.from(JSON.stringify(raw));

function cases(): Case[] {
  const weigh = schemaOf(TOPIC.weighingEvents);
  const gate = schemaOf(TOPIC.gateDecisions);
  const url = mainPattern(weigh.evidence!.properties!.imageUrls!.items);
  const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
  return [
    {
      topic: TOPIC.weighingEvents,
      valid: fc
        .record(
          {
            eventId: matching(mainPattern(weigh.eventId)),
            source: fc.constantFrom('TOLL_ENTRY', 'WEIGH_STATION', 'MOBILE_UNIT'),
            stationId: fc.tuple(matching('^[0-9]{6}$'), text(0, 26)).map(([a, b]) => a + b),
            laneId: text(1, 16),
            measuredAt: isoTime(9),
            plate: matching(mainPattern(weigh.plate)),
            plateColor: colour,
            axles: fc.integer({ min: 2, max: 12 }),
            combination: fc.boolean(),
            singleDriveAxle: fc.boolean(),
            grossWeightKg: fc.integer({ min: 0, max: 200000 }),
            cargo: fc.constantFrom('LADEN', 'EMPTY', 'UNKNOWN'),
            permitNo: text(1, 64),
            evidence: fc.record(
              {
                imageUrls: fc.array(
                  matching(url).filter((u) => u.length <= 2084),
                  { maxLength: 10 },
                ),
                deviceCertNo: text(0, 64),
              },
              { requiredKeys: ['imageUrls'] },
            ),
          },
          {
            requiredKeys: [
              'eventId',
              'source',
              'stationId',
              'measuredAt',
              'plate',
              'plateColor',
              'axles',
              'grossWeightKg',
              'cargo',
            ],
          },
        )
        .map((e) => (e.singleDriveAxle === true && e.axles < 6 ? { ...e, singleDriveAxle: false } : e)),
      paths: {
        eventId: STRINGS,
        source: STRINGS,
        stationId: STRINGS,
        laneId: STRINGS,
        measuredAt: TIMES,
        plate: PLATES,
        plateColor: COLOURS,
        axles: NUMBERS,
        combination: BOOLEANS,
        singleDriveAxle: BOOLEANS,
        grossWeightKg: NUMBERS,
        cargo: STRINGS,
        permitNo: STRINGS,
        evidence: OBJECTS,
        'evidence.imageUrls': ARRAYS,
        'evidence.imageUrls.0': URLS,
        'evidence.imageUrls.1': URLS,
        'evidence.deviceCertNo': STRINGS,
        'evidence.extra': STRINGS,
      },
      consumer: (raw) => outcome(parseWeighEvent(json(raw), FAR_AHEAD)),
    },
    {
      topic: TOPIC.gateDecisions,
      valid: fc.record(
        {
          decisionId: text(1, 64, true),
          stationId: fc.tuple(matching('^[0-9]{6}$'), text(0, 26, true)).map(([a, b]) => a + b),
          laneId: text(1, 32, true),
          plate: matching(mainPattern(gate.plate)),
          plateColor: fc.constantFrom(...PLATE_COLOR_CODES),
          decision: fc.constantFrom('TURN_BACK', 'ALLOW'),
          reasons: fc.subarray(['OVERLIMIT', 'DISHONESTY_LIST', 'EXEMPT_EMPTY', 'WITHIN_TOLERANCE', 'FAIL_CLOSED']),
          at: isoTime(9),
        },
        { requiredKeys: ['decisionId', 'stationId', 'plate', 'plateColor', 'decision', 'reasons', 'at'] },
      ),
      paths: {
        decisionId: STRINGS,
        stationId: STRINGS,
        laneId: STRINGS,
        plate: PLATES,
        plateColor: COLOURS,
        decision: STRINGS,
        reasons: ARRAYS,
        'reasons.0': STRINGS,
        'reasons.5': STRINGS,
        at: TIMES,
      },
      consumer: (raw) => outcome(parseGateDecision(json(raw))),
    },
    {
      topic: TOPIC.registryStations,
      valid: fc
        .record(
          {
            stationId: fc.tuple(matching('^[0-9]{6}$'), text(0, 26, true)).map(([a, b]) => a + b),
            name: text(1, 100, true),
            divisionCode: fc.constant<string>(''),
            kind: fc.constantFrom('TOLL_ENTRY', 'WEIGH_STATION', 'MOBILE_UNIT'),
            activeFrom: isoTime(9),
            activeTo: isoTime(9),
          },
          { requiredKeys: ['stationId', 'name', 'divisionCode', 'kind'] },
        )
        .map((r) => ordered<typeof r>('activeFrom', 'activeTo')({ ...r, divisionCode: r.stationId.slice(0, 6) })),
      paths: {
        stationId: STRINGS,
        name: STRINGS,
        divisionCode: STRINGS,
        kind: STRINGS,
        activeFrom: TIMES,
        activeTo: TIMES,
      },
      consumer: (raw) => outcome(validateRegistryRecord('stations', raw)),
    },
    {
      topic: TOPIC.registryVehicles,
      valid: fc.record(
        {
          plate: matching(mainPattern(schemaOf(TOPIC.registryVehicles).plate)),
          plateColor: colour,
          owner: fc.oneof(
            fc.record(
              {
                name: text(1, 100, true),
                type: fc.constant('PERSON'),
                idNo: citizenId,
                phone: matching('^[0-9+\\- ]{5,20}$'),
              },
              { requiredKeys: ['name', 'type', 'idNo'] },
            ),
            fc.record(
              {
                name: text(1, 100, true),
                type: fc.constant('COMPANY'),
                idNo: creditCode,
                phone: matching('^[0-9+\\- ]{5,20}$'),
              },
              { requiredKeys: ['name', 'type', 'idNo'] },
            ),
          ),
          operatorId: creditCode,
          transportCertNo: text(1, 32, true),
          certIssuedAt: isoTime(9),
          registrationRegion: matching('^[0-9]{6}$'),
        },
        { requiredKeys: ['plate', 'plateColor', 'owner', 'registrationRegion'] },
      ),
      paths: {
        plate: PLATES,
        plateColor: COLOURS,
        owner: OBJECTS,
        'owner.name': STRINGS,
        'owner.type': ['PERSON', 'COMPANY', 'person', 'ORG', null],
        'owner.idNo': ID_NUMBERS,
        'owner.phone': ['0572-1234567', '+86 138 0000 0000', '1234', '0'.repeat(21), 'tel:1', null],
        'owner.extra': STRINGS,
        operatorId: ID_NUMBERS,
        transportCertNo: STRINGS,
        certIssuedAt: TIMES,
        registrationRegion: ['330502', '33050', '3305021', 'x30502', null],
      },
      consumer: (raw) => outcome(validateRegistryRecord('vehicles', raw)),
    },
    {
      topic: TOPIC.registryPermits,
      valid: fc
        .record(
          {
            permitNo: text(1, 64, true),
            plate: matching(mainPattern(schemaOf(TOPIC.registryPermits).plate)),
            plateColor: colour,
            validFrom: isoTime(9),
            validTo: isoTime(9),
            maxGrossWeightKg: fc.integer({ min: 1, max: 200000 }),
            axles: fc.integer({ min: 2, max: 12 }),
            stationIds: fc.array(text(1, 32, true), { maxLength: 50 }),
            status: fc.constantFrom('ISSUED', 'REVOKED'),
          },
          { requiredKeys: ['permitNo', 'plate', 'plateColor', 'validFrom', 'validTo', 'maxGrossWeightKg', 'status'] },
        )
        .map((r) => ordered<typeof r>('validFrom', 'validTo')(r)),
      paths: {
        permitNo: STRINGS,
        plate: PLATES,
        plateColor: COLOURS,
        validFrom: TIMES,
        validTo: TIMES,
        maxGrossWeightKg: NUMBERS,
        axles: NUMBERS,
        stationIds: ARRAYS,
        'stationIds.0': STRINGS,
        status: STRINGS,
      },
      consumer: (raw) => outcome(validateRegistryRecord('permits', raw)),
    },
    {
      topic: TOPIC.noticeReceipts,
      valid: fc.record({
        receiptId: text(1, 100, true),
        noticeId: matching(uuid),
        channel: fc.constantFrom('SMS', 'POST', 'EMAIL', 'APP'),
        deliveredAt: isoTime(3),
      }),
      paths: { receiptId: STRINGS, noticeId: STRINGS, channel: STRINGS, deliveredAt: TIMES },
      consumer: (raw) => outcome(parseNoticeReceipt(null, json(raw))),
    },
    {
      topic: TOPIC.auditAnchors,
      valid: fc.record({
        slot: isoTime(9),
        seq: matching('^(0|[1-9][0-9]{0,18})$'),
        hash: matching('^[0-9a-f]{64}$'),
        hmac: fc.option(matching('^[0-9a-f]{64}$'), { nil: null }),
        anchoredAt: isoTime(9),
        keyId: matching('^[0-9a-f]{16}$'),
        mac: matching('^[0-9a-f]{64}$'),
      }),
      paths: { slot: TIMES, seq: SEQS, hash: HEX, hmac: HEX, anchoredAt: TIMES, keyId: HEX, mac: HEX },
      consumer: (raw) => outcome(parseAuditAnchor(json(raw))),
    },
  ];
}

describe('conformance: the AsyncAPI schemas (ajv) and the consumers agree on generated events', () => {
  describe.each(cases().map((c) => [c.topic, c] as const))('%s', (_topic, c) => {
    const schema = validator(c.topic);
    /** Refused for a rule no schema can state (named in INEXPRESSIBLE). */
    const inexpressible = (details: FieldError[]) =>
      details.length > 0 && details.every((d) => INEXPRESSIBLE.some((re) => re.test(d.message)));
    const disagreement = (raw: Record<string, unknown>): string | null => {
      const consumer = c.consumer(raw);
      if (!schema(raw) || consumer.ok || inexpressible(consumer.details)) return null;
      return `the schema takes ${JSON.stringify(raw)}, the consumer refuses it: ${JSON.stringify(consumer.details)}`;
    };

    it('valid by the schema ⇒ taken by the consumer, on events built from the document', () => {
      let schemaValid = 0;
      fc.assert(
        fc.property(c.valid, (raw) => {
          const taken = schema(raw);
          if (taken) schemaValid++;
          else
            throw new Error(
              `the generator built an event the schema refuses: ${ajvErrors(schema)} ${JSON.stringify(raw)}`,
            );
          expect(disagreement(raw)).toBeNull();
        }),
        { numRuns: RUNS },
      );
      expect(schemaValid).toBe(RUNS);
    });

    it('refused by the consumer ⇒ refused by the schema, on near-valid and invalid events', () => {
      let refused = 0;
      let taken = 0;
      fc.assert(
        fc.property(nearValid(c.valid, c.paths), (raw) => {
          if (!c.consumer(raw).ok) refused++;
          else taken++;
          expect(disagreement(raw)).toBeNull();
        }),
        { numRuns: RUNS },
      );
      // Both kinds were seen: the property was not vacuous.
      expect(refused).toBeGreaterThan(RUNS / 4);
      expect(taken).toBeGreaterThan(0);
    });
  });
});
