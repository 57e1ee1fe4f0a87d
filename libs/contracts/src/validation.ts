import { ValidationError } from 'class-validator';

export interface FieldError {
  field: string;
  message: string;
}

/** class-validator's tree as `{field, message}` pairs, nested fields dotted (`owner.idNo`). */
export const flattenValidationErrors = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });

/** The options every consumed record is validated with: unknown fields are refused (SPEC §3, §4.9). */
export const STRICT_VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
} as const;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An ISO 8601 date-time with an offset, as a Date — or null when the text names a moment that does not
 * exist (30 February, 24:00, minute 60, offset hour 24). `new Date()` alone rolls such a date over to
 * the next month without a word, and a record would then be stored at a moment nobody wrote.
 */
export function parseDateTimeWithOffset(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return null;
  const value = new Date(text);
  return Number.isNaN(value.getTime()) ? null : value;
}

/** C0 control characters and DEL: no record field means one, and Postgres text cannot store U+0000. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The reason a key or a single text has a control character, or null. */
export function controlCharacterProblem(field: string, text: string): FieldError | null {
  return CONTROL_CHARACTER.test(text)
    ? { field, message: `${field} must not contain control characters (U+0000-U+001F, U+007F)` }
    : null;
}

/**
 * Every string anywhere in a parsed record that holds a control character, by its dotted path
 * (`owner.name`, `stationIds.0`). Checked before the shape, so a NUL byte is refused naming its field
 * instead of failing in the database as the record's whole (SPEC §3, docs/security.md).
 */
export function controlCharacterProblems(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    const problem = controlCharacterProblem(path || '(message)', value);
    return problem ? [problem] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacterProblems(v, path ? `${path}.${i}` : `${i}`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => {
      const field = path ? `${path}.${k}` : k;
      const inName = controlCharacterProblem(`${field} (the field name)`, k);
      return [...(inName ? [inName] : []), ...controlCharacterProblems(v, field)];
    });
  return [];
}
