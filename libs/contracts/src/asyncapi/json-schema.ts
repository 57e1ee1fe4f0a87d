import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { PLATE_COLOR_CODES, PLATE_COLORS, PROVINCE_ABBREVIATIONS, TRAILER_SUFFIX, UNKNOWN_PLATE } from '@oc/domain';
import {
  docOf,
  IS_DATE_TIME_WITH_OFFSET,
  IS_PLATE,
  IS_PLATE_COLOR_CODE,
  isNullable,
  NO_CONTROL_CHARACTERS,
  refusesControlCharacters,
} from '../message-rules';
import { EVIDENCE_URL_OPTIONS, REQUIRES_AXLES_AT_LEAST } from '../weighing-events-v1/weigh-event.dto';

/**
 * JSON Schema (draft 2020-12 as AsyncAPI 3 embeds it) from the class-validator decorators of a message
 * class: the decorators are the one definition of a message's shape (docs/integration.md "Where the
 * schemas come from").
 *
 * Not class-validator-jsonschema: it merges the schemas of a field's decorators with lodash.merge, so of two
 * patterns on one field only the last survives (a weaker schema, without a word), it maps IsUrl to
 * `format: url` (which takes ftp:// and any length) and it skips a decorator it does not know. Here every
 * decorator has a translation or the generation fails, and two constraints on the same keyword are
 * both kept (`allOf`).
 */
export type JsonSchema = { [keyword: string]: unknown };

type Target = abstract new () => object;

// class-transformer keeps the @Type metadata in a storage its index does not export (nor type).
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: {
    findTypeMetadata(target: object, property: string): { typeFunction: () => unknown } | undefined;
  };
};

interface Meta {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
  target: Target;
}

const CONTROL_FREE = '^[^\\u0000-\\u001f\\u007f]*$';
/** validator's isUUID('all'): versions 1-8 with the RFC 9562 variant, the nil and the max UUID. */
export const UUID_PATTERN =
  '^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[1-8][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}' +
  '|00000000-0000-0000-0000-000000000000|[Ff]{8}-[Ff]{4}-[Ff]{4}-[Ff]{4}-[Ff]{12})$';
const CREDIT_CODE = '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$';
const CITIZEN_ID = '^[0-9]{17}[0-9X]$';

/** The plate in its normalised form (SPEC §4.1), from the domain's own lists. */
export function platePattern(options: { unknown: boolean; anchored?: boolean }): string {
  const province = `[${PROVINCE_ABBREVIATIONS}]`;
  const plates = [`${province}[A-Z][A-Z0-9]{5,6}`, `${province}[A-Z][A-Z0-9]{4}${TRAILER_SUFFIX}`];
  const body = `(${[...(options.unknown ? [UNKNOWN_PLATE] : []), ...plates].join('|')})`;
  return options.anchored === false ? body : `^${body}$`;
}

/** The vehicle key `"<plateColorCode>:<plate>"` of a normalised plate. */
export function vehicleKeyPattern(options: { unknown: boolean }): string {
  return `^(${PLATE_COLOR_CODES.join('|')}):${platePattern({ ...options, anchored: false })}$`;
}

/**
 * The time form of IsDateTimeWithOffset as RFC 3339 (`format: date-time`, which checks the day of the
 * month and leap years) narrowed by a pattern to what parseDateTimeWithOffset takes: upper-case T and Z,
 * hours 00-23, no leap second, an offset of at most ±23:59, the fraction's digits bounded. Seconds are
 * asked for (RFC 3339 requires them; the consumer also takes hh:mm), the year is 1000-9999.
 */
export function dateTimeSchema(fractionDigits: number): JsonSchema {
  return {
    type: 'string',
    format: 'date-time',
    pattern:
      '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]' +
      `(\\.[0-9]{1,${fractionDigits}})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`,
  };
}

/**
 * An evidence image URL (EVIDENCE_URL_OPTIONS): http or https in lower case, a host name or IPv4 address,
 * an optional port, then printable ASCII without `<` `>`, at most 2084 characters (validator's isURL
 * limit). Narrower than isURL (no user-info, no IPv6, no non-ASCII), so whatever it takes the consumer
 * takes too.
 */
export const EVIDENCE_URL_SCHEMA: JsonSchema = {
  type: 'string',
  maxLength: 2084,
  pattern:
    '^https?://' +
    '(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])' +
    '|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?)' +
    '(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?' +
    '([/?#][!-;=?-~]*)?$',
};

