import fc from 'fast-check';
import {
  canonicalPlatePattern,
  normalizePlate,
  PROVINCE_ABBREVIATIONS,
  TRAILER_SUFFIX,
  UNKNOWN_PLATE,
  validatePlate,
} from './plate';

describe('normalizePlate (§4.1)', () => {
  it.each([
    ['already normal', '浙E12345', '浙E12345'],
    ['trim', '  浙E12345\t', '浙E12345'],
    ['inner spaces', '浙 E 123 45', '浙E12345'],
    ['ideographic space', '浙E\u300012345', '浙E12345'],
    ['middle dot ·', '浙E·12345', '浙E12345'],
    ['bullet •', '浙E•12345', '浙E12345'],
    ['katakana middle dot ・', '浙E・12345', '浙E12345'],
    ['hyphen', '浙E-12345', '浙E12345'],
    ['full stop', '浙E.12345', '浙E12345'],
    ['full-width letters and digits', '浙Ｅ１２３４５', '浙E12345'],
    ['full-width lower-case letters', '浙ｅａ１２３４', '浙EA1234'],
    ['full-width hyphen and full stop', '浙Ｅ－１２．３４５', '浙E12345'],
    ['lower case', '浙e1234a', '浙E1234A'],
    ['trailer 挂 kept', '浙E·1234挂', '浙E1234挂'],
    ['new-energy', '浙A D12345', '浙AD12345'],
    ['unknown, any case', ' unknown ', UNKNOWN_PLATE],
    ['everything at once', ' 浙ｅ・１2-3.4 5 ', '浙E12345'],
  ])('%s: %j → %j', (_case, raw, expected) => {
    expect(normalizePlate(raw)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (raw) => {
        const once = normalizePlate(raw);
        expect(normalizePlate(once)).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validatePlate (§4.1)', () => {
  it.each([
    ['standard', '浙E12345'],
    ['standard with letters', '京A1B2C3'],
    ['new-energy (6)', '浙AD12345'],
    ['new-energy large vehicle', '沪A12345F'],
    ['trailer', '浙E1234挂'],
    ['unknown', 'UNKNOWN'],
    ...Array.from(PROVINCE_ABBREVIATIONS).map((p) => [`province ${p}`, `${p}A12345`]),
  ])('accepts %s: %s', (_case, plate) => {
    expect(validatePlate(plate)).toEqual({ ok: true });
  });

  it.each([
    ['empty', '', /empty/],
    ['invalid province', '港A12345', /province/],
    ['latin first character', 'ZA12345', /province/],
    ['digit as authority letter', '浙112345', /letter/],
    ['too short', '浙E1234', /got 4/],
    ['too long', '浙E1234567', /got 7/],
    ['lower case (not normalised)', '浙e12345', /letter/],
    ['punctuation left in', '浙E1234·5', /letters and digits/],
    ['trailer too short', '浙E123挂', /trailer/],
    ['trailer too long', '浙E12345挂', /trailer/],
    ['挂 in the middle', '浙E12挂45', /letters and digits/],
    ['unknown in lower case', 'unknown', /province/],
    ['province only', '浙', /letter/],
  ])('rejects %s: %j', (_case, plate, reason) => {
    const result = validatePlate(plate);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('accepts every normalised raw spelling of a valid plate', () => {
    const province = fc.constantFrom(...Array.from(PROVINCE_ABBREVIATIONS));
    const letter = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ');
    const alnum = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
    const noise = fc.constantFrom('', ' ', '·', '•', '-', '.', '\u3000');
    fc.assert(
      fc.property(province, letter, fc.array(alnum, { minLength: 5, maxLength: 6 }), noise, (p, l, rest, sep) => {
        const plate = `${p}${l}${rest.join('')}`;
        const raw = ` ${p}${l.toLowerCase()}${sep}${rest.join(sep)} `;
        expect(normalizePlate(raw)).toBe(plate);
        expect(validatePlate(normalizePlate(raw)).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('canonicalPlatePattern (the plate as the published documents describe it)', () => {
  const pattern = new RegExp(canonicalPlatePattern(), 'u');
  const plateChars = fc.constantFrom(
    ...Array.from(`${PROVINCE_ABBREVIATIONS}ABCDEFGHJKLMNPQRSTUVWXYZ0123456789${TRAILER_SUFFIX}`),
  );
  it('accepts exactly the normalised plates validatePlate accepts', () => {
    fc.assert(
      fc.property(fc.array(plateChars, { minLength: 0, maxLength: 10 }), (chars) => {
        const plate = chars.join('');
        expect(pattern.test(plate)).toBe(validatePlate(plate).ok);
      }),
      { numRuns: 5000 },
    );
    for (const plate of ['浙E12345', '浙A12345D', '浙E1234挂', 'UNKNOWN']) expect(pattern.test(plate)).toBe(true);
    for (const plate of ['浙e12345', '浙E·12345', 'XE12345']) expect(pattern.test(plate)).toBe(false);
  });
});
