import chineseDays from 'chinese-days/dist/chinese-days.json';
import { DomainError, DomainErrorCode, type DomainErrorDetail } from '../errors/domain-error';
import calendarOverridesFile from './calendar-overrides.json';
import { assertValidDate, MS_PER_DAY, MS_PER_MINUTE } from './time';
import { SHANGHAI_UTC_OFFSET_MINUTES } from './shanghai-day';

/**
 * The official working-day calendar (SPEC §4.10, docs/calendar.md): the State Council's annual holiday
 * schedule (国务院办公厅 节假日安排) with its 调休 weekend workdays, from the chinese-days package plus
 * calendar-overrides.json for the years the package lacks, plus the file OFFICIAL_CALENDAR_FILE names
 * (read at start). A year it does not know is never guessed.
 */

/** What the calendar says of one local date (Asia/Shanghai, `YYYY-MM-DD`). */
export type DayKind = 'WORKING_DAY' | 'REST_DAY' | 'UNKNOWN_YEAR';

export interface OfficialCalendar {
  /** The years whose schedule is known, ascending. */
  readonly knownYears: readonly number[];
  /**
   * The known years that are synthetic test data (a `source` starting with SYNTHETIC, from the runtime
   * file only): they let tests count deadlines past the real calendar; they are no State Council notice.
   */
  readonly syntheticYears: readonly number[];
  knowsYear(year: number): boolean;
  /** UNKNOWN_YEAR when the date's year is not known: never read that as a rest day. */
  dayKind(localDate: string): DayKind;
}

/** The shape of chinese-days' `dist/chinese-days.json`: date → "English name,中文名,days". */
export interface CalendarPackageData {
  /** Every day off of a holiday period, weekends inside it included. */
  readonly holidays: Readonly<Record<string, string>>;
  /** The weekend days made working days (调休上班). */
  readonly workdays: Readonly<Record<string, string>>;
  /** The weekdays given off in exchange; all of them are in `holidays` too, so they change nothing. */
  readonly inLieuDays?: Readonly<Record<string, string>>;
}

/** One year of calendar-overrides.json, copied from the State Council's notice for that year. */
export interface CalendarOverrideYear {
  /** The notice: its title and document number (国办发明电〔…〕…号). */
  readonly source: string;
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

export interface CalendarOverrides {
  readonly years: Readonly<Record<string, CalendarOverrideYear>>;
}

export interface OfficialCalendarSources {
  /** Default: the chinese-days package. */
  readonly packageData?: CalendarPackageData;
  /** Validated here (a file an operator edits); default: calendar-overrides.json. */
  readonly overrides?: unknown;
  /**
   * The file OFFICIAL_CALENDAR_FILE names, parsed: the overrides' format, validated the same way and
   * merged over the package and the overrides (a year it lists replaces theirs). `file` names it in errors.
   */
  readonly runtime?: { readonly file: string; readonly data: unknown };
}

/**
 * A year whose `source` starts with this is synthetic: made up so that tests and benchmarks can count
 * deadlines past the years the State Council has published. Accepted only from the runtime file
 * (OFFICIAL_CALENDAR_FILE), never from calendar-overrides.json, which ships with the product.
 */
export const SYNTHETIC_CALENDAR_SOURCE = 'SYNTHETIC';

export type WorkingDayDeadline =
  | { readonly ok: true; readonly dueBy: Date }
  | { readonly ok: false; readonly reason: 'CALENDAR_MISSING'; readonly year: number };

interface YearSchedule {
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
  readonly synthetic: boolean;
}

const OFFSET_MS = SHANGHAI_UTC_OFFSET_MINUTES * MS_PER_MINUTE;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_KEY = /^\d{4}$/;
const OVERRIDE_FILE_KEYS = new Set(['$comment', 'years']);
const OVERRIDE_YEAR_KEYS = new Set(['$comment', 'source', 'holidays', 'workdays']);

/**
 * Builds a calendar from the package's data and an override file, both validated: a bad source throws
 * a DomainError INVALID_ARGUMENT that names every bad year or date and why. A year listed in the
 * overrides replaces the package's data for that year entirely.
 */
export function officialCalendar(sources: OfficialCalendarSources = {}): OfficialCalendar {
  const packageYears = packageSchedules(sources.packageData ?? chineseDays);
  const overrideYears = overrideSchedules(sources.overrides ?? calendarOverridesFile, 'calendar overrides', false);
  const runtimeYears = sources.runtime
    ? overrideSchedules(sources.runtime.data, `OFFICIAL_CALENDAR_FILE (${sources.runtime.file})`, true)
    : new Map<number, YearSchedule>();
  const schedules = new Map([...packageYears, ...overrideYears, ...runtimeYears]);
  const knownYears = Object.freeze([...schedules.keys()].sort((a, b) => a - b));
  const syntheticYears = Object.freeze(knownYears.filter((year) => schedules.get(year)!.synthetic));
  return Object.freeze({
    knownYears,
    syntheticYears,
    knowsYear: (year: number) => schedules.has(year),
    dayKind(localDate: string): DayKind {
      const epochDay = parseLocalDate(localDate);
      if (epochDay === undefined) {
        throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `not a date (YYYY-MM-DD): ${localDate}`, [
          { field: 'localDate', message: 'must be a date YYYY-MM-DD' },
        ]);
      }
      const schedule = schedules.get(yearOfEpochDay(epochDay));
      if (!schedule) return 'UNKNOWN_YEAR';
      if (schedule.holidays.has(localDate)) return 'REST_DAY';
      if (schedule.workdays.has(localDate)) return 'WORKING_DAY';
      return isWeekend(epochDay) ? 'REST_DAY' : 'WORKING_DAY';
    },
  });
}

