import { DomainError, DomainErrorCode } from '../errors/domain-error';
import {
  assertWithinJurisdiction,
  REGION_PREFIX_PATTERN,
  regionCovers,
  regionLikePatterns,
  withinJurisdiction,
} from './jurisdiction';

describe('jurisdiction (SPEC §4.8): regions are division-code prefixes', () => {
  it.each([
    [['330521'], '330521', true],
    [['330521'], '330522', false],
    [['330521', '330522'], '330522', true],
    [['3305'], '330523', true],
    [['3305'], '330500', true],
    // 330500 is the city's own stations (市本级), not the whole city: 3305 is.
    [['330500'], '330521', false],
    [['330500'], '330500', true],
    [['33'], '330102', true],
    [['3306'], '330521', false],
  ] as const)('%j covers %s: %s', (regions, code, expected) => {
    expect(regionCovers(regions, code)).toBe(expected);
  });

  it('a token without the claim (null) is the whole city', () => {
    expect(regionCovers(null, '330522')).toBe(true);
    expect(withinJurisdiction(null, [])).toBe(true);
    expect(regionLikePatterns(null)).toBeUndefined();
  });

  it('a case weighed in two counties belongs to both; a case of no known region to city-level staff only', () => {
    expect(withinJurisdiction(['330521'], ['330522', '330521'])).toBe(true);
    expect(withinJurisdiction(['330523'], ['330522', '330521'])).toBe(false);
    expect(withinJurisdiction(['330521'], [])).toBe(false);
  });

  it('acting outside the regions is a DomainError OUT_OF_JURISDICTION naming the regions', () => {
    const act = () => assertWithinJurisdiction(['330521'], ['330522'], { entityType: 'listing', entityId: 'L1' });
    expect(act).toThrow(DomainError);
    try {
      act();
    } catch (error) {
      expect((error as DomainError).code).toBe(DomainErrorCode.OUT_OF_JURISDICTION);
      expect((error as DomainError).message).toContain('330522');
      expect((error as DomainError).message).toContain('330521');
    }
    expect(() =>
      assertWithinJurisdiction(['3305'], ['330522'], { entityType: 'listing', entityId: 'L1' }),
    ).not.toThrow();
  });

  it('only 2, 4 or 6 digit prefixes are regions; LIKE patterns are the prefixes with %', () => {
    expect(['33', '3305', '330521'].every((r) => REGION_PREFIX_PATTERN.test(r))).toBe(true);
    expect(['3', '330', '33052', '3305210', '33052a', '', '%'].some((r) => REGION_PREFIX_PATTERN.test(r))).toBe(false);
    expect(regionLikePatterns(['330521', '3305'])).toEqual(['330521%', '3305%']);
  });
});
