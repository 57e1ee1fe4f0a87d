import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { parseDateTimeWithOffset } from './validation';

/**
 * The date-times the HTTP APIs accept: RFC 3339 §5.6 with an offset, in every form it allows — "T",
 * "t" or a space between date and time, "Z" or "z" — and, as ISO 8601 allows, without seconds or with
 * an offset without its colon. Inside, every value is the canonical form (upper-case T and Z, ±hh:mm).
 */
const RFC_3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?:([Zz])|([+-]\d{2}):?(\d{2}))$/;

/** The accepted form as error messages name it. */
export const DATE_TIME_FORM =
  'an RFC 3339 date-time with an offset, YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm), e.g. 2025-06-01T08:00:00+08:00 ' +
  'or 2025-06-01T00:00:00Z (t, z and a space for T are accepted too; in a query string write + as %2B)';

/** The canonical form of an accepted date-time; anything else as it came (then refused). */
export function canonicalDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = RFC_3339.exec(value);
  if (!m) return value;
  return `${m[1]}T${m[2]}${m[3] ? 'Z' : `${m[4]}:${m[5]}`}`;
}

/** A date-time field of a request (DATE_TIME_FORM), canonical once transformed; an impossible date is refused. */
export const IsDateTime =
  (): PropertyDecorator =>
  (target, key): void => {
    Transform(({ value }) => canonicalDateTime(value))(target, key);
    ValidateBy({
      name: 'isRfc3339DateTime',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && RFC_3339.test(value) && parseDateTimeWithOffset(value) !== null,
        defaultMessage: (args) => `${args?.property} must be ${DATE_TIME_FORM}`,
      },
    })(target, key);
  };
