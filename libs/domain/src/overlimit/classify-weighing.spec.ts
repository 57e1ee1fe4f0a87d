import fc from 'fast-check';
import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { UNKNOWN_PLATE } from '../plate/plate';
import { classifyWeighing, measureOverlimit, type WeighingReading } from './classify-weighing';
import { limitKgFor, OVERLIMIT_LIMITS, type AxleConfiguration } from './overlimit-limits';
import { suggestedFineYuanFor } from './suggested-fine';

const rules = { warningBandKg: 1000 };
const PLATE = '浙E12345';

// 62号令 第三条, one row per vehicle kind, with the configuration that selects it.
const TABLE: [string, AxleConfiguration, number][] = [
  ['2 axles', { axles: 2 }, 18_000],
  ['3-axle truck', { axles: 3 }, 25_000],
  ['3-axle truck (explicit)', { axles: 3, combination: false }, 25_000],
  ['3-axle combination', { axles: 3, combination: true }, 27_000],
  ['4-axle truck', { axles: 4 }, 31_000],
  ['4-axle combination', { axles: 4, combination: true }, 36_000],
  ['5 axles (combination by default)', { axles: 5 }, 43_000],
  ['5-axle combination', { axles: 5, combination: true }, 43_000],
  ['6 axles', { axles: 6 }, 49_000],
  ['6 axles, single drive axle', { axles: 6, singleDriveAxle: true }, 46_000],
  ['6 axles, single drive axle false', { axles: 6, singleDriveAxle: false }, 49_000],
  ['7 axles', { axles: 7 }, 49_000],
  ['12 axles, single drive axle', { axles: 12, singleDriveAxle: true }, 46_000],
];

describe('limitKgFor (62号令 第三条)', () => {
  it.each(TABLE)('%s: %j → %i kg', (_case, vehicle, limit) => {
    expect(limitKgFor(vehicle)).toBe(limit);
  });

  it('combination defaults to axles >= 5', () => {
    expect(limitKgFor({ axles: 4 })).toBe(limitKgFor({ axles: 4, combination: false }));
    expect(limitKgFor({ axles: 5 })).toBe(limitKgFor({ axles: 5, combination: true }));
  });

  it('singleDriveAxle only matters from 6 axles', () => {
    expect(limitKgFor({ axles: 5, singleDriveAxle: true })).toBe(43_000);
    expect(limitKgFor({ axles: 4, combination: true, singleDriveAxle: true })).toBe(36_000);
  });

  it('every table row is reachable', () => {
    const reached = new Set(TABLE.map(([, vehicle]) => limitKgFor(vehicle)));
    expect(new Set(OVERLIMIT_LIMITS.map((r) => r.limitKg))).toEqual(reached);
  });

  it.each([0, 1, 2.5, NaN])('rejects %p axles', (axles) => {
    expect(() => limitKgFor({ axles })).toThrow(DomainError);
    try {
      limitKgFor({ axles });
    } catch (e) {
      expect((e as DomainError).code).toBe(DomainErrorCode.INVALID_ARGUMENT);
    }
  });
});

