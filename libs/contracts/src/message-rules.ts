import 'reflect-metadata';
import { ValidateBy, ValidateIf } from 'class-validator';
import { isPlateColorCode, normalizePlate, UNKNOWN_PLATE, validatePlate } from '@oc/domain';
import { parseDateTimeWithOffset } from './validation';

/**
 * The rules a message class states beyond class-validator's own decorators. Each one validates (the
 * consumer runs it) and is translated by the AsyncAPI generator (libs/contracts/src/asyncapi), so the
 * published schema says what the consumer checks (docs/integration.md "Where the schemas come from").
 */

/** A plate (SPEC §4.1), checked after normalisation as the consumer stores it; `UNKNOWN` only where allowed. */
export const IS_PLATE = 'isPlate';
export const IsPlate = (options: { unknown: boolean }): PropertyDecorator =>
  ValidateBy({
    name: IS_PLATE,
    constraints: [options],
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const plate = normalizePlate(value);
        return validatePlate(plate).ok && (options.unknown || plate !== UNKNOWN_PLATE);
      },
      defaultMessage: (args) => {
        if (typeof args?.value !== 'string') return 'plate must be a string';
        const check = validatePlate(normalizePlate(args.value));
        return check.ok ? 'UNKNOWN is not a registered plate' : check.reason;
      },
    },
  });

/**
 * The one accepted time form: ISO 8601 with an offset, `YYYY-MM-DDThh:mm[:ss[.f…]]` then `Z` or `±hh:mm`,
 * upper-case T and Z, naming a moment that exists (no 30 February, 24:00 or minute 60). `fractionDigits`
 * bounds the fraction of a second.
 */
export const IS_DATE_TIME_WITH_OFFSET = 'isDateTimeWithOffset';
export const dateTimeFormMessage = (field: string): string =>
  `${field} must be an ISO 8601 date-time with an offset, in the form 2026-12-03T08:00:00+08:00 ` +
  '(upper-case T; seconds optional; Z or ±hh:mm)';
export const IsDateTimeWithOffset = (field: string, options: { fractionDigits: number } = { fractionDigits: 9 }) => {
  const form = new RegExp(
    `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,${options.fractionDigits}})?)?(Z|[+-]\\d{2}:\\d{2})$`,
  );
  return ValidateBy({
    name: IS_DATE_TIME_WITH_OFFSET,
    constraints: [options],
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && form.test(value) && parseDateTimeWithOffset(value) !== null,
      defaultMessage: (args) =>
        typeof args?.value === 'string' && form.test(args.value)
          ? `${field} is not a real date-time`
          : dateTimeFormMessage(field),
    },
  });
};

/** Present, and either null or what the property's other decorators say (IsOptional without "absent"). */
const NULLABLE = Symbol('oc:nullable');
export const IsNullable =
  (): PropertyDecorator =>
  (object: object, propertyName: string | symbol): void => {
    ValidateIf((o: Record<string | symbol, unknown>) => o[propertyName] !== null)(object, propertyName);
    Reflect.defineMetadata(NULLABLE, true, object, propertyName);
  };

export const isNullable = (target: abstract new () => object, propertyName: string): boolean =>
  Reflect.getMetadata(NULLABLE, target.prototype as object, propertyName) === true;

const DOC = Symbol('oc:doc');
const REFUSES_CONTROL_CHARACTERS = Symbol('oc:refuses-control-characters');

/** What a field means, for the published document (no rule: the decorators are the rules). */
export const Doc =
  (text: string): PropertyDecorator =>
  (object: object, propertyName: string | symbol): void =>
    Reflect.defineMetadata(DOC, text, object, propertyName);

export const docOf = (target: abstract new () => object, propertyName: string): string | undefined =>
  Reflect.getMetadata(DOC, target.prototype as object, propertyName) as string | undefined;

/**
 * The consumer refuses a control character (U+0000-U+001F, U+007F) in any string of the record, before
 * its shape (controlCharacterProblems): the published schema forbids them in every string field.
 */
export const RefusesControlCharacters =
  (): ClassDecorator =>
  (target): void =>
    Reflect.defineMetadata(REFUSES_CONTROL_CHARACTERS, true, target);

export const refusesControlCharacters = (target: abstract new () => object): boolean =>
  Reflect.getMetadata(REFUSES_CONTROL_CHARACTERS, target) === true;

/** A string without a control character (U+0000-U+001F, U+007F): a NUL byte no text column stores. */
export const NO_CONTROL_CHARACTERS = 'noControlCharacters';
export const NoControlCharacters = (): PropertyDecorator =>
  ValidateBy({
    name: NO_CONTROL_CHARACTERS,
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !/[\u0000-\u001f\u007f]/.test(value),
      defaultMessage: (args) => `${args?.property} must not contain control characters (U+0000-U+001F, U+007F)`,
    },
  });

/** A plate colour code as the service writes it (SPEC §4.1): a number, never a name. */
export const IS_PLATE_COLOR_CODE = 'isPlateColorCode';
export const IsPlateColorCode = (): PropertyDecorator =>
  ValidateBy({
    name: IS_PLATE_COLOR_CODE,
    validator: {
      validate: (value: unknown) => isPlateColorCode(value),
      defaultMessage: (args) => `${args?.property} must be one of the codes 0-7, 11, 12`,
    },
  });