export const PLATE_COLOR_SCHEMA: JsonSchema = {
  oneOf: [
    { type: 'integer', enum: [...PLATE_COLOR_CODES] },
    { type: 'string', enum: [...PLATE_COLOR_CODES.map(String), ...PLATE_COLOR_CODES.map((c) => PLATE_COLORS[c])] },
  ],
  description: `the code or its name: ${PLATE_COLOR_CODES.map((c) => `${c} ${PLATE_COLORS[c]}`).join(', ')}`,
};

const primitiveType = (values: unknown[]): string | undefined => {
  const types = new Set(values.map((v) => (Number.isInteger(v) ? 'integer' : typeof v)));
  const [only] = types;
  return types.size === 1 && ['string', 'integer', 'boolean'].includes(only!) ? only : undefined;
};

/** A string length bound as validator's isLength counts: surrogate pairs once, U+FE0E/U+FE0F not at all. */
const minLength = (n: number): JsonSchema => {
  if (n === 0) return { type: 'string' };
  // ajv counts code points; isLength does not count the variation selectors, so the string needs n
  // characters besides them.
  const others = n === 1 ? '[^\\uFE0E\\uFE0F]' : `^([\\uFE0E\\uFE0F]*[^\\uFE0E\\uFE0F]){${n}}`;
  return { type: 'string', minLength: n, pattern: others };
};

interface Built {
  schema: JsonSchema;
  /** Rules of the object that holds the property (cross-field rules). */
  objectRules: JsonSchema[];
}

/** The schema a single decorator stands for. */
function convert(meta: Meta, controlFree: boolean): Built {
  const c = meta.constraints ?? [];
  const key = meta.name ?? meta.type;
  const only = (schema: JsonSchema): Built => ({ schema, objectRules: [] });
  switch (key) {
    case 'isString':
      return only({ type: 'string' });
    case 'isInt':
      return only({ type: 'integer' });
    case 'isBoolean':
      return only({ type: 'boolean' });
    case 'isArray':
      return only({ type: 'array' });
    case 'isObject':
      return only({ type: 'object' });
    case 'isIn': {
      const values = c[0] as unknown[];
      const type = primitiveType(values);
      return only({ ...(type ? { type } : {}), enum: [...values] });
    }
    case 'min':
      return only({ minimum: c[0] });
    case 'max':
      return only({ maximum: c[0] });
    case 'minLength':
      return only(minLength(c[0] as number));
    case 'maxLength':
      return only({ type: 'string', maxLength: c[0] });
    case 'isLength':
      return only(combine([minLength(c[0] as number), c[1] === undefined ? {} : { maxLength: c[1] }]));
    case 'arrayMaxSize':
      return only({ type: 'array', maxItems: c[0] });
    case 'arrayMinSize':
      return only({ type: 'array', minItems: c[0] });
    case 'matches': {
      const re = c[0] as RegExp;
      if (!(re instanceof RegExp) || (re.flags !== '' && re.flags !== 'u'))
        throw new Error(`${meta.target.name}.${meta.propertyName}: a pattern with flags has no JSON Schema form`);
      return only({ type: 'string', pattern: re.source });
    }
    case 'isUuid':
      if (c[0] !== 'all')
        throw new Error(`${meta.target.name}.${meta.propertyName}: only IsUUID('all') has a translation`);
      return only({ type: 'string', format: 'uuid', pattern: UUID_PATTERN });
    case 'isUrl':
      if (JSON.stringify(c[0]) !== JSON.stringify(EVIDENCE_URL_OPTIONS))
        throw new Error(`${meta.target.name}.${meta.propertyName}: only EVIDENCE_URL_OPTIONS have a translation`);
      return only({ ...EVIDENCE_URL_SCHEMA });
    case 'isPlateColor':
      return only({ oneOf: PLATE_COLOR_SCHEMA.oneOf });
    case IS_PLATE_COLOR_CODE:
      return only({ type: 'integer', enum: [...PLATE_COLOR_CODES] });
    case IS_PLATE:
      return only({ type: 'string', pattern: platePattern(c[0] as { unknown: boolean }) });
    case IS_DATE_TIME_WITH_OFFSET:
      return only(dateTimeSchema((c[0] as { fractionDigits: number }).fractionDigits));
    case NO_CONTROL_CHARACTERS:
      return only({ type: 'string', pattern: CONTROL_FREE });
    case 'isUnifiedSocialCreditCode':
      return only({ type: 'string', pattern: CREDIT_CODE });
    case 'isOwnerIdNo':
      // Which number is checked depends on the owner's type: a rule of the object that holds both.
      return {
        schema: { type: 'string' },
        objectRules: [
          ifThen('type', 'PERSON', { [meta.propertyName]: { pattern: CITIZEN_ID } }),
          ifThen('type', 'COMPANY', { [meta.propertyName]: { pattern: CREDIT_CODE } }),
        ],
      };
    case REQUIRES_AXLES_AT_LEAST:
      return {
        schema: {},
        objectRules: [ifThen(meta.propertyName, true, { axles: { minimum: c[0] } })],
      };
    case ValidationTypes.NESTED_VALIDATION: {
      const type = defaultMetadataStorage.findTypeMetadata(meta.target, meta.propertyName);
      if (!type) throw new Error(`${meta.target.name}.${meta.propertyName}: @ValidateNested without @Type`);
      return only(schemaOf(type.typeFunction() as Target, { controlFree }));
    }
    default:
      throw new Error(`${meta.target.name}.${meta.propertyName}: no JSON Schema translation for @${key}`);
  }
}

