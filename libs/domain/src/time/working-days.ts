import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { assertValidDate, MS_PER_DAY, MS_PER_MINUTE } from './time';

/** Asia/Shanghai is UTC+8 all year (no DST since 1991). */
export const SHANGHAI_UTC_OFFSET_MINUTES = 480;

/** The first instant of the Asia/Shanghai calendar day of `instant` (statistics are by local day). */
export function startOfShanghaiDay(instant: Date): Date {
  assertValidDate(instant, 'instant');
  const offsetMs = SHANGHAI_UTC_OFFSET_MINUTES * MS_PER_MINUTE;
  const local = new Date(instant.getTime() + offsetMs);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetMs);
}

/**
 * The last millisecond of the `days`-th working day after the local calendar day of `start`
 * (the day of `start` itself does not count; 0 gives the end of that day). Working days are Monday to
 * Friday in the zone of `utcOffsetMinutes`.
 *
 * Out of scope: statutory holidays (法定节假日) and the weekend make-up working days (调休) of the State
 * Council calendar; they change yearly and would have to come from configuration.
 */
export function addWorkingDays(
  start: Date,
  days: number,
  utcOffsetMinutes: number = SHANGHAI_UTC_OFFSET_MINUTES,
): Date {
  assertValidDate(start, 'start');
  if (!Number.isInteger(days) || days < 0) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `days must be an integer >= 0, got ${days}`);
  }
  const offsetMs = utcOffsetMinutes * MS_PER_MINUTE;
  // Local wall-clock time expressed on the UTC axis: its UTC fields are the local fields.
  const local = new Date(start.getTime() + offsetMs);
  let dayStartMs = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  for (let remaining = days; remaining > 0;) {
    dayStartMs += MS_PER_DAY;
    const weekday = new Date(dayStartMs).getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining--;
  }
  return new Date(dayStartMs + MS_PER_DAY - 1 - offsetMs);
}

/** §4.4: publication (失信公示) is due by the end of the PUBLICATION_DEADLINE_WORKING_DAYS-th working day after listing. */
export function publicationDueBy(listedAt: Date, workingDays: number): Date {
  return addWorkingDays(listedAt, workingDays);
}

/** Overdue once `now` is past the due instant (the due day itself is still in time). */
export function isPublicationOverdue(listedAt: Date, now: Date, workingDays: number): boolean {
  assertValidDate(now, 'now');
  return now.getTime() > publicationDueBy(listedAt, workingDays).getTime();
}