/** The package's data and calendar-overrides.json, loaded once: what the product ships. */
export const OFFICIAL_CALENDAR: OfficialCalendar = officialCalendar();

let calendarInUse: OfficialCalendar = OFFICIAL_CALENDAR;

/**
 * The calendar this process counts with when a caller names none: OFFICIAL_CALENDAR, or what the app
 * installed at start from OFFICIAL_CALENDAR_FILE (libs/config `loadConfigOrExit`).
 */
export function officialCalendarInUse(): OfficialCalendar {
  return calendarInUse;
}

/** Called once at start, before anything counts a deadline (a process has one calendar). */
export function installOfficialCalendar(calendar: OfficialCalendar): void {
  calendarInUse = calendar;
}

/**
 * The end of the `days`-th working day after the local day of `trigger`, as the instant it ends: 24:00
 * Asia/Shanghai, i.e. 00:00:00.000 of the next local day, so the deadline has passed once
 * `now >= dueBy`. The trigger's own day does not count (民法典 第二百零一条: 开始的当日不计入) and a
 * period ends at 24:00 of its last day (第二百零三条); a trigger at exactly local midnight is 24:00 of
 * the day before and belongs to it. `days = 0` gives the end of the trigger's day. When a day that must
 * be examined lies in a year the calendar does not know, the answer is CALENDAR_MISSING with that year.
 */
export function workingDayDeadline(
  trigger: Date,
  days: number,
  calendar: OfficialCalendar = officialCalendarInUse(),
): WorkingDayDeadline {
  assertValidDate(trigger, 'trigger');
  if (!Number.isInteger(days) || days < 0) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `days must be an integer >= 0, got ${days}`, [
      { field: 'days', message: 'must be an integer >= 0' },
    ]);
  }
  // Local midnight is the end of the previous day, hence ceil − 1 rather than floor.
  let epochDay = Math.ceil((trigger.getTime() + OFFSET_MS) / MS_PER_DAY) - 1;
  for (let remaining = days; remaining > 0;) {
    epochDay++;
    const year = yearOfEpochDay(epochDay);
    if (!calendar.knowsYear(year)) return { ok: false, reason: 'CALENDAR_MISSING', year };
    if (calendar.dayKind(formatEpochDay(epochDay)) === 'WORKING_DAY') remaining--;
  }
  const dueBy = new Date((epochDay + 1) * MS_PER_DAY - OFFSET_MS);
  assertValidDate(dueBy, 'trigger + days'); // only at the very end of the Date range
  return { ok: true, dueBy };
}

/**
 * The last local date (`YYYY-MM-DD`) up to which every day from `from` on is known, so that ops can
 * alert before the calendar runs out; pass the current time. Without `from`: from the first known year.
 * null when `from`'s year (or, without it, every year) is unknown. `realOnly`: synthetic years count as
 * unknown (what the State Council has published).
 */
