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