const ifThen = (field: string, value: unknown, then: Record<string, JsonSchema>): JsonSchema => ({
  if: { properties: { [field]: { const: value } }, required: [field] },
  then: { properties: then },
});

/** The schemas of one field's decorators as one: a keyword two of them set differently goes to allOf. */
function combine(parts: JsonSchema[]): JsonSchema {
  const out: JsonSchema = {};
  const more: JsonSchema[] = [];
  for (const part of parts) {
    for (const [keyword, value] of Object.entries(part)) {
      if (!(keyword in out)) out[keyword] = value;
      else if (JSON.stringify(out[keyword]) !== JSON.stringify(value)) more.push({ [keyword]: value });
    }
  }
  if (more.length > 0) out.allOf = [...((out.allOf as JsonSchema[] | undefined) ?? []), ...more];
  return out;
}

/** Every string of the schema (items too) also free of control characters. */
function withoutControlCharacters(schema: JsonSchema): JsonSchema {
  if (schema.type === 'string') return combine([schema, { pattern: CONTROL_FREE }]);
  if (schema.type === 'array' && schema.items)
    return { ...schema, items: withoutControlCharacters(schema.items as JsonSchema) };
  return schema;
}

/**
 * The JSON Schema of a message class: its properties (in class order) from their decorators, `required`
 * for every property without @IsOptional, no other property (the consumers validate with whitelist and
 * forbidNonWhitelisted), the field descriptions of @Doc.
 */
export function schemaOf(target: Target, options: { controlFree?: boolean } = {}): JsonSchema {
  const controlFree = options.controlFree === true || refusesControlCharacters(target);
  const metas = getMetadataStorage().getTargetValidationMetadatas(
    target as never,
    '',
    true,
    false,
  ) as unknown as Meta[];
  const byProperty = new Map<string, Meta[]>();
  for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  if (byProperty.size === 0) throw new Error(`${target.name} has no validation decorators`);

  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const objectRules: JsonSchema[] = [];
  for (const [property, own] of byProperty) {
    let optional = false;
    const nullable = isNullable(target, property);
    const values: JsonSchema[] = [];
    const items: JsonSchema[] = [];
    for (const m of own) {
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        if (m.name === 'isOptional') optional = true;
        else if (!nullable) throw new Error(`${target.name}.${property}: @ValidateIf has no JSON Schema form`);
        continue;
      }
      const built = convert(m, controlFree);
      (m.each ? items : values).push(built.schema);
      objectRules.push(...built.objectRules);
    }
    let schema = combine(items.length > 0 ? [...values, { type: 'array', items: combine(items) }] : values);
    if (controlFree) schema = withoutControlCharacters(schema);
    const description = docOf(target, property);
    if (nullable) schema = { anyOf: [schema, { type: 'null' }] };
    if (description) schema = { ...schema, description };
    properties[property] = schema;
    if (!optional) required.push(property);
  }
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties,
    ...(objectRules.length > 0 ? { allOf: objectRules } : {}),
  };
}