export function calendarKnownUntil(
  calendar: OfficialCalendar = officialCalendarInUse(),
  from?: Date,
  { realOnly = false }: { realOnly?: boolean } = {},
): string | null {
  const knows = (y: number) => calendar.knowsYear(y) && !(realOnly && calendar.syntheticYears.includes(y));
  let year: number | undefined;
  if (from === undefined) {
    year = calendar.knownYears.find(knows);
  } else {
    assertValidDate(from, 'from');
    year = yearOfEpochDay(Math.floor((from.getTime() + OFFSET_MS) / MS_PER_DAY));
  }
  if (year === undefined || !knows(year)) return null;
  while (knows(year + 1)) year++;
  return `${year}-12-31`;
}

function packageSchedules(data: CalendarPackageData): Map<number, YearSchedule> {
  const problems: DomainErrorDetail[] = [];
  const holidays = dateKeys(data.holidays, 'holidays', problems);
  const workdays = dateKeys(data.workdays, 'workdays', problems);
  const inLieuDays = data.inLieuDays === undefined ? [] : dateKeys(data.inLieuDays, 'inLieuDays', problems);
  const holidaySet = new Set(holidays);
  for (const date of inLieuDays) {
    if (!holidaySet.has(date)) problems.push({ field: 'inLieuDays', message: `${date} is not a holiday` });
  }
  const byYear = new Map<number, { holidays: string[]; workdays: string[] }>();
  for (const date of holidays) yearEntry(byYear, date).holidays.push(date);
  for (const date of workdays) {
    const entry = byYear.get(Number(date.slice(0, 4)));
    if (entry) entry.workdays.push(date);
    else problems.push({ field: 'workdays', message: `${date}: the package has no holiday in its year` });
  }
  const schedules = new Map<number, YearSchedule>();
  for (const [year, entry] of byYear) {
    const schedule = yearSchedule(year, entry.holidays, entry.workdays, '', problems);
    if (schedule) schedules.set(year, schedule);
  }
  throwIfAny('chinese-days calendar data', problems);
  return schedules;
}

function overrideSchedules(raw: unknown, source: string, syntheticAllowed: boolean): Map<number, YearSchedule> {
  const problems: DomainErrorDetail[] = [];
  const schedules = new Map<number, YearSchedule>();
  if (!isPlainObject(raw)) {
    problems.push({ message: 'must be an object { "years": { "YYYY": {…} } }' });
  } else {
    for (const key of Object.keys(raw)) {
      if (!OVERRIDE_FILE_KEYS.has(key)) {
        problems.push({ field: key, message: `unknown key "${key}" (only "years", "$comment")` });
      }
    }
    if (!isPlainObject(raw.years)) {
      problems.push({ field: 'years', message: '"years" must be an object keyed by year' });
    } else {
      for (const [yearKey, entry] of Object.entries(raw.years)) {
        const schedule = overrideYear(yearKey, entry, syntheticAllowed, problems);
        if (schedule) schedules.set(Number(yearKey), schedule);
      }
    }
  }
  throwIfAny(source, problems);
  return schedules;
}

function overrideYear(
  yearKey: string,
  entry: unknown,
  syntheticAllowed: boolean,
  problems: DomainErrorDetail[],
): YearSchedule | undefined {
  const field = `years.${yearKey}`;
  if (!YEAR_KEY.test(yearKey)) {
    problems.push({ field, message: `year ${yearKey}: not a year YYYY` });
    return undefined;
  }
  if (!isPlainObject(entry)) {
    problems.push({ field, message: `year ${yearKey}: must be an object { source, holidays, workdays }` });
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(entry)) {
    if (!OVERRIDE_YEAR_KEYS.has(key)) {
      problems.push({ field: `${field}.${key}`, message: `year ${yearKey}: unknown key "${key}"` });
    }
  }
  if (typeof entry.source !== 'string' || entry.source.trim() === '') {
    problems.push({
      field: `${field}.source`,
      message: `year ${yearKey}: source must name the State Council notice it was copied from`,
    });
  }
  const synthetic = typeof entry.source === 'string' && entry.source.trimStart().startsWith(SYNTHETIC_CALENDAR_SOURCE);
  if (synthetic && !syntheticAllowed) {
    problems.push({
      field: `${field}.source`,
      message: `year ${yearKey}: a ${SYNTHETIC_CALENDAR_SOURCE} year is test data; only OFFICIAL_CALENDAR_FILE may hold one`,
    });
  }
  const holidays = dateList(entry.holidays, `${field}.holidays`, yearKey, problems);
  const workdays = dateList(entry.workdays, `${field}.workdays`, yearKey, problems);
  if (holidays && holidays.length === 0) {
    problems.push({ field: `${field}.holidays`, message: `year ${yearKey}: no holidays (every year has 元旦)` });
  }
  if (!holidays || !workdays) return undefined;
  const schedule = yearSchedule(Number(yearKey), holidays, workdays, `${field}.`, problems);
  return problems.length === before && schedule ? { ...schedule, synthetic } : undefined;
}

