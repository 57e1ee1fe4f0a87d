import fc from 'fast-check';
import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { UNKNOWN_PLATE } from '../plate/plate';
import type { PermitCheck, PermitRecord } from '../registry/permit-check';
import {
  classifyWeighing,
  isCountedClassification,
  permitCanMatter,
  WEIGHING_CLASSIFICATIONS,
  type OverlimitRules,
  type WeighingClassification,
  type WeighingReading,
} from './classify-weighing';
import { limitKgFor, OVERLIMIT_LIMITS, type AxleConfiguration } from './overlimit-limits';
import { suggestedFineYuanFor } from './suggested-fine';

const rules: OverlimitRules = { warningBandKg: 1000, entryTolerancePercent: 5 };
const PLATE = '浙E12345';
const VEHICLE = `1:${PLATE}`;
const STATION = '330521001';
const AT = new Date('2026-06-01T10:00:00+08:00');
const SOURCES = ['TOLL_ENTRY', 'WEIGH_STATION', 'MOBILE_UNIT'] as const;

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

// 交办公路明电〔2019〕117号: 5 % of each limit, in kg, worked out by hand.
const TOLERANCE_KG: Record<number, number> = {
  18_000: 900,
  25_000: 1250,
  27_000: 1350,
  31_000: 1550,
  36_000: 1800,
  43_000: 2150,
  46_000: 2300,
  49_000: 2450,
};

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

const reading = (
  vehicle: AxleConfiguration,
  grossWeightKg: number,
  extra: Partial<WeighingReading> = {},
): WeighingReading => ({
  plate: PLATE,
  vehicleKey: VEHICLE,
  source: 'WEIGH_STATION',
  stationId: STATION,
  measuredAt: AT,
  ...vehicle,
  grossWeightKg,
  ...extra,
});

/** A permit issued to this vehicle for June 2026, up to 60 t, any station. */
const permit = (extra: Partial<PermitRecord> = {}): PermitRecord => ({
  permitNo: 'ZJ2026-0001',
  vehicleKey: VEHICLE,
  validFrom: new Date('2026-06-01T00:00:00+08:00'),
  validTo: new Date('2026-06-30T23:59:59+08:00'),
  maxGrossWeightKg: 60_000,
  axles: null,
  stationIds: null,
  status: 'ISSUED',
  ...extra,
});

