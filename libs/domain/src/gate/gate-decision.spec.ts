import fc from 'fast-check';
import { decideGate, type Cargo, type GateInput } from './gate-decision';

const rules = { warningBandKg: 1000 };
// 2 axles: limit 18,000 kg.
const reading = (grossWeightKg: number, permitNo?: string) => ({ axles: 2, grossWeightKg, permitNo });

describe('decideGate (§4.6)', () => {
  it.each<[string, GateInput, string, string[], number | null]>([
    ['no reading, not listed', { cargo: 'LADEN', activeListing: false }, 'ALLOW', [], null],
    ['compliant reading', { cargo: 'LADEN', activeListing: false, reading: reading(18_000) }, 'ALLOW', [], 0],
    [
      'overlimit beyond the band',
      { cargo: 'LADEN', activeListing: false, reading: reading(19_001) },
      'TURN_BACK',
      ['OVERLIMIT'],
      1001,
    ],
    [
      'overlimit with a permit',
      { cargo: 'LADEN', activeListing: false, reading: reading(30_000, 'P-1') },
      'ALLOW',
      [],
      12_000,
    ],
    [
      'overlimit with a blank permit',
      { cargo: 'LADEN', activeListing: false, reading: reading(30_000, ' ') },
      'TURN_BACK',
      ['OVERLIMIT'],
      12_000,
    ],
    [
      'warning band',
      { cargo: 'LADEN', activeListing: false, reading: reading(19_000) },
      'ALLOW',
      ['OVERLIMIT_WARNING'],
      1000,
    ],
    ['listed, laden', { cargo: 'LADEN', activeListing: true }, 'TURN_BACK', ['DISHONESTY_LIST'], null],
    [
      'listed, cargo unknown (treated as laden)',
      { cargo: 'UNKNOWN', activeListing: true },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      null,
    ],
    ['listed, empty', { cargo: 'EMPTY', activeListing: true }, 'ALLOW', ['EXEMPT_EMPTY'], null],
    [
      'overlimit wins over the list',
      { cargo: 'LADEN', activeListing: true, reading: reading(25_000) },
      'TURN_BACK',
      ['OVERLIMIT'],
      7000,
    ],
    [
      'overlimit wins over empty',
      { cargo: 'EMPTY', activeListing: true, reading: reading(25_000) },
      'TURN_BACK',
      ['OVERLIMIT'],
      7000,
    ],
    [
      'list wins over warning',
      { cargo: 'LADEN', activeListing: true, reading: reading(18_500) },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      500,
    ],
    [
      'empty exemption wins over warning',
      { cargo: 'EMPTY', activeListing: true, reading: reading(18_500) },
      'ALLOW',
      ['EXEMPT_EMPTY'],
      500,
    ],
    [
      'listed with a permit, laden',
      { cargo: 'LADEN', activeListing: true, reading: reading(30_000, 'P-1') },
      'TURN_BACK',
      ['DISHONESTY_LIST'],
      12_000,
    ],
    ['empty, not listed', { cargo: 'EMPTY', activeListing: false, reading: reading(5_000) }, 'ALLOW', [], -13_000],
  ])('%s', (_case, input, decision, reasons, overKg) => {
    expect(decideGate(input, rules)).toEqual({ decision, reasons, overKg });
  });

  it('uses the same limits as classification (6 axles, single drive axle: 46,000 kg)', () => {
    const input = { cargo: 'LADEN' as const, activeListing: false };
    expect(
      decideGate({ ...input, reading: { axles: 6, singleDriveAxle: true, grossWeightKg: 47_001 } }, rules).decision,
    ).toBe('TURN_BACK');
    expect(decideGate({ ...input, reading: { axles: 6, grossWeightKg: 47_001 } }, rules).decision).toBe('ALLOW');
  });

  it('property: TURN_BACK exactly when overlimit without permit, or listed and not empty', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Cargo>('LADEN', 'EMPTY', 'UNKNOWN'),
        fc.boolean(),
        fc.option(
          fc.record({ axles: fc.integer({ min: 2, max: 12 }), grossWeightKg: fc.integer({ min: 0, max: 200_000 }) }),
          { nil: undefined },
        ),
        (cargo, activeListing, r) => {
          const result = decideGate({ cargo, activeListing, reading: r }, rules);
          const overlimit = result.overKg !== null && result.overKg > rules.warningBandKg;
          expect(result.decision === 'TURN_BACK').toBe(overlimit || (activeListing && cargo !== 'EMPTY'));
          expect(result.reasons.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