/** The checks both sources share: real dates, in their year, not both lists, workdays on weekends. */
function yearSchedule(
  year: number,
  holidays: readonly string[],
  workdays: readonly string[],
  fieldPrefix: string,
  problems: DomainErrorDetail[],
): YearSchedule | undefined {
  const before = problems.length;
  const label = `year ${year}`;
  const check = (date: string, list: 'holidays' | 'workdays', seen: Set<string>) => {
    const field = fieldPrefix + list;
    const epochDay = parseLocalDate(date);
    if (epochDay === undefined) {
      problems.push({ field, message: `${label}: "${date}" is not a date YYYY-MM-DD` });
    } else if (yearOfEpochDay(epochDay) !== year) {
      problems.push({ field, message: `${label}: ${date} is outside ${year}` });
    } else if (seen.has(date)) {
      problems.push({ field, message: `${label}: ${date} is listed twice` });
    } else if (list === 'workdays' && !isWeekend(epochDay)) {
      // A 调休 workday is a Saturday or Sunday made working; a Monday–Friday is working anyway (a typo).
      problems.push({ field, message: `${label}: ${date} is a Monday–Friday, not a 调休 weekend workday` });
    }
    seen.add(date);
  };
  const holidaySet = new Set<string>();
  const workdaySet = new Set<string>();
  for (const date of holidays) check(date, 'holidays', holidaySet);
  for (const date of workdays) {
    check(date, 'workdays', workdaySet);
    if (holidaySet.has(date)) {
      problems.push({ field: `${fieldPrefix}workdays`, message: `${label}: ${date} is both a holiday and a workday` });
    }
  }
  return problems.length === before ? { holidays: holidaySet, workdays: workdaySet, synthetic: false } : undefined;
}

function dateKeys(record: unknown, field: string, problems: DomainErrorDetail[]): string[] {
  if (!isPlainObject(record)) {
    problems.push({ field, message: `${field} must be an object keyed by date` });
    return [];
  }
  return Object.keys(record);
}

function dateList(value: unknown, field: string, yearKey: string, problems: DomainErrorDetail[]): string[] | null {
  if (!Array.isArray(value)) {
    problems.push({ field, message: `year ${yearKey}: must be a list of dates YYYY-MM-DD` });
    return null;
  }
  const dates: string[] = [];
  value.forEach((date: unknown, i) => {
    if (typeof date === 'string') dates.push(date);
    else problems.push({ field: `${field}[${i}]`, message: `year ${yearKey}: ${JSON.stringify(date)} is not a date` });
  });
  return dates;
}

function yearEntry(byYear: Map<number, { holidays: string[]; workdays: string[] }>, date: string) {
  // A malformed key is reported by yearSchedule; grouping by its first four characters is enough here.
  const year = Number(date.slice(0, 4));
  let entry = byYear.get(year);
  if (!entry) byYear.set(year, (entry = { holidays: [], workdays: [] }));
  return entry;
}

function throwIfAny(source: string, problems: readonly DomainErrorDetail[]): void {
  if (problems.length === 0) return;
  const list = problems.map((p) => p.message).join('; ');
  throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `Invalid ${source}: ${list}`, problems);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Days since 1970-01-01 of a strict `YYYY-MM-DD` that names a real date; undefined otherwise. */
function parseLocalDate(localDate: string): number | undefined {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  utc.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return undefined;
  return utc.getTime() / MS_PER_DAY;
}

function formatEpochDay(epochDay: number): string {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

function yearOfEpochDay(epochDay: number): number {
  return new Date(epochDay * MS_PER_DAY).getUTCFullYear();
}

/** 1970-01-01 was a Thursday. */
function isWeekend(epochDay: number): boolean {
  const weekday = (((epochDay + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
}
