import { parseRegionsOption, RegionsClaimError } from './staff-regions';
import { issueStaffToken, staffTokenKey, TokenError, verifyStaffToken, type StaffTokenRules } from './staff-token';

const rules: StaffTokenRules = { maxHours: 12 };

const secret = 'a-development-secret-of-32-chars-at-least';
const key = staffTokenKey({ STAFF_JWT_SECRET: secret })!;
const withRegions = (regions: unknown) =>
  issueStaffToken(secret, { sub: 'officer-a', roles: ['OFFICER'], regions: regions as string[] }, 3600);

describe('the regions claim of a staff token (SPEC §4.8)', () => {
  it('reads the division-code prefixes into the principal; absent is the whole city (null)', () => {
    expect(verifyStaffToken(withRegions(['330521', '330522', '330521']), key, rules).regions).toEqual([
      '330521',
      '330522',
    ]);
    expect(verifyStaffToken(withRegions(['3305']), key, rules).regions).toEqual(['3305']);
    expect(
      verifyStaffToken(issueStaffToken(secret, { sub: 'a', roles: ['ADMIN'] }, 60), key, rules).regions,
    ).toBeNull();
  });

  it.each([[[]], ['330521'], [['330521', 33]], [['3305211']], [['33052']], [['%']], [[null]]])(
    'refuses a token whose regions are %j: an empty or garbled claim is never "everywhere"',
    (regions) => {
      expect(() => verifyStaffToken(withRegions(regions), key, rules)).toThrow(TokenError);
      expect(() => verifyStaffToken(withRegions(regions), key, rules)).toThrow('token regions must be');
    },
  );

  it('token:issue --regions: comma-separated prefixes, naming a bad one', () => {
    expect(parseRegionsOption('330521, 330522')).toEqual(['330521', '330522']);
    expect(() => parseRegionsOption('330521,3305x1')).toThrow(RegionsClaimError);
    expect(() => parseRegionsOption('330521,3305x1')).toThrow('"3305x1" is not one');
    expect(() => parseRegionsOption(' , ')).toThrow('--regions must be');
  });
});
