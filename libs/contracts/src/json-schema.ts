// class-transformer's own metadata (its @Type decorators): the nested DTO classes.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { PLATE_COLOR_CODES, PLATE_COLORS, canonicalPlatePattern } from '@oc/domain';
import { dateTimeSchema } from './asyncapi/json-schema';

/** A class whose decorators class-validator holds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DtoClass = abstract new (...args: any[]) => unknown;

/** A JSON Schema object (draft 2020-12, the dialect of OpenAPI 3.1 and AsyncAPI 3). */
export type JsonSchema = Record<string, unknown>;

/**
 * The plate colour as the wire carries it: the code (a number in JSON, a numeric string in a query)
 * or the name, case-insensitive (libs/domain parsePlateColor).
 */
export const PLATE_COLOR_WIRE_VALUES: readonly string[] = [
  ...PLATE_COLOR_CODES.map(String),
  ...PLATE_COLOR_CODES.map((c) => PLATE_COLORS[c]),
];

/**
 * JSON Schemas of the project's own class-validator decorators (ValidateBy names), so that a document
 * generated from a DTO is as strict as the DTO: the plate's canonical pattern, the colour's codes and
 * names, the query flags. A custom decorator without an entry here fails the generation (see
 * validatorSchemas), never documents itself as "anything".
 */
const CUSTOM_CONVERTERS: ISchemaConverters = {
  // The canonical form (SPEC §4.1); the server also accepts it before normalisation (lower case,
  // full-width, separators), which the description says.
  isPlate: {
    type: 'string',
    pattern: canonicalPlatePattern(),
    description: '车牌号, 规范形式 (SPEC §4.1): 省份简称 + 发牌机关字母 + 5-6 位字母数字, 或挂车号牌, 或 UNKNOWN',
  },
  isPlateColor: { type: 'string', enum: [...PLATE_COLOR_WIRE_VALUES] },
  // Query strings carry booleans as the words true / false.
  isBooleanFlag: { type: 'boolean' },
  isFlag: { type: 'boolean' },
  // page × pageSize ≤ MAX_PAGED_ROWS: a rule over two fields, stated in the description of page.
  withinPagedRows: {},
  isUnifiedSocialCreditCode: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$' },
  // 身份证号 (GB 11643) of a PERSON or 统一社会信用代码 (GB 32100) of a COMPANY, checked against owner.type.
  isOwnerIdNo: {
    type: 'string',
    pattern: '^(\\d{17}[\\dX]|[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10})$',
  },
  [ValidationTypes.IS_DEFINED]: {},
  // The bounds alone: the default converters also say `type: number`, which overrides @IsInt's integer.
  min: (meta) => ({ minimum: meta.constraints[0] }),
  max: (meta) => ({ maximum: meta.constraints[0] }),
  // RFC 3339 date-time (libs/contracts/src/date-time.ts): JSON Schema's date-time format is RFC 3339's.
  isRfc3339DateTime: {
    type: 'string',
    format: 'date-time',
    description: 'RFC 3339 with an offset, e.g. 2025-06-01T08:00:00+08:00 (t, z and a space for T accepted)',
  },
  // The message classes' time form (libs/contracts/src/message-rules.ts), as the AsyncAPI document says it.
  isDateTimeWithOffset: (meta) => dateTimeSchema((meta.constraints?.[0] as { fractionDigits: number }).fractionDigits),
  // singleDriveAxle needs axles ≥ 2: a rule over two fields, which the AsyncAPI document states.
  requiresAxlesAtLeast: {},
  // The validator's own protocols option (validator.js isURL defaults: http, https, ftp).
  isUrl: (meta) => {
    const protocols = (meta.constraints?.[0] as { protocols?: string[] } | undefined)?.protocols ?? [
      'http',
      'https',
      'ftp',
    ];
    return { type: 'string', format: 'uri', pattern: `^(${protocols.join('|')})://` };
  },
};

/** Names every decorator used by a DTO that no converter (default or custom) knows. */
function unconverted(include: (target: DtoClass) => boolean): string[] {
  const known = new Set([
    ...Object.keys(CUSTOM_CONVERTERS),
    ...Object.keys(require('class-validator-jsonschema/build/defaultConverters').defaultConverters),
  ]);
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<unknown, ValidationMetadata[]>;
    getTargetValidatorConstraints(target: unknown): { name: string }[];
  };
  const missing = new Set<string>();
  for (const metas of storage.validationMetadatas.values())
    for (const m of metas) {
      if (!include(m.target as DtoClass)) continue;
      const constraint = m.constraintCls ? storage.getTargetValidatorConstraints(m.constraintCls)[0] : undefined;
      const type = constraint?.name ?? m.type;
      if (!known.has(type)) missing.add(`${(m.target as { name?: string }).name}.${m.propertyName}: ${type}`);
    }
  return [...missing];
}

/**
 * Every class-validator DTO loaded so far as a JSON Schema, by class name, with `$ref`s under
 * `refPrefix` (OpenAPI: `#/components/schemas/`); `include` picks the classes whose decorators must all
 * be convertible (by default the DTOs, `…Dto`). Unknown properties are refused by every edge
 * (whitelist + forbidNonWhitelisted), so each object says `additionalProperties: false`.
 */
export function validatorSchemas(
  refPrefix: string,
  include: (target: DtoClass) => boolean = (t) => t.name.endsWith('Dto'),
): Record<string, JsonSchema> {
  const missing = unconverted(include);
  if (missing.length) throw new Error(`no JSON Schema converter for: ${missing.join(', ')}`);
  const schemas = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: refPrefix,
    additionalConverters: CUSTOM_CONVERTERS,
  }) as Record<string, JsonSchema>;
  for (const schema of Object.values(schemas)) schema.additionalProperties = false;
  return schemas;
}
