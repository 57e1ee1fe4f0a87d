import fc from 'fast-check';
import { citizenIdCheckChar, creditCodeCheckChar, isCitizenIdNo, isUnifiedSocialCreditCode } from './id-numbers';

const CITIZEN_CHECK_CHARS = '0123456789X';
// GB 32100-2015: the 31 characters of a 统一社会信用代码 (no I, O, S, V, Z).
const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Every other character that could stand in position `i`. */
const replaced = (value: string, i: number, ch: string) => value.slice(0, i) + ch + value.slice(i + 1);

describe('公民身份号码 (GB 11643-1999)', () => {
  // The examples printed in GB 11643-1999 itself.
  it.each(['11010519491231002X', '440524188001010014'])('%s is valid', (id) => {
    expect(isCitizenIdNo(id)).toBe(true);
    expect(citizenIdCheckChar(id.slice(0, 17))).toBe(id[17]);
  });

  it('a wrong check character is refused (every one of the other ten)', () => {
    for (const ch of CITIZEN_CHECK_CHARS.replace('X', '')) {
      expect(isCitizenIdNo(`11010519491231002${ch}`)).toBe(false);
    }
    for (const ch of CITIZEN_CHECK_CHARS.replace('4', '')) {
      expect(isCitizenIdNo(`44052418800101001${ch}`)).toBe(false);
    }
  });

  it.each([
    ['month 00', '110105194900310'],
    ['month 13', '110105194913310'],
    ['day 00', '110105194912000'],
    ['day 32', '110105194912320'],
  ])('a birth date with %s is refused, whatever the check character', (_case, first15) => {
    const first17 = `${first15}02`;
    expect(isCitizenIdNo(first17 + citizenIdCheckChar(first17))).toBe(false);
  });

  it.each([
    ['too short', '11010519491231002'],
    ['too long', '11010519491231002X0'],
    ['X not last', '1101051949123100X2'],
    ['letters inside', '1101051949A231002X'],
    ['15-digit old format', '110105491231002'],
    ['empty', ''],
    ['spaces around', ' 11010519491231002X'],
  ])('%s is refused', (_case, id) => {
    expect(isCitizenIdNo(id)).toBe(false);
  });

  it('property: the generated check character always validates, any other never does', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{6}$/),
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.stringMatching(/^\d{3}$/),
        (region, birth, sequence) => {
          const first17 = region + birth.toISOString().slice(0, 10).replace(/-/g, '') + sequence;
          const check = citizenIdCheckChar(first17);
          expect(CITIZEN_CHECK_CHARS).toContain(check);
          expect(isCitizenIdNo(first17 + check)).toBe(true);
          for (const other of CITIZEN_CHECK_CHARS.replace(check, '')) {
            expect(isCitizenIdNo(first17 + other)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: one mistyped digit of a valid number is caught (ISO 7064 MOD 11-2)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.stringMatching(/^\d{3}$/),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (birth, sequence, position, shift) => {
          const first17 = `330521${birth.toISOString().slice(0, 10).replace(/-/g, '')}${sequence}`;
          const valid = first17 + citizenIdCheckChar(first17);
          const typo = replaced(valid, position, String((Number(valid[position]) + shift) % 10));
          expect(isCitizenIdNo(typo)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('公民身份号码: the birth date must exist', () => {
  it.each([
    ['30 February', '110105194902300'],
    ['29 February of a common year', '110105194902290'],
    ['31 April', '110105194904310'],
    ['the year 0000', '110105000001010'],
  ])('a birth date that does not exist (%s) is refused', (_case, first15) => {
    const first17 = `${first15}02`;
    expect(isCitizenIdNo(first17 + citizenIdCheckChar(first17))).toBe(false);
  });

  it('29 February of a leap year is a birth date', () => {
    const first17 = '11010519480229002';
    expect(isCitizenIdNo(first17 + citizenIdCheckChar(first17))).toBe(true);
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('91350100M000100Y43 (the example of GB 32100) is valid', () => {
    expect(isUnifiedSocialCreditCode('91350100M000100Y43')).toBe(true);
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('a wrong check character is refused (every one of the other thirty)', () => {
    for (const ch of CREDIT_CODE_CHARS.replace('3', '')) {
      expect(isUnifiedSocialCreditCode(`91350100M000100Y4${ch}`)).toBe(false);
    }
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('the letter %s is refused anywhere, even as the check character', (letter) => {
    // Positions 1–2 (registration authority, kind), 9–17 (organisation code) and 18 (check).
    for (const position of [0, 1, 8, 12, 16, 17]) {
      expect(isUnifiedSocialCreditCode(replaced('91350100M000100Y43', position, letter))).toBe(false);
    }
  });

  it.each([
    ['a letter in the division code (positions 3–8)', '9135A100M000100Y4'],
    ['lower case', '91350100m000100y4'],
  ])('%s is refused, even with its computed check character', (_case, first17) => {
    const check = creditCodeCheckChar(first17.toUpperCase());
    expect(isUnifiedSocialCreditCode(first17 + check)).toBe(false);
  });

  it.each([
    ['too short', '91350100M000100Y4'],
    ['too long', '91350100M000100Y430'],
    ['empty', ''],
    ['a 身份证号', '11010519491231002X'],
  ])('%s is refused', (_case, code) => {
    expect(isUnifiedSocialCreditCode(code)).toBe(false);
  });

  const creditCodeArb = fc
    .tuple(
      fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{2}$/),
      fc.stringMatching(/^\d{6}$/),
      fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{9}$/),
    )
    .map((parts) => parts.join(''));

  it('property: the generated check character always validates, any other never does', () => {
    fc.assert(
      fc.property(creditCodeArb, (first17) => {
        const check = creditCodeCheckChar(first17);
        expect(CREDIT_CODE_CHARS).toContain(check);
        expect(isUnifiedSocialCreditCode(first17 + check)).toBe(true);
        for (const other of CREDIT_CODE_CHARS.replace(check, '')) {
          expect(isUnifiedSocialCreditCode(first17 + other)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: one mistyped character of a valid code is caught (MOD 31)', () => {
    fc.assert(
      fc.property(
        creditCodeArb,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 30 }),
        (first17, position, shift) => {
          const valid = first17 + creditCodeCheckChar(first17);
          const ch = CREDIT_CODE_CHARS[(CREDIT_CODE_CHARS.indexOf(valid[position]) + shift) % 31];
          expect(isUnifiedSocialCreditCode(replaced(valid, position, ch))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
