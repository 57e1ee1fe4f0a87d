import { DomainError, DomainErrorCode } from '../errors/domain-error';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** Adds whole 24-hour days; Asia/Shanghai has no DST, so a day is always 86,400,000 ms. */
export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * MS_PER_DAY);
}

export function assertValidDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `${field} is not a valid Date`, [
      { field, message: 'must be a valid Date' },
    ]);
  }
}

/** Code-unit order: deterministic everywhere, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
