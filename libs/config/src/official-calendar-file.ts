import { readFileSync } from 'node:fs';
import {
  DomainError,
  OFFICIAL_CALENDAR,
  officialCalendar,
  officialCalendarInUse,
  type OfficialCalendar,
} from '@oc/domain';

/**
 * The calendar a process counts with (docs/calendar.md): the built-in one (the chinese-days package and
 * calendar-overrides.json), with the file OFFICIAL_CALENDAR_FILE names merged over it. Throws an Error
 * whose message starts with OFFICIAL_CALENDAR_FILE and says what is wrong: unreadable, not JSON, or each
 * bad year or date (checked as calendar-overrides.json is).
 */
export function readOfficialCalendarFile(file: string | undefined): OfficialCalendar {
  if (file === undefined) return OFFICIAL_CALENDAR;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`OFFICIAL_CALENDAR_FILE cannot be read (${file}): ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`OFFICIAL_CALENDAR_FILE is not JSON (${file}): ${(error as Error).message}`);
  }
  try {
    return officialCalendar({ runtime: { file, data } });
  } catch (error) {
    // "Invalid OFFICIAL_CALENDAR_FILE (…): year 2027: …", naming each problem.
    if (error instanceof DomainError) throw new Error(error.message);
    throw error;
  }
}

/** What an app logs at start when its calendar holds synthetic years (test data, not the State Council's). */
export function syntheticCalendarWarning(calendar: OfficialCalendar = officialCalendarInUse()): string | undefined {
  if (calendar.syntheticYears.length === 0) return undefined;
  return (
    `OFFICIAL_CALENDAR_FILE holds SYNTHETIC years ${calendar.syntheticYears.join(', ')}: made-up test data, ` +
    "not the State Council's schedule; their deadlines are not real (docs/calendar.md)"
  );
}
