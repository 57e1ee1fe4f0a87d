import { writeFileSync } from 'node:fs';
import {
  OFFICIAL_CALENDAR,
  SYNTHETIC_CALENDAR_SOURCE,
  type CalendarOverrideYear,
  type OfficialCalendar,
} from '@oc/domain';

const OFFSET_MS = 8 * 3600_000;

/** The `source` of every synthetic year: the marker the calendar reads, and why the year exists. */
export const SYNTHETIC_YEAR_SOURCE =
  `${SYNTHETIC_CALENDAR_SOURCE} test year, made up so that tests and benchmarks can count deadlines past ` +
  "the State Council's published years: NOT a State Council notice, never deploy it (docs/calendar.md)";

/** A file in calendar-overrides.json's format, for OFFICIAL_CALENDAR_FILE. */
export interface CalendarFile {
  $comment: string;
  years: Record<string, CalendarOverrideYear>;
}

/**
 * The years a test run at `now` may count into that `calendar` (the built-in one) does not know: from
 * the first unknown year after its last known one through the year after `now`'s (Asia/Shanghai), so
 * that a deadline counted from any day of this year ends in a known year. Empty once the real calendar
 * reaches that far.
 */
export function missingCalendarYears(now: Date, calendar: OfficialCalendar = OFFICIAL_CALENDAR): number[] {
  const thisYear = new Date(now.getTime() + OFFSET_MS).getUTCFullYear();
  const lastKnown = Math.max(...calendar.knownYears);
  const years: number[] = [];
  for (let year = lastKnown + 1; year <= thisYear + 1; year++) if (!calendar.knowsYear(year)) years.push(year);
  return years;
}

/**
 * SYNTHETIC years for OFFICIAL_CALENDAR_FILE (docs/calendar.md): 1 January off (every real year has 元旦;
 * the checks want one holiday), no 调休, otherwise Monday to Friday. Their dates are not a guess at the
 * real schedule; each year's source says so, and calendar-overrides.json refuses them.
 */
export function syntheticCalendar(years: readonly number[]): CalendarFile {
  return {
    $comment:
      'SYNTHETIC: made up for a test or benchmark run (libs/simulation/src/synthetic-calendar.ts); not a State ' +
      'Council notice. A deadline counted on these years is not a real one. Never copy into calendar-overrides.json.',
    years: Object.fromEntries(
      years.map((year) => [String(year), { source: SYNTHETIC_YEAR_SOURCE, holidays: [`${year}-01-01`], workdays: [] }]),
    ),
  };
}

/** Writes the synthetic years a run at `now` needs to `file` (see missingCalendarYears); returns the years. */
export function writeSyntheticCalendarFile(file: string, now: Date = new Date()): number[] {
  const years = missingCalendarYears(now);
  writeFileSync(file, `${JSON.stringify(syntheticCalendar(years), null, 2)}\n`);
  return years;
}
