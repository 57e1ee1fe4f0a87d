import fc from 'fast-check';
import { limitRowFor, OVERLIMIT_LIMITS, type AxleConfiguration } from '../overlimit/overlimit-limits';
import { decideGate, GATE_REASONS, type Cargo, type GateInput, type GateReason } from './gate-decision';

const rules = { warningBandKg: 1000, entryTolerancePercent: 5 };

// One configuration per row of the limit table (62号令 第三条第一款第(四)至(八)项), with SPEC §4.2's limit.
const AXLE_CLASSES: [string, AxleConfiguration, number][] = [
  ['2 axles', { axles: 2 }, 18_000],
  ['3-axle truck', { axles: 3 }, 25_000],
  ['3-axle combination', { axles: 3, combination: true }, 27_000],
  ['4-axle truck', { axles: 4 }, 31_000],
  ['4-axle combination', { axles: 4, combination: true }, 36_000],
  ['5 axles', { axles: 5 }, 43_000],
  ['6 axles, single drive axle', { axles: 6, singleDriveAxle: true }, 46_000],
  ['6+ axles', { axles: 6 }, 49_000],
  ['12 axles', { axles: 12 }, 49_000],
];

/** 交办公路明电〔2019〕117号: not above 105 % of the limit (integer kg, every limit is a multiple of 100). */
const atTolerance = (limitKg: number) => (limitKg * 105) / 100;

const notListed = { cargo: 'LADEN' as Cargo, activeListing: false, permitCovers: false };

