import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import fc from 'fast-check';
import { EvidenceDto, WeighEventV1Dto } from './weigh-event.dto';
import { FAST_CHECKED_PROPERTIES, isCertainlyValidWeighEvent } from './weigh-event-fast-check';

/** Each property's decorators, as class-validator stores them. */
function decorators(target: new () => object): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    const constraints = (m.constraints ?? []).map((c: unknown) => (c instanceof RegExp ? c.source : JSON.stringify(c)));
    (out[m.propertyName] ??= []).push(`${m.name ?? m.type}(${constraints.join(',')})${m.each ? '[each]' : ''}`);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const decoratorValid = (raw: object): boolean =>
  validateSync(plainToInstance(WeighEventV1Dto, raw), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  }).length === 0;

const base = {
  eventId: 'st-330500001:0001',
  source: 'TOLL_ENTRY',
  stationId: '330500001',
  laneId: 'L3',
  measuredAt: '2026-11-26T17:59:00+08:00',
  plate: '浙E12345',
  plateColor: 1,
  axles: 6,
  combination: true,
  singleDriveAxle: false,
  grossWeightKg: 52000,
  cargo: 'LADEN',
  permitNo: 'P-1',
  evidence: { imageUrls: ['https://cam.example/1.jpg'], deviceCertNo: 'JJG-1' },
};

// Values around every constraint's edges, of every JSON type, for any field.
const anyValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    2,
    12,
    13,
    199999,
    200000,
    200001,
    '',
    ' ',
    '1',
    '0',
    '11',
    'YELLOW',
    'yellow',
    'TOLL_ENTRY',
    'LADEN',
    'EMPTY',
    '330500',
    '33050',
    'x'.repeat(16),
    'x'.repeat(17),
    'x'.repeat(32),
    'x'.repeat(33),
    'x'.repeat(64),
    'x'.repeat(65),
    '😀'.repeat(16),
    '😀'.repeat(17),
    '2026-11-26T10:00:00Z',
    '2026-11-26T10:00:00',
    '2026-11-26T10:00+08:00',
    '2026-02-30T10:00:00+08:00',
    '2026-11-26T24:00:00Z',
    '浙e·12345',
    '浙E1234挂',
    'UNKNOWN',
    'unknown',
    '京A1234',
    'https://cam.example/1.jpg',
    'ftp://cam.example/1.jpg',
    'https://',
    [],
    ['https://cam.example/1.jpg'],
    ['not a url'],
    {},
    { imageUrls: [] },
    { imageUrls: ['http://localhost/x.jpg'], extra: 1 },
    { imageUrls: Array.from({ length: 11 }, (_, i) => `https://c.example/${i}.jpg`) },
    { imageUrls: ['https://c.example/1.jpg'], deviceCertNo: null },
    { imageUrls: ['https://c.example/1.jpg'], deviceCertNo: 'x'.repeat(65) },
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const field = fc.constantFrom(...Object.keys(base), 'unexpected', 'constructor', '__proto__');
const mutated = fc
  .array(fc.tuple(field, fc.oneof(anyValue, fc.constant(undefined))), { maxLength: 3 })
  .map((changes) => {
    const raw: Record<string, unknown> = JSON.parse(JSON.stringify(base));
    for (const [key, value] of changes) {
      if (value === undefined) delete raw[key];
      else Object.defineProperty(raw, key, { value, enumerable: true, writable: true, configurable: true });
    }
    // What JSON.parse would hand over: the same own properties.
    return JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  });

describe('isCertainlyValidWeighEvent', () => {
  it('checks exactly the decorators of WeighEventV1Dto (update both together)', () => {
    expect(decorators(WeighEventV1Dto)).toEqual({
      eventId: ['isString()', 'matches(^[A-Za-z0-9._:-]{1,64}$,)'],
      source: ['isIn(["TOLL_ENTRY","WEIGH_STATION","MOBILE_UNIT"])'],
      stationId: ['isLength(1,32)', 'isString()', 'matches(^\\d{6},)'],
      laneId: ['isOptional()', 'isString()', 'maxLength(16)', 'minLength(1)'],
      measuredAt: ['isDateTimeWithOffset({"fractionDigits":9})', 'isString()'],
      plate: ['isPlate({"unknown":true})', 'isString()', 'maxLength(32)', 'minLength(1)'],
      plateColor: ['isPlateColor()'],
      axles: ['isInt()', 'max(12)', 'min(2)'],
      combination: ['isBoolean()', 'isOptional()'],
      singleDriveAxle: ['isBoolean()', 'isOptional()', 'requiresAxlesAtLeast(6)'],
      grossWeightKg: ['isInt()', 'max(200000)', 'min(0)'],
      cargo: ['isIn(["LADEN","EMPTY","UNKNOWN"])'],
      permitNo: ['isOptional()', 'isString()', 'maxLength(64)', 'minLength(1)'],
      evidence: ['isObject()', 'isOptional()', 'nestedValidation()'],
    });
    expect(Object.keys(decorators(WeighEventV1Dto)).sort()).toEqual([...FAST_CHECKED_PROPERTIES].sort());
    expect(decorators(EvidenceDto)).toEqual({
      imageUrls: [
        'arrayMaxSize(10)',
        'isArray()',
        'isUrl({"protocols":["http","https"],"require_protocol":true,"require_tld":false})[each]',
      ],
      deviceCertNo: ['isOptional()', 'isString()', 'maxLength(64)'],
    });
  });

  it('accepts a valid event, and one without any optional field', () => {
    expect(isCertainlyValidWeighEvent({ ...base })).toBe(true);
    const { laneId, combination, singleDriveAxle, permitNo, evidence, ...required } = base;
    void [laneId, combination, singleDriveAxle, permitNo, evidence];
    expect(isCertainlyValidWeighEvent(required)).toBe(true);
    expect(isCertainlyValidWeighEvent({ ...base, laneId: null, permitNo: null, evidence: null })).toBe(true);
  });

  it('never calls valid what the decorators refuse', () => {
    fc.assert(
      fc.property(mutated, (raw) => {
        if (isCertainlyValidWeighEvent(raw)) expect(decoratorValid(raw)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes every valid mutation the decorators take, but for class-transformer quirks', () => {
    // plainToInstance drops `constructor` and `__proto__` keys before the whitelist sees them; the fast
    // path refuses them and leaves the verdict to the decorators, which is only slower.
    fc.assert(
      fc.property(
        mutated.filter((raw) => !Object.hasOwn(raw, 'constructor') && !Object.hasOwn(raw, '__proto__')),
        (raw) => {
          if (decoratorValid(raw)) expect(isCertainlyValidWeighEvent(raw)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
