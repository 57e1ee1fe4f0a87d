import fc from 'fast-check';
import {
  checkPermit,
  hasPermitNo,
  PERMIT_CHECKS,
  type PermitCheck,
  type PermitRecord,
  type PermitUse,
} from './permit-check';

const VEHICLE = '1:浙E12345';
const STATION = '330521001';
const FROM = new Date('2026-06-01T00:00:00+08:00');
const TO = new Date('2026-06-30T23:59:59+08:00');
const AT = new Date('2026-06-15T10:00:00+08:00');

const permit = (extra: Partial<PermitRecord> = {}): PermitRecord => ({
  permitNo: 'ZJ2026-0001',
  vehicleKey: VEHICLE,
  validFrom: FROM,
  validTo: TO,
  maxGrossWeightKg: 60_000,
  axles: null,
  stationIds: null,
  status: 'ISSUED',
  ...extra,
});

const use = (extra: Partial<PermitUse> = {}): PermitUse => ({
  vehicleKey: VEHICLE,
  at: AT,
  grossWeightKg: 55_000,
  axles: 6,
  stationId: STATION,
  ...extra,
});

const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

describe('checkPermit (SPEC §4.2, §4.9; 62号令 第二十七条)', () => {
  it('null when the permit covers this vehicle, this moment, this weight and this station', () => {
    expect(checkPermit(permit(), use())).toBeNull();
  });

  it.each<[string, PermitRecord | null | undefined, Partial<PermitUse>, PermitCheck]>([
    ['no record (null)', null, {}, 'UNKNOWN_PERMIT'],
    ['no record (undefined)', undefined, {}, 'UNKNOWN_PERMIT'],
    ['revoked', permit({ status: 'REVOKED' }), {}, 'REVOKED'],
    ['issued to another plate', permit({ vehicleKey: '1:浙A00001' }), {}, 'OTHER_VEHICLE'],
    ['issued to the same plate of another colour', permit({ vehicleKey: '2:浙E12345' }), {}, 'OTHER_VEHICLE'],
    ['stating another axle count', permit({ axles: 5 }), {}, 'OTHER_VEHICLE'],
    ['before its validity', permit(), { at: ms(FROM, -1) }, 'NOT_VALID_AT_TIME'],
    ['after its validity', permit(), { at: ms(TO, 1) }, 'NOT_VALID_AT_TIME'],
    ['heavier than permitted', permit(), { grossWeightKg: 60_001 }, 'OVER_PERMITTED_WEIGHT'],
    ['at a station off its route', permit({ stationIds: ['330500001', '330522007'] }), {}, 'OFF_ROUTE'],
    ['routed, and the station unknown', permit({ stationIds: [STATION] }), { stationId: null }, 'OFF_ROUTE'],
  ])('%s → %s', (_case, record, extra, expected) => {
    expect(checkPermit(record, use(extra))).toBe(expected);
  });

  it('validity bounds are inclusive, to the millisecond', () => {
    expect(checkPermit(permit(), use({ at: FROM }))).toBeNull();
    expect(checkPermit(permit(), use({ at: TO }))).toBeNull();
    expect(checkPermit(permit(), use({ at: ms(FROM, -1) }))).toBe('NOT_VALID_AT_TIME');
    expect(checkPermit(permit(), use({ at: ms(TO, 1) }))).toBe('NOT_VALID_AT_TIME');
    // A permit valid for one instant covers that instant.
    expect(checkPermit(permit({ validFrom: AT, validTo: AT }), use())).toBeNull();
  });

  it('the permitted weight is a maximum: exactly it is covered', () => {
    expect(checkPermit(permit(), use({ grossWeightKg: 60_000 }))).toBeNull();
    expect(checkPermit(permit(), use({ grossWeightKg: 60_001 }))).toBe('OVER_PERMITTED_WEIGHT');
  });

  it('no route (stationIds null or empty): any station, even an unknown one', () => {
    for (const stationIds of [null, []]) {
      expect(checkPermit(permit({ stationIds }), use())).toBeNull();
      expect(checkPermit(permit({ stationIds }), use({ stationId: '330500999' }))).toBeNull();
      expect(checkPermit(permit({ stationIds }), use({ stationId: null }))).toBeNull();
    }
  });

  it('a route: only its stations, matched exactly', () => {
    const routed = permit({ stationIds: ['330500001', STATION] });
    expect(checkPermit(routed, use())).toBeNull();
    expect(checkPermit(routed, use({ stationId: '330500001' }))).toBeNull();
    expect(checkPermit(routed, use({ stationId: '33052100' }))).toBe('OFF_ROUTE');
    expect(checkPermit(routed, use({ stationId: `${STATION}0` }))).toBe('OFF_ROUTE');
    expect(checkPermit(routed, use({ stationId: '' }))).toBe('OFF_ROUTE');
  });

  it('axles: stated, they must match; not stated, any count', () => {
    for (const axles of [2, 6, 12]) expect(checkPermit(permit({ axles: null }), use({ axles }))).toBeNull();
    expect(checkPermit(permit({ axles: 6 }), use({ axles: 6 }))).toBeNull();
    expect(checkPermit(permit({ axles: 6 }), use({ axles: 5 }))).toBe('OTHER_VEHICLE');
    expect(checkPermit(permit({ axles: 6 }), use({ axles: 7 }))).toBe('OTHER_VEHICLE');
  });

  it('checks in the documented order: the first condition that fails is named', () => {
    // Everything wrong at once.
    const wrong = { vehicleKey: '1:浙A00001', axles: 2, at: ms(TO, 1), grossWeightKg: 90_000, stationId: '330500999' };
    const routed = { stationIds: [STATION], axles: 6 };
    expect(checkPermit(null, use(wrong))).toBe('UNKNOWN_PERMIT');
    expect(checkPermit(permit({ ...routed, status: 'REVOKED' }), use(wrong))).toBe('REVOKED');
    expect(checkPermit(permit(routed), use(wrong))).toBe('OTHER_VEHICLE');
    expect(checkPermit(permit(routed), use({ ...wrong, vehicleKey: VEHICLE }))).toBe('OTHER_VEHICLE');
    expect(checkPermit(permit(routed), use({ ...wrong, vehicleKey: VEHICLE, axles: 6 }))).toBe('NOT_VALID_AT_TIME');
    expect(checkPermit(permit(routed), use({ ...wrong, vehicleKey: VEHICLE, axles: 6, at: AT }))).toBe(
      'OVER_PERMITTED_WEIGHT',
    );
    expect(
      checkPermit(permit(routed), use({ ...wrong, vehicleKey: VEHICLE, axles: 6, at: AT, grossWeightKg: 1 })),
    ).toBe('OFF_ROUTE');
  });

  it('property: the answer is the first failing condition in the order of PERMIT_CHECKS, null when none fails', () => {
    expect(PERMIT_CHECKS).toEqual([
      'UNKNOWN_PERMIT',
      'REVOKED',
      'OTHER_VEHICLE',
      'NOT_VALID_AT_TIME',
      'OVER_PERMITTED_WEIGHT',
      'OFF_ROUTE',
    ]);
    fc.assert(
      fc.property(
        fc.record({
          missing: fc.boolean(),
          revoked: fc.boolean(),
          otherVehicle: fc.constantFrom('no', 'plate', 'axles'),
          time: fc.constantFrom('inside', 'at from', 'at to', 'before', 'after'),
          weight: fc.constantFrom('under', 'equal', 'over'),
          route: fc.constantFrom('none', 'empty', 'on', 'off', 'unknown station'),
        }),
        (c) => {
          const record = c.missing
            ? null
            : permit({
                status: c.revoked ? 'REVOKED' : 'ISSUED',
                axles: c.otherVehicle === 'axles' ? 4 : 6,
                stationIds: c.route === 'none' ? null : c.route === 'empty' ? [] : [STATION, '330500001'],
              });
          const at = { inside: AT, 'at from': FROM, 'at to': TO, before: ms(FROM, -1), after: ms(TO, 1) }[c.time];
          const u = use({
            vehicleKey: c.otherVehicle === 'plate' ? '1:浙A00001' : VEHICLE,
            at,
            grossWeightKg: { under: 40_000, equal: 60_000, over: 60_001 }[c.weight],
            stationId: c.route === 'off' ? '330522007' : c.route === 'unknown station' ? null : STATION,
          });
          const fails: Record<PermitCheck, boolean> = {
            UNKNOWN_PERMIT: c.missing,
            REVOKED: c.revoked,
            OTHER_VEHICLE: c.otherVehicle !== 'no',
            NOT_VALID_AT_TIME: c.time === 'before' || c.time === 'after',
            OVER_PERMITTED_WEIGHT: c.weight === 'over',
            OFF_ROUTE: c.route === 'off' || c.route === 'unknown station',
          };
          expect(checkPermit(record, u)).toBe(PERMIT_CHECKS.find((check) => fails[check]) ?? null);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('hasPermitNo', () => {
  it.each([
    [undefined, false],
    [null, false],
    ['', false],
    ['   ', false],
    ['\t', false],
    ['ZJ2026-0001', true],
    [' ZJ2026-0001 ', true],
  ])('%p → %p', (permitNo, expected) => {
    expect(hasPermitNo(permitNo)).toBe(expected);
  });
});