describe('decideGate (SPEC §4.6)', () => {
  it('the classes below cover every row of the limit table', () => {
    expect(new Set(AXLE_CLASSES.map(([, vehicle]) => limitRowFor(vehicle)))).toEqual(new Set(OVERLIMIT_LIMITS));
  });

  describe.each(AXLE_CLASSES)('entry tolerance, %s', (_name, vehicle, limitKg) => {
    const at = (grossWeightKg: number, extra: Partial<GateInput> = {}) =>
      decideGate({ ...notListed, reading: { ...vehicle, grossWeightKg }, ...extra }, rules);

    it('exactly the limit: ALLOW without a reason', () => {
      expect(at(limitKg)).toEqual({ decision: 'ALLOW', reasons: [], overKg: 0 });
    });

    it('1 kg over the limit: ALLOW, WITHIN_TOLERANCE', () => {
      expect(at(limitKg + 1)).toEqual({ decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'], overKg: 1 });
    });

    it('limit × 1.05: ALLOW, WITHIN_TOLERANCE', () => {
      const gross = atTolerance(limitKg);
      expect(at(gross)).toEqual({ decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'], overKg: gross - limitKg });
    });

    it('limit × 1.05 + 1 kg: TURN_BACK, OVERLIMIT (62号令 第三十九条)', () => {
      const gross = atTolerance(limitKg) + 1;
      expect(at(gross)).toEqual({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'], overKg: gross - limitKg });
    });

    it('a covering permit ALLOWs beyond the tolerance, however far', () => {
      for (const gross of [atTolerance(limitKg) + 1, limitKg * 2, 200_000]) {
        expect(at(gross, { permitCovers: true })).toEqual({ decision: 'ALLOW', reasons: [], overKg: gross - limitKg });
      }
    });

    it('a permitNo that does not cover (permitCovers false) turns back as if there were none', () => {
      const gross = atTolerance(limitKg) + 1;
      const reading = { ...vehicle, grossWeightKg: gross, permitNo: 'ZJ2026-0001' };
      expect(decideGate({ ...notListed, reading }, rules).decision).toBe('TURN_BACK');
    });
  });

  it('the tolerance is the configured percentage (ENTRY_TOLERANCE_PERCENT)', () => {
    const reading = (grossWeightKg: number) => ({ ...notListed, reading: { axles: 6, grossWeightKg } });
    // 2 % of 49,000 = 980 kg.
    expect(decideGate(reading(49_980), { ...rules, entryTolerancePercent: 2 }).reasons).toEqual(['WITHIN_TOLERANCE']);
    expect(decideGate(reading(49_981), { ...rules, entryTolerancePercent: 2 }).reasons).toEqual(['OVERLIMIT']);
    // 0 %: every kilogram over the limit turns back.
    expect(decideGate(reading(49_001), { ...rules, entryTolerancePercent: 0 }).reasons).toEqual(['OVERLIMIT']);
    expect(decideGate(reading(49_000), { ...rules, entryTolerancePercent: 0 })).toEqual({
      decision: 'ALLOW',
      reasons: [],
      overKg: 0,
    });
  });

  it('the 1,000 kg warning band plays no part at the gate', () => {
    // 2 axles: 5 % is 900 kg, under the band: 901 kg over turns back although it is only a WARNING when stored.
    const input = { ...notListed, reading: { axles: 2, grossWeightKg: 18_901 } };
    expect(decideGate(input, rules).reasons).toEqual(['OVERLIMIT']);
    expect(decideGate(input, { ...rules, warningBandKg: 5000 }).reasons).toEqual(['OVERLIMIT']);
    // 6 axles: 5 % is 2,450 kg, beyond the band: 2,000 kg over is let through.
    expect(decideGate({ ...notListed, reading: { axles: 6, grossWeightKg: 51_000 } }, rules).reasons).toEqual([
      'WITHIN_TOLERANCE',
    ]);
  });

  // 2 axles: limit 18,000 kg, tolerance 900 kg.
  const compliant = { axles: 2, grossWeightKg: 18_000 };
  const tolerated = { axles: 2, grossWeightKg: 18_900 };
  const overlimit = { axles: 2, grossWeightKg: 18_901 };

  it.each<[string, GateInput, string, GateReason[], number | null]>([
    ['no reading, not listed', { ...notListed }, 'ALLOW', [], null],
    ['empty, no reading, not listed', { ...notListed, cargo: 'EMPTY' }, 'ALLOW', [], null],
    ['compliant reading', { ...notListed, reading: compliant }, 'ALLOW', [], 0],
    ['under the limit', { ...notListed, reading: { axles: 2, grossWeightKg: 5_000 } }, 'ALLOW', [], -13_000],
    ['listed, laden, no reading', { ...notListed, activeListing: true }, 'TURN_BACK', ['DISHONESTY_LIST'], null],
    [
      'listed, cargo UNKNOWN (treated as laden)',
      { ...notListed, cargo: 'UNKNOWN', activeListing: true },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      null,
    ],
    ['listed, empty', { ...notListed, cargo: 'EMPTY', activeListing: true }, 'ALLOW', ['EXEMPT_EMPTY'], null],
    // Rule 1 before rule 2 and 3: an overlimit vehicle is turned back for the overlimit, listed or not, empty or not.
    [
      'overlimit beats the list',
      { ...notListed, activeListing: true, reading: overlimit },
      'TURN_BACK',
      ['OVERLIMIT'],
      901,
    ],
    [
      'overlimit beats the empty exemption',
      { ...notListed, cargo: 'EMPTY', activeListing: true, reading: overlimit },
      'TURN_BACK',
      ['OVERLIMIT'],
      901,
    ],
    [
      'overlimit, empty, not listed',
      { ...notListed, cargo: 'EMPTY', reading: overlimit },
      'TURN_BACK',
      ['OVERLIMIT'],
      901,
    ],
    // Rules 2 and 3 before rule 4.
    [
      'listed, laden, within tolerance',
      { ...notListed, activeListing: true, reading: tolerated },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      900,
    ],
    [
      'listed, empty, within tolerance',
      { ...notListed, cargo: 'EMPTY', activeListing: true, reading: tolerated },
      'ALLOW',
      ['EXEMPT_EMPTY'],
      900,
    ],
    [
      'listed, empty, compliant',
      { ...notListed, cargo: 'EMPTY', activeListing: true, reading: compliant },
      'ALLOW',
      ['EXEMPT_EMPTY'],
      0,
    ],
    ['not listed, within tolerance', { ...notListed, reading: tolerated }, 'ALLOW', ['WITHIN_TOLERANCE'], 900],
    // A covering permit lifts rule 1 only: the list still turns a laden truck back.
    [
      'covering permit, listed, laden',
      { ...notListed, activeListing: true, permitCovers: true, reading: { axles: 2, grossWeightKg: 30_000 } },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      12_000,
    ],
    [
      'covering permit, listed, empty',
      {
        ...notListed,
        cargo: 'EMPTY',
        activeListing: true,
        permitCovers: true,
        reading: { axles: 2, grossWeightKg: 30_000 },
      },
      'ALLOW',
      ['EXEMPT_EMPTY'],
      12_000,
    ],
    [
      'covering permit, within tolerance',
      { ...notListed, permitCovers: true, reading: tolerated },
      'ALLOW',
      ['WITHIN_TOLERANCE'],
      900,
    ],
    ['covering permit, no reading', { ...notListed, permitCovers: true }, 'ALLOW', [], null],
  ])('%s', (_case, input, decision, reasons, overKg) => {
    expect(decideGate(input, rules)).toEqual({ decision, reasons, overKg });
  });

  it('an overlimit vehicle is turned back even when its plate was not read (the plate is no input)', () => {
    expect(decideGate({ ...notListed, cargo: 'UNKNOWN', reading: overlimit }, rules).decision).toBe('TURN_BACK');
  });

  it('property: agrees with SPEC §4.6 stated independently (first rule that applies, in order)', () => {
    const readingArb = fc.record(
      {
        axles: fc.integer({ min: 2, max: 12 }),
        combination: fc.boolean(),
        singleDriveAxle: fc.boolean(),
        // Anywhere, or exactly on an edge: the limit, 1 kg past it, the tolerance, 1 kg past it.
        weight: fc.oneof(
          fc.integer({ min: 0, max: 200_000 }),
          fc.constantFrom('limit' as const, 'limit + 1' as const, 'tolerance' as const, 'tolerance + 1' as const),
        ),
        permitNo: fc.constantFrom(undefined, null, '', 'ZJ2026-0001'),
      },
      { requiredKeys: ['axles', 'weight'] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Cargo>('LADEN', 'EMPTY', 'UNKNOWN'),
        fc.boolean(),
        fc.boolean(),
        fc.option(readingArb, { nil: undefined }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 3000 }),
        (cargo, activeListing, permitCovers, generated, entryTolerancePercent, warningBandKg) => {
          let reading: GateInput['reading'];
          let limitKg = 0;
          if (generated) {
            const { weight, ...vehicle } = generated;
            limitKg = documentedLimitKg(vehicle.axles, vehicle.combination, vehicle.singleDriveAxle);
            const toleranceTop = Math.floor((limitKg * (100 + entryTolerancePercent)) / 100);
            const grossWeightKg =
              weight === 'limit'
                ? limitKg
                : weight === 'limit + 1'
                  ? limitKg + 1
                  : weight === 'tolerance'
                    ? toleranceTop
                    : weight === 'tolerance + 1'
                      ? toleranceTop + 1
                      : weight;
            reading = { ...vehicle, grossWeightKg };
          }
          const result = decideGate(
            { cargo, activeListing, permitCovers, reading },
            { warningBandKg, entryTolerancePercent },
          );

          // §4.2 / 117号: over the limit but not above (100 + pct) % of it.
          const over = reading !== undefined && reading.grossWeightKg > limitKg;
          const aboveTolerance = over && reading!.grossWeightKg * 100 > limitKg * (100 + entryTolerancePercent);
          let expected: { decision: string; reasons: GateReason[] };
          if (aboveTolerance && !permitCovers) expected = { decision: 'TURN_BACK', reasons: ['OVERLIMIT'] };
          else if (activeListing && cargo !== 'EMPTY')
            expected = { decision: 'TURN_BACK', reasons: ['DISHONESTY_LIST'] };
          else if (activeListing) expected = { decision: 'ALLOW', reasons: ['EXEMPT_EMPTY'] };
          else if (over && !aboveTolerance) expected = { decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'] };
          else expected = { decision: 'ALLOW', reasons: [] };

          expect(result).toEqual({
            ...expected,
            overKg: reading === undefined ? null : reading.grossWeightKg - limitKg,
          });
          expect(GATE_REASONS).toEqual(expect.arrayContaining(result.reasons));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** SPEC §4.2's table read row by row; `combination` defaults to axles >= 5 (§3). */
function documentedLimitKg(axles: number, combination?: boolean, singleDriveAxle?: boolean): number {
  const isCombination = combination ?? axles >= 5;
  if (axles === 2) return 18_000;
  if (axles === 3) return isCombination ? 27_000 : 25_000;
  if (axles === 4) return isCombination ? 36_000 : 31_000;
  if (axles === 5) return 43_000;
  return singleDriveAxle ? 46_000 : 49_000;
}