describe('classifyWeighing (§4.2)', () => {
  const reading = (vehicle: AxleConfiguration, grossWeightKg: number, extra: Partial<WeighingReading> = {}) => ({
    plate: PLATE,
    ...vehicle,
    grossWeightKg,
    ...extra,
  });

  describe.each(TABLE)('%s', (_case, vehicle, limit) => {
    it.each([
      [-1, 'COMPLIANT', null],
      [0, 'COMPLIANT', null],
      [1, 'WARNING', null],
      [1000, 'WARNING', null],
      [1001, 'VIOLATION', 1000],
      [2000, 'VIOLATION', 1000],
      [2001, 'VIOLATION', 1500],
    ] as const)('limit %+i kg → %s, fine %p', (delta, classification, fine) => {
      expect(classifyWeighing(reading(vehicle, limit + delta), rules)).toEqual({
        classification,
        limitKg: limit,
        overKg: delta,
        suggestedFineYuan: fine,
      });
    });
  });

  it('overKg is negative under the limit', () => {
    expect(classifyWeighing(reading({ axles: 2 }, 10_000), rules).overKg).toBe(-8_000);
  });

  it.each([
    ['permit, violation', { permitNo: 'ZJ2025-001' }, 30_000, 'EXEMPT_PERMIT'],
    ['blank permit is no permit', { permitNo: '  ' }, 30_000, 'VIOLATION'],
    ['null permit', { permitNo: null }, 30_000, 'VIOLATION'],
    ['permit, warning stays warning', { permitNo: 'ZJ2025-001' }, 18_500, 'WARNING'],
    ['permit, compliant', { permitNo: 'ZJ2025-001' }, 18_000, 'COMPLIANT'],
    ['unknown plate, violation', { plate: UNKNOWN_PLATE }, 30_000, 'UNIDENTIFIED'],
    ['unknown plate, warning stays warning', { plate: UNKNOWN_PLATE }, 19_000, 'WARNING'],
    ['unknown plate, compliant', { plate: UNKNOWN_PLATE }, 1_000, 'COMPLIANT'],
    ['unknown plate and permit: permit wins', { plate: UNKNOWN_PLATE, permitNo: 'P1' }, 30_000, 'EXEMPT_PERMIT'],
  ] as const)('%s', (_case, extra, gross, classification) => {
    const result = classifyWeighing(reading({ axles: 2 }, gross, extra), rules);
    expect(result.classification).toBe(classification);
    expect(result.suggestedFineYuan).toBe(classification === 'VIOLATION' ? 6000 : null);
    expect(result.overKg).toBe(gross - 18_000);
  });

  it('uses the configured warning band', () => {
    expect(classifyWeighing(reading({ axles: 2 }, 18_500), { warningBandKg: 0 }).classification).toBe('VIOLATION');
    expect(classifyWeighing(reading({ axles: 2 }, 20_000), { warningBandKg: 2000 }).classification).toBe('WARNING');
  });

  it('rejects a negative weight', () => {
    expect(() => classifyWeighing(reading({ axles: 2 }, -1), rules)).toThrow(DomainError);
  });

  it('property: classification follows overKg; only violations carry a fine', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.integer({ min: 0, max: 200_000 }),
        (axles, combination, singleDriveAxle, grossWeightKg) => {
          const r = classifyWeighing({ plate: PLATE, axles, combination, singleDriveAxle, grossWeightKg }, rules);
          const m = measureOverlimit({ axles, combination, singleDriveAxle, grossWeightKg }, rules);
          expect(r.limitKg).toBe(m.limitKg);
          expect(r.overKg).toBe(grossWeightKg - r.limitKg);
          expect(r.classification === 'VIOLATION').toBe(r.overKg > 1000);
          expect(r.classification === 'WARNING').toBe(r.overKg > 0 && r.overKg <= 1000);
          expect(r.suggestedFineYuan !== null).toBe(r.classification === 'VIOLATION');
          if (r.suggestedFineYuan !== null) {
            expect(r.suggestedFineYuan).toBeGreaterThanOrEqual(1000);
            expect(r.suggestedFineYuan).toBeLessThanOrEqual(30_000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('suggestedFineYuanFor (62号令 第四十三条)', () => {
  it.each([
    [-5, 0],
    [0, 0],
    [1, 500],
    [999, 500],
    [1000, 500],
    [1001, 1000],
    [2000, 1000],
    [2001, 1500],
    [59_000, 29_500],
    [59_001, 30_000],
    [60_000, 30_000],
    [182_000, 30_000],
    [1e9, 30_000],
  ])('%i kg over → ¥%i', (overKg, fine) => {
    expect(suggestedFineYuanFor(overKg)).toBe(fine);
  });
});