describe('classifyWeighing (SPEC §4.2)', () => {
  describe.each(TABLE)('%s', (_case, vehicle, limit) => {
    const tolerance = TOLERANCE_KG[limit];

    it.each(['WEIGH_STATION', 'MOBILE_UNIT'])('%s: no entry tolerance, the band from the limit', (source) => {
      const at = (delta: number) => classifyWeighing(reading(vehicle, limit + delta, { source }), rules);
      for (const [delta, classification, fine] of [
        [-1, 'COMPLIANT', null],
        [0, 'COMPLIANT', null],
        [1, 'WARNING', null],
        [1000, 'WARNING', null],
        [1001, 'VIOLATION', 1000],
        [2000, 'VIOLATION', 1000],
        [2001, 'VIOLATION', 1500],
      ] as const) {
        expect(at(delta)).toEqual({
          classification,
          limitKg: limit,
          overKg: delta,
          suggestedFineYuan: fine,
          permitCheck: null,
        });
      }
      // Exactly at 105 % of the limit: tolerated at a toll entrance only.
      expect(at(tolerance).classification).toBe(tolerance <= 1000 ? 'WARNING' : 'VIOLATION');
    });

    it(`TOLL_ENTRY: TOLERATED from 1 kg to exactly 5 % over (${tolerance} kg), never counted`, () => {
      const at = (delta: number) => classifyWeighing(reading(vehicle, limit + delta, { source: 'TOLL_ENTRY' }), rules);
      expect(at(0).classification).toBe('COMPLIANT');
      for (const delta of [1, Math.floor(tolerance / 2), tolerance - 1, tolerance]) {
        expect(at(delta)).toEqual({
          classification: 'TOLERATED',
          limitKg: limit,
          overKg: delta,
          suggestedFineYuan: null,
          permitCheck: null,
        });
      }
      expect(isCountedClassification(at(tolerance).classification)).toBe(false);
    });

    it('TOLL_ENTRY: 1 kg above the tolerance, the band and the violation rule apply as for every source', () => {
      const r = classifyWeighing(reading(vehicle, limit + tolerance + 1, { source: 'TOLL_ENTRY' }), rules);
      if (tolerance + 1 <= 1000) {
        expect(r).toEqual({
          classification: 'WARNING',
          limitKg: limit,
          overKg: tolerance + 1,
          suggestedFineYuan: null,
          permitCheck: null,
        });
      } else {
        expect(r).toEqual({
          classification: 'VIOLATION',
          limitKg: limit,
          overKg: tolerance + 1,
          suggestedFineYuan: 500 * Math.ceil((tolerance + 1) / 1000),
          permitCheck: null,
        });
      }
    });
  });

  it('TOLL_ENTRY with a tolerance under the band: the warning band above it, up to 1,000 kg over', () => {
    // 2 axles: 5 % of 18,000 is 900 kg.
    const at = (gross: number) => classifyWeighing(reading({ axles: 2 }, gross, { source: 'TOLL_ENTRY' }), rules);
    expect(at(18_900).classification).toBe('TOLERATED');
    expect(at(18_901).classification).toBe('WARNING');
    expect(at(19_000).classification).toBe('WARNING');
    expect(at(19_001).classification).toBe('VIOLATION');
    // 2 % of 49,000 is 980 kg.
    const two = { ...rules, entryTolerancePercent: 2 };
    const six = (gross: number) => classifyWeighing(reading({ axles: 6 }, gross, { source: 'TOLL_ENTRY' }), two);
    expect(six(49_980).classification).toBe('TOLERATED');
    expect(six(49_981).classification).toBe('WARNING');
    expect(six(50_000).classification).toBe('WARNING');
    expect(six(50_001).classification).toBe('VIOLATION');
  });

  it('ENTRY_TOLERANCE_PERCENT = 0: a toll entry is classified like every other source', () => {
    const zero = { ...rules, entryTolerancePercent: 0 };
    for (const source of SOURCES) {
      const at = (gross: number) => classifyWeighing(reading({ axles: 6 }, gross, { source }), zero).classification;
      expect([at(49_000), at(49_001), at(50_000), at(50_001)]).toEqual([
        'COMPLIANT',
        'WARNING',
        'WARNING',
        'VIOLATION',
      ]);
    }
  });

  it('a tolerated weighing stays TOLERATED whatever permitNo it carries, and is not checked', () => {
    for (const [permitNo, record] of [
      ['ZJ2026-0001', null],
      ['ZJ2026-0001', permit({ status: 'REVOKED' })],
      ['ZJ2026-0001', permit()],
    ] as const) {
      const r = classifyWeighing(reading({ axles: 6 }, 51_000, { source: 'TOLL_ENTRY', permitNo }), rules, record);
      expect(r).toEqual({
        classification: 'TOLERATED',
        limitKg: 49_000,
        overKg: 2000,
        suggestedFineYuan: null,
        permitCheck: null,
      });
    }
  });

  it('overKg is negative under the limit', () => {
    expect(classifyWeighing(reading({ axles: 2 }, 10_000), rules).overKg).toBe(-8_000);
  });

  it('uses the configured warning band', () => {
    expect(classifyWeighing(reading({ axles: 2 }, 18_500), { ...rules, warningBandKg: 0 }).classification).toBe(
      'VIOLATION',
    );
    expect(classifyWeighing(reading({ axles: 2 }, 20_000), { ...rules, warningBandKg: 2000 }).classification).toBe(
      'WARNING',
    );
  });

  it('rejects a negative weight', () => {
    expect(() => classifyWeighing(reading({ axles: 2 }, -1), rules)).toThrow(DomainError);
  });

  describe('permits, checked (62号令 第二十七条)', () => {
    // 2 axles at 30,000 kg: 12,000 kg over, beyond the band; fine ¥6,000.
    const violation = (extra: Partial<WeighingReading>, record: PermitRecord | null) =>
      classifyWeighing(reading({ axles: 2 }, 30_000, { permitNo: 'ZJ2026-0001', ...extra }), rules, record);

    it('EXEMPT_PERMIT with the registry record that covers this vehicle, moment, weight and station', () => {
      for (const record of [
        permit(),
        permit({ axles: 2 }),
        permit({ stationIds: [STATION] }),
        permit({ stationIds: ['330500001', STATION] }),
        permit({ stationIds: [] }),
        permit({ maxGrossWeightKg: 30_000 }),
        permit({ validFrom: AT }),
        permit({ validTo: AT }),
      ]) {
        expect(violation({}, record)).toEqual({
          classification: 'EXEMPT_PERMIT',
          limitKg: 18_000,
          overKg: 12_000,
          suggestedFineYuan: null,
          permitCheck: null,
        });
      }
      for (const source of SOURCES) expect(violation({ source }, permit()).classification).toBe('EXEMPT_PERMIT');
      expect(isCountedClassification('EXEMPT_PERMIT')).toBe(false);
    });

    it.each<[string, Partial<WeighingReading>, PermitRecord | null, PermitCheck]>([
      ['the registry has no such permit', {}, null, 'UNKNOWN_PERMIT'],
      ['the permit was revoked', {}, permit({ status: 'REVOKED' }), 'REVOKED'],
      ['the permit names another plate', {}, permit({ vehicleKey: '1:浙A00001' }), 'OTHER_VEHICLE'],
      ['the permit names another plate colour', {}, permit({ vehicleKey: `2:${PLATE}` }), 'OTHER_VEHICLE'],
      ['the permit states other axles', {}, permit({ axles: 6 }), 'OTHER_VEHICLE'],
      [
        'the permit starts after the weighing',
        {},
        permit({ validFrom: new Date(AT.getTime() + 1) }),
        'NOT_VALID_AT_TIME',
      ],
      [
        'the permit ended before the weighing',
        {},
        permit({ validTo: new Date(AT.getTime() - 1) }),
        'NOT_VALID_AT_TIME',
      ],
      ['heavier than permitted', {}, permit({ maxGrossWeightKg: 29_999 }), 'OVER_PERMITTED_WEIGHT'],
      ['at a station off the permitted route', {}, permit({ stationIds: ['330500001'] }), 'OFF_ROUTE'],
    ])('VIOLATION when %s: permitCheck %s, shown to staff, counted', (_case, extra, record, permitCheck) => {
      const r = violation(extra, record);
      expect(r).toEqual({
        classification: 'VIOLATION',
        limitKg: 18_000,
        overKg: 12_000,
        suggestedFineYuan: 6000,
        permitCheck,
      });
      expect(isCountedClassification(r.classification)).toBe(true);
    });

    it('no permitNo on the weighing: a record passed along is not its permit, no permitCheck', () => {
      for (const permitNo of [undefined, null, '', '   ']) {
        expect(violation({ permitNo }, permit())).toEqual({
          classification: 'VIOLATION',
          limitKg: 18_000,
          overKg: 12_000,
          suggestedFineYuan: 6000,
          permitCheck: null,
        });
      }
    });

    it('the permit record is the only evidence: a permitNo alone never exempts', () => {
      expect(violation({}, null).classification).toBe('VIOLATION');
      expect(classifyWeighing(reading({ axles: 2 }, 30_000, { permitNo: 'ZJ2026-0001' }), rules).classification).toBe(
        'VIOLATION',
      );
    });

    it('UNKNOWN plate: UNIDENTIFIED whatever the permit (a permit names a registered vehicle), no permitCheck', () => {
      const unknown = { plate: UNKNOWN_PLATE, vehicleKey: `1:${UNKNOWN_PLATE}` };
      for (const [permitNo, record] of [
        [undefined, null],
        ['ZJ2026-0001', null],
        ['ZJ2026-0001', permit()],
        ['ZJ2026-0001', permit({ status: 'REVOKED' })],
      ] as const) {
        expect(violation({ ...unknown, permitNo }, record)).toEqual({
          classification: 'UNIDENTIFIED',
          limitKg: 18_000,
          overKg: 12_000,
          suggestedFineYuan: null,
          permitCheck: null,
        });
      }
      expect(isCountedClassification('UNIDENTIFIED')).toBe(false);
    });

    it('UNKNOWN plate within the limit or the band stays COMPLIANT or WARNING', () => {
      const unknown = { plate: UNKNOWN_PLATE, vehicleKey: `1:${UNKNOWN_PLATE}` };
      expect(classifyWeighing(reading({ axles: 2 }, 1_000, unknown), rules).classification).toBe('COMPLIANT');
      expect(classifyWeighing(reading({ axles: 2 }, 19_000, unknown), rules).classification).toBe('WARNING');
    });

    it('no permitCheck on a WARNING or a COMPLIANT weighing, whatever its permit', () => {
      for (const record of [null, permit(), permit({ status: 'REVOKED' }), permit({ vehicleKey: '1:浙A00001' })]) {
        for (const [gross, classification] of [
          [18_000, 'COMPLIANT'],
          [18_500, 'WARNING'],
          [19_000, 'WARNING'],
        ] as const) {
          expect(classifyWeighing(reading({ axles: 2 }, gross, { permitNo: 'ZJ2026-0001' }), rules, record)).toEqual({
            classification,
            limitKg: 18_000,
            overKg: gross - 18_000,
            suggestedFineYuan: null,
            permitCheck: null,
          });
        }
      }
    });

    it('a permit can change only a weighing beyond the band', () => {
      expect(WEIGHING_CLASSIFICATIONS.filter(permitCanMatter)).toEqual(['VIOLATION', 'EXEMPT_PERMIT']);
      expect(WEIGHING_CLASSIFICATIONS.filter(isCountedClassification)).toEqual(['VIOLATION']);
    });
  });

  it('property: agrees with the documented table, tolerance, band, permit and plate rules, worked out independently', () => {
    const otherVehicle = '1:浙A00001';
    const arb = fc
      .record({
        axles: fc.integer({ min: 2, max: 12 }),
        combination: fc.option(fc.boolean(), { nil: undefined }),
        singleDriveAxle: fc.option(fc.boolean(), { nil: undefined }),
        warningBandKg: fc.integer({ min: 0, max: 3000 }),
        entryTolerancePercent: fc.oneof(fc.constantFrom(0, 5), fc.integer({ min: 0, max: 100 })),
        source: fc.constantFrom(...SOURCES),
        plate: fc.constantFrom(PLATE, PLATE, PLATE, PLATE, UNKNOWN_PLATE),
        permitNo: fc.constantFrom(undefined, null, '', '  ', 'ZJ2026-0001', 'ZJ2026-0001'),
        // Over the limit by anything, or exactly on an edge: the limit, the top of the tolerance and of the
        // band, 1 kg past each.
        over: fc.oneof(
          fc.integer({ min: -3000, max: 70_000 }),
          fc.constantFrom(0, 1, 'band' as const, 'band + 1' as const, 'tolerance' as const, 'tolerance + 1' as const),
        ),
        record: fc.option(
          fc.record({
            // Each condition mostly holds, so that the later ones in the order are reached too.
            vehicle: fc.constantFrom('same', 'same', 'same', 'same', 'same', 'other plate', 'other colour'),
            // The validity bounds exactly at the weighing's instant, 1 ms either side, or far.
            fromOffsetMs: fc.constantFrom(-86_400_000, -86_400_000, -86_400_000, -1, 0, 1),
            toOffsetMs: fc.constantFrom(86_400_000, 86_400_000, 86_400_000, 1, 0, -1),
            // The permitted weight exactly the reading, 1 kg either side, or far above.
            weightOffsetKg: fc.constantFrom(50_000, 50_000, 50_000, 1, 0, -1, -1000),
            axles: fc.constantFrom('none', 'none', 'same', 'same', 'other'),
            route: fc.constantFrom('none', 'empty', 'this station', 'with this station', 'elsewhere', 'elsewhere'),
            status: fc.constantFrom('ISSUED', 'ISSUED', 'ISSUED', 'ISSUED', 'REVOKED'),
          }),
          { nil: null },
        ),
      })
      .map((g) => {
        const limitKg = documentedLimitKg(g.axles, g.combination, g.singleDriveAxle);
        // Tolerance top per 117号: not above limit × (100 + pct) / 100; limits are multiples of 1,000 kg.
        const toleranceKg = (limitKg * g.entryTolerancePercent) / 100;
        const delta =
          g.over === 'band'
            ? g.warningBandKg
            : g.over === 'band + 1'
              ? g.warningBandKg + 1
              : g.over === 'tolerance'
                ? toleranceKg
                : g.over === 'tolerance + 1'
                  ? toleranceKg + 1
                  : g.over;
        const grossWeightKg = Math.max(0, limitKg + delta);
        const r: WeighingReading = {
          plate: g.plate,
          vehicleKey: `1:${g.plate}`,
          source: g.source,
          stationId: STATION,
          measuredAt: AT,
          axles: g.axles,
          combination: g.combination,
          singleDriveAxle: g.singleDriveAxle,
          grossWeightKg,
          permitNo: g.permitNo,
        };
        const p = g.record;
        const record: PermitRecord | null = p && {
          permitNo: 'ZJ2026-0001',
          vehicleKey: p.vehicle === 'same' ? VEHICLE : p.vehicle === 'other plate' ? otherVehicle : `2:${PLATE}`,
          validFrom: new Date(AT.getTime() + p.fromOffsetMs),
          validTo: new Date(AT.getTime() + p.toOffsetMs),
          maxGrossWeightKg: Math.max(1, grossWeightKg + p.weightOffsetKg),
          axles: p.axles === 'none' ? null : p.axles === 'same' ? g.axles : g.axles === 2 ? 3 : 2,
          stationIds: {
            none: null,
            empty: [],
            'this station': [STATION],
            'with this station': ['330500001', STATION],
            elsewhere: ['330500001', '330522007'],
          }[p.route],
          status: p.status as PermitRecord['status'],
        };
        return {
          g,
          limitKg,
          reading: r,
          record,
          rules: { warningBandKg: g.warningBandKg, entryTolerancePercent: g.entryTolerancePercent },
        };
      });

    const seen = new Map<string, number>();
    fc.assert(
      fc.property(arb, ({ g, limitKg, reading: r, record, rules: configured }) => {
        const overKg = r.grossWeightKg - limitKg;
        const hasPermitNo = typeof r.permitNo === 'string' && r.permitNo.trim() !== '';
        const failed = hasPermitNo ? documentedPermitFailure(record, r) : null;
        let classification: WeighingClassification;
        if (overKg <= 0) classification = 'COMPLIANT';
        else if (g.source === 'TOLL_ENTRY' && r.grossWeightKg * 100 <= limitKg * (100 + g.entryTolerancePercent))
          classification = 'TOLERATED';
        else if (overKg <= g.warningBandKg) classification = 'WARNING';
        else if (hasPermitNo && failed === null) classification = 'EXEMPT_PERMIT';
        else if (g.plate === UNKNOWN_PLATE) classification = 'UNIDENTIFIED';
        else classification = 'VIOLATION';
        const key = classification === 'VIOLATION' && failed ? `VIOLATION ${failed}` : classification;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect(classifyWeighing(r, configured, record)).toEqual({
          classification,
          limitKg,
          overKg,
          suggestedFineYuan: classification === 'VIOLATION' ? documentedFineYuan(overKg) : null,
          permitCheck: classification === 'VIOLATION' ? failed : null,
        });
      }),
      { numRuns: 3000 },
    );
    // Every classification and every permit outcome on a violation was among the compared cases.
    const expectedKeys = [
      ...WEIGHING_CLASSIFICATIONS,
      ...['UNKNOWN_PERMIT', 'REVOKED', 'OTHER_VEHICLE', 'NOT_VALID_AT_TIME', 'OVER_PERMITTED_WEIGHT', 'OFF_ROUTE'].map(
        (c) => `VIOLATION ${c}`,
      ),
    ];
    expect(expectedKeys.filter((k) => (seen.get(k) ?? 0) < 5)).toEqual([]);
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

/**
 * SPEC §4.2 and §4.9: the permit exempts only when the registry has it, not revoked, for this vehicle (and
 * its stated axle count), valid at measuredAt (both ends included), this weight not above its permitted
 * weight, and — when it names stations — at one of them. The first condition that fails, in that order.
 */
function documentedPermitFailure(record: PermitRecord | null, r: WeighingReading): PermitCheck | null {
  const conditions: [PermitCheck, (p: PermitRecord) => boolean][] = [
    ['REVOKED', (p) => p.status === 'ISSUED'],
    ['OTHER_VEHICLE', (p) => p.vehicleKey === r.vehicleKey && (p.axles === null || p.axles === r.axles)],
    ['NOT_VALID_AT_TIME', (p) => p.validFrom <= r.measuredAt && r.measuredAt <= p.validTo],
    ['OVER_PERMITTED_WEIGHT', (p) => r.grossWeightKg <= p.maxGrossWeightKg],
    ['OFF_ROUTE', (p) => p.stationIds === null || p.stationIds.length === 0 || p.stationIds.includes(r.stationId)],
  ];
  if (record === null) return 'UNKNOWN_PERMIT';
  for (const [check, holds] of conditions) if (!holds(record)) return check;
  return null;
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
