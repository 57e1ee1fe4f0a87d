import fc from 'fast-check';
import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { UNKNOWN_PLATE } from '../plate/plate';
import { classifyWeighing, type WeighingReading } from './classify-weighing';
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
    expect(limitKgFor({ axles: 3 })).toBe(25_000);
    expect(limitKgFor({ axles: 4 })).toBe(31_000);
    expect(limitKgFor({ axles: 5 })).toBe(43_000);
    // Decided in overlimit-limits.ts: a 5-axle vehicle declared not a combination still gets 43,000.
    expect(limitKgFor({ axles: 5, combination: false })).toBe(43_000);
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

  it('property: agrees with the documented table, band, permit and plate rules, worked out independently', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(PLATE, UNKNOWN_PLATE),
        fc.constantFrom(undefined, null, '', '  ', 'ZJ2025-001'),
        // Over the limit by anything, or exactly on an edge: the limit ± 1 kg, the top of the band, 1 kg past it.
        fc.oneof(
          fc.integer({ min: -3000, max: 70_000 }),
          fc.constantFrom(-1, 0, 1, 'band' as const, 'band + 1' as const),
        ),
        (axles, combination, singleDriveAxle, warningBandKg, plate, permitNo, over) => {
          const limitKg = documentedLimitKg(axles, combination, singleDriveAxle);
          const delta = over === 'band' ? warningBandKg : over === 'band + 1' ? warningBandKg + 1 : over;
          const grossWeightKg = Math.max(0, limitKg + delta);
          const overKg = grossWeightKg - limitKg;
          const r = classifyWeighing(
            { plate, axles, combination, singleDriveAxle, grossWeightKg, permitNo },
            { warningBandKg },
          );
          const permit = typeof permitNo === 'string' && permitNo.trim() !== '';
          const classification =
            overKg <= 0
              ? 'COMPLIANT'
              : overKg <= warningBandKg
                ? 'WARNING'
                : permit
                  ? 'EXEMPT_PERMIT'
                  : plate === UNKNOWN_PLATE
                    ? 'UNIDENTIFIED'
                    : 'VIOLATION';
          expect(r).toEqual({
            classification,
            limitKg,
            overKg,
            suggestedFineYuan: classification === 'VIOLATION' ? documentedFineYuan(overKg) : null,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * docs/rules.md §2–5 (62号令 第三条), read row by row; `combination` defaults to axles >= 5. Where the law
 * is silent (overlimit-limits.ts decides): 5 axles get 43,000 and 6+ axles follow the drive axle alone.
 */
function documentedLimitKg(axles: number, combination?: boolean, singleDriveAxle?: boolean): number {
  const isCombination = combination ?? axles >= 5;
  if (axles === 2) return 18_000;
  if (axles === 3) return isCombination ? 27_000 : 25_000;
  if (axles === 4) return isCombination ? 36_000 : 31_000;
  if (axles === 5) return 43_000;
  return singleDriveAxle ? 46_000 : 49_000;
}

/** 62号令 第四十三条: ¥500 for each started 1,000 kg over, at most ¥30,000 (counted, not divided). */
function documentedFineYuan(overKg: number): number {
  let startedTonnes = 0;
  while (startedTonnes * 1000 < overKg) startedTonnes++;
  return Math.min(30_000, 500 * startedTonnes);
}

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
