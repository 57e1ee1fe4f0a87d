import 'reflect-metadata';
import fc from 'fast-check';
import { IsString, isURL, Matches, MinLength, ValidateIf } from 'class-validator';
import { normalizePlate, PROVINCE_ABBREVIATIONS, validatePlate } from '@oc/domain';
import { parseDateTimeWithOffset } from '../validation';
import { EVIDENCE_URL_OPTIONS } from '../weighing-events-v1/weigh-event.dto';
import { newAjv } from './validators';
import { dateTimeSchema, EVIDENCE_URL_SCHEMA, platePattern, schemaOf } from './json-schema';

const ajv = newAjv();
const matches = (schema: object) => {
  const validate = ajv.compile(schema);
  return (value: unknown) => validate(value) === true;
};

describe('schemaOf (message class → JSON Schema)', () => {
  it('keeps every constraint of a field, two patterns included (allOf), and refuses unknown fields', () => {
    class TwoPatterns {
      @Matches(/^[a-z]+$/)
      @Matches(/^.{3}$/)
      @IsString()
      code!: string;
    }
    const valid = matches(schemaOf(TwoPatterns));
    expect(valid({ code: 'abc' })).toBe(true);
    expect(valid({ code: 'abcd' })).toBe(false); // the second pattern
    expect(valid({ code: 'AB1' })).toBe(false); // the first
    expect(valid({ code: 'abc', other: 1 })).toBe(false);
    expect(valid({})).toBe(false);
  });

  it('stops at a decorator it cannot translate, naming the class and the field', () => {
    class Conditional {
      @ValidateIf(() => true)
      @IsString()
      note!: string;
    }
    class Flagged {
      @Matches(/^a$/i)
      code!: string;
    }
    class LongMinimum {
      @MinLength(3)
      name!: string;
    }
    expect(() => schemaOf(Conditional)).toThrow('Conditional.note: @ValidateIf has no JSON Schema form');
    expect(() => schemaOf(Flagged)).toThrow('Flagged.code: a pattern with flags has no JSON Schema form');
    expect(schemaOf(LongMinimum).properties).toEqual({
      name: { type: 'string', minLength: 3, pattern: '^([\\uFE0E\\uFE0F]*[^\\uFE0E\\uFE0F]){3}' },
    });
  });
});

describe('the translations agree with the rules they stand for', () => {
  it('plate: the pattern takes exactly the normalised plates validatePlate takes', () => {
    const pattern = new RegExp(platePattern({ unknown: true }), 'u');
    const province = fc.constantFrom(...PROVINCE_ABBREVIATIONS, 'A', 'U');
    const candidate = fc
      .tuple(province, fc.stringMatching(/^[A-Z0-9挂]{0,9}$/))
      .map(([p, rest]) => normalizePlate(p + rest));
    fc.assert(
      fc.property(fc.oneof(candidate, fc.stringMatching(new RegExp(platePattern({ unknown: true }), 'u'))), (plate) => {
        expect(pattern.test(plate)).toBe(validatePlate(plate).ok);
      }),
      { numRuns: 3000 },
    );
  });

  it('evidence URL: whatever the pattern takes, validator isURL takes too', () => {
    const valid = matches(EVIDENCE_URL_SCHEMA);
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(EVIDENCE_URL_SCHEMA.pattern as string, 'u')), (url) => {
        if (valid(url)) expect(isURL(url, EVIDENCE_URL_OPTIONS)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const refused of ['ftp://cam.example/x', 'https://cam.example/a b', `https://c.example/${'x'.repeat(2070)}`])
      expect(valid(refused)).toBe(false);
  });

  it('date-time: whatever the schema takes, parseDateTimeWithOffset reads as the same moment', () => {
    const valid = matches(dateTimeSchema(9));
    const form = fc.stringMatching(new RegExp(dateTimeSchema(9).pattern as string, 'u'));
    fc.assert(
      fc.property(form, (text) => {
        if (valid(text)) expect(parseDateTimeWithOffset(text)?.getTime()).toBe(new Date(text).getTime());
      }),
      { numRuns: 3000 },
    );
    for (const refused of [
      '2026-02-29T10:00:00Z',
      '2026-12-03t08:00:00Z',
      '2026-12-03 08:00:00Z',
      '2026-12-03T23:59:60Z',
    ])
      expect(valid(refused)).toBe(false);
  });
});
