import { officialCalendar, workingDayDeadline } from '@oc/domain';
import { missingCalendarYears, syntheticCalendar, SYNTHETIC_YEAR_SOURCE } from './synthetic-calendar';

const sh = (local: string) => new Date(`${local}+08:00`);
/** The package's data alone (2004–2026), whatever the shipped override file comes to hold. */
const PACKAGE_ONLY = officialCalendar({ overrides: { years: {} } });

describe('synthetic calendar years for test runs (OFFICIAL_CALENDAR_FILE, docs/calendar.md)', () => {
  it.each([
    ['early in the last known year', sh('2026-03-01T10:00:00'), [2027]],
    ['in its last weeks', sh('2026-12-28T10:00:00'), [2027]],
    ['past it', sh('2027-01-10T10:00:00'), [2027, 2028]],
    ['years past it', sh('2030-12-31T23:59:00'), [2027, 2028, 2029, 2030, 2031]],
    // 2027-01-01T00:30 in Shanghai is still 2026 in UTC.
    ['by the Shanghai date', new Date('2026-12-31T16:30:00Z'), [2027, 2028]],
  ])('%s: the unknown years through the next one', (_case, now, years) => {
    expect(missingCalendarYears(now, PACKAGE_ONLY)).toEqual(years);
  });

  it('never a year the built-in calendar knows', () => {
    const with2027 = officialCalendar({
      overrides: { years: { '2027': { source: 'a notice', holidays: ['2027-01-01'], workdays: [] } } },
    });
    expect(missingCalendarYears(sh('2026-12-28T10:00:00'), with2027)).toEqual([]);
    expect(missingCalendarYears(sh('2027-12-28T10:00:00'), with2027)).toEqual([2028]);
  });

  it('is a valid runtime file whose years are all marked SYNTHETIC, and makes a deadline from now a date', () => {
    const file = syntheticCalendar([2027, 2028]);
    expect(Object.values(file.years).every((y) => y.source === SYNTHETIC_YEAR_SOURCE)).toBe(true);
    expect(SYNTHETIC_YEAR_SOURCE).toMatch(/^SYNTHETIC .*NOT a State Council notice/);
    const calendar = officialCalendar({ overrides: { years: {} }, runtime: { file: 'synthetic.json', data: file } });
    expect(calendar.syntheticYears).toEqual([2027, 2028]);
    expect(workingDayDeadline(sh('2026-12-28T10:00:00'), 10, PACKAGE_ONLY)).toMatchObject({ ok: false, year: 2027 });
    // 29–31 Dec, then 1 Jan off, then 4–8 and 11, 12 Jan.
    expect(workingDayDeadline(sh('2026-12-28T10:00:00'), 10, calendar)).toEqual({
      ok: true,
      dueBy: sh('2027-01-13T00:00:00'),
    });
  });

  it('cannot be shipped: calendar-overrides.json refuses its years', () => {
    expect(() => officialCalendar({ overrides: syntheticCalendar([2027]) })).toThrow(/a SYNTHETIC year is test data/);
  });
});
