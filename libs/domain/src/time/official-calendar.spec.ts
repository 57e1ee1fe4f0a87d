import { DomainError, DomainErrorCode } from '../errors/domain-error';
import shippedOverrides from './calendar-overrides.json';
import {
  calendarKnownUntil,
  installOfficialCalendar,
  OFFICIAL_CALENDAR,
  officialCalendar,
  officialCalendarInUse,
  SYNTHETIC_CALENDAR_SOURCE,
  workingDayDeadline,
  type CalendarOverrideYear,
} from './official-calendar';
import { isPublicationOverdue, publicationDueBy } from './publication-deadline';

const sh = (local: string) => new Date(`${local}+08:00`);
const due = (local: string) => ({ ok: true, dueBy: sh(local) });
const missing = (year: number) => ({ ok: false, reason: 'CALENDAR_MISSING', year });

/** The package's data alone, whatever the shipped override file comes to hold. */
const PACKAGE_ONLY = officialCalendar({ overrides: { years: {} } });
const NO_PACKAGE = { holidays: {}, workdays: {} };

/** A made-up year for tests (not 2027's schedule, which nobody knows yet): a weekday off, a Saturday on. */
const FIXTURE_2027: CalendarOverrideYear = {
  source: 'test fixture, not a State Council notice',
  holidays: ['2027-01-01', '2027-01-04'],
  workdays: ['2027-01-09'],
};

describe('workingDayDeadline on the official calendar (SPEC §4.10)', () => {
  it.each([
    ['00:00:00.001', '2026-09-28T00:00:00.001'],
    ['09:30', '2026-09-28T09:30:00'],
    ['23:59:59.999', '2026-09-28T23:59:59.999'],
    ['24:00 (= 29 Sep 00:00)', '2026-09-29T00:00:00'],
  ])('notice served on 28 Sep 2026 at %s: 5 working days end at 24:00 on 10 Oct (调休 Saturday)', (_at, served) => {
    // 29, 30 Sep; 1–7 Oct National Day; 8, 9 Oct; Saturday 10 Oct is a 调休 workday.
    expect(workingDayDeadline(sh(served), 5)).toEqual(due('2026-10-11T00:00:00'));
  });

  it('a trigger at 00:00 on 28 Sep is 24:00 on 27 Sep, so 28 Sep is the first day counted', () => {
    expect(workingDayDeadline(sh('2026-09-28T00:00:00'), 5)).toEqual(due('2026-10-10T00:00:00'));
  });

  it('publication within 7 working days of an effect at 2026-10-11T00:00 counts from 11 Oct', () => {
    // That instant is 24:00 on 10 Oct; 11 Oct is a Sunday; 12–16 and 19, 20 Oct are the 7 working days.
    expect(workingDayDeadline(sh('2026-10-11T00:00:00'), 7)).toEqual(due('2026-10-21T00:00:00'));
  });

  it.each([
    // The midnight that starts a working day belongs to the day before, so that working day is counted.
    ['Sat 10 Oct 00:00 (24:00 on 9 Oct)', '2026-10-10T00:00:00', '2026-10-11T00:00:00'],
    ['Sat 10 Oct 00:00:00.001', '2026-10-10T00:00:00.001', '2026-10-13T00:00:00'],
    ['Mon 12 Oct 00:00 (24:00 on Sunday)', '2026-10-12T00:00:00', '2026-10-13T00:00:00'],
    ['Mon 12 Oct 00:00:00.001', '2026-10-12T00:00:00.001', '2026-10-14T00:00:00'],
  ])('1 working day after %s', (_case, trigger, dueBy) => {
    expect(workingDayDeadline(sh(trigger), 1)).toEqual(due(dueBy));
  });

  it.each([
    ['Spring Festival: Fri 13 Feb + 1 → Sat 14 Feb (调休)', '2026-02-13T10:00:00', 1, '2026-02-15T00:00:00'],
    ['Spring Festival: Fri 13 Feb + 2 → Tue 24 Feb (15–23 Feb off)', '2026-02-13T10:00:00', 2, '2026-02-25T00:00:00'],
    ['Spring Festival: Sat 14 Feb (调休) + 1 → Tue 24 Feb', '2026-02-14T18:00:00', 1, '2026-02-25T00:00:00'],
    ['Spring Festival: Thu 26 Feb + 2 → Sat 28 Feb (调休)', '2026-02-26T10:00:00', 2, '2026-03-01T00:00:00'],
    ['元旦: Fri 2 Jan (holiday) + 1 → Sun 4 Jan (调休)', '2026-01-02T09:00:00', 1, '2026-01-05T00:00:00'],
    ['National Day: Fri 18 Sep + 1 → Sun 20 Sep (调休)', '2026-09-18T16:00:00', 1, '2026-09-21T00:00:00'],
    ['Labour Day: Thu 30 Apr + 1 → Wed 6 May (1–5 May off)', '2026-04-30T10:00:00', 1, '2026-05-07T00:00:00'],
    ['Labour Day: Thu 30 Apr + 4 → Sat 9 May (调休)', '2026-04-30T10:00:00', 4, '2026-05-10T00:00:00'],
    ['plain weekend: Fri 13 Mar + 1 → Mon 16 Mar', '2026-03-13T15:00:00', 1, '2026-03-17T00:00:00'],
    ['plain weekend: Sat 14 Mar + 5 → Fri 20 Mar', '2026-03-14T15:00:00', 5, '2026-03-21T00:00:00'],
    ['0 days: 24:00 of the trigger’s day', '2026-10-01T08:00:00', 0, '2026-10-02T00:00:00'],
    ['0 days at 00:00: the trigger itself (24:00 of the day before)', '2026-10-02T00:00:00', 0, '2026-10-02T00:00:00'],
  ])('%s', (_case, trigger, days, dueBy) => {
    expect(workingDayDeadline(sh(trigger), days)).toEqual(due(dueBy));
  });

  describe('at the end of the known years (2026 is the package’s last)', () => {
    it.each([
      ['Thu 24 Dec + 5 ends on 31 Dec', '2026-12-24T10:00:00', 5, due('2027-01-01T00:00:00')],
      ['Thu 24 Dec + 6 needs 2027', '2026-12-24T10:00:00', 6, missing(2027)],
      ['Wed 30 Dec + 2 needs 2027', '2026-12-30T12:00:00', 2, missing(2027)],
      ['Thu 31 Dec + 0 examines no day', '2026-12-31T12:00:00', 0, due('2027-01-01T00:00:00')],
      ['1 Jan 2027 00:00 + 0 is 24:00 on 31 Dec', '2027-01-01T00:00:00', 0, due('2027-01-01T00:00:00')],
      ['1 Jan 2027 00:00 + 1 needs 2027', '2027-01-01T00:00:00', 1, missing(2027)],
      ['a trigger in 2027 + 0 examines no day', '2027-03-01T10:00:00', 0, due('2027-03-02T00:00:00')],
    ])('%s', (_case, trigger, days, expected) => {
      expect(workingDayDeadline(sh(trigger), days, PACKAGE_ONLY)).toEqual(expected);
    });

    it('a year before the known ones is missing too', () => {
      expect(workingDayDeadline(sh('2003-12-30T10:00:00'), 1, PACKAGE_ONLY)).toEqual(missing(2003));
    });

    it('an override year fills the gap, holidays and 调休 Saturday included', () => {
      const calendar = officialCalendar({ overrides: { years: { '2027': FIXTURE_2027 } } });
      // 1 Jan off, 2–3 weekend, 4 Jan off, 5–8 Jan, Saturday 9 Jan on.
      expect(workingDayDeadline(sh('2026-12-31T10:00:00'), 1, calendar)).toEqual(due('2027-01-06T00:00:00'));
      expect(workingDayDeadline(sh('2026-12-31T10:00:00'), 5, calendar)).toEqual(due('2027-01-10T00:00:00'));
      expect(workingDayDeadline(sh('2027-12-31T10:00:00'), 1, calendar)).toEqual(missing(2028));
    });
  });

  it('an override year replaces the package’s data for that year entirely', () => {
    const calendar = officialCalendar({
      overrides: { years: { '2026': { source: 'test fixture', holidays: ['2026-01-01'], workdays: [] } } },
    });
    // National Day and the 调休 Saturday of the package are gone: 29, 30 Sep, 1, 2, 5 Oct.
    expect(workingDayDeadline(sh('2026-09-28T10:00:00'), 5, calendar)).toEqual(due('2026-10-06T00:00:00'));
    expect(calendar.dayKind('2026-10-10')).toBe('REST_DAY');
    expect(calendar.dayKind('2026-02-16')).toBe('WORKING_DAY');
    expect(calendar.dayKind('2025-10-01')).toBe('REST_DAY'); // other years keep the package's data
  });

  it.each([
    ['negative days', sh('2026-03-02T10:00:00'), -1],
    ['fractional days', sh('2026-03-02T10:00:00'), 1.5],
    ['NaN days', sh('2026-03-02T10:00:00'), NaN],
    ['infinite days', sh('2026-03-02T10:00:00'), Infinity],
    ['an invalid trigger', new Date(NaN), 1],
  ])('rejects %s', (_case, trigger, days) => {
    expect(() => workingDayDeadline(trigger, days)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.INVALID_ARGUMENT }),
    );
  });
});

describe('OfficialCalendar.dayKind', () => {
  it.each([
    ['2026-10-09', 'WORKING_DAY'], // Friday
    ['2026-10-10', 'WORKING_DAY'], // 调休 Saturday
    ['2026-09-20', 'WORKING_DAY'], // 调休 Sunday
    ['2026-10-01', 'REST_DAY'], // National Day, a Thursday
    ['2026-10-11', 'REST_DAY'], // plain Sunday
    ['2026-03-14', 'REST_DAY'], // plain Saturday
    ['2027-01-04', 'UNKNOWN_YEAR'], // a Monday, but 2027 is not known
  ])('%s is %s', (date, kind) => {
    expect(PACKAGE_ONLY.dayKind(date)).toBe(kind);
  });

  it.each(['2026-13-01', '2026-02-29', '26-01-01', '2026-1-1', '2026-01-01T00:00'])('rejects %s', (date) => {
    expect(() => PACKAGE_ONLY.dayKind(date)).toThrow(DomainError);
  });
});

describe('the default calendar', () => {
  it('knows the package’s years (2004–2026) and the years of the shipped override file, nothing else', () => {
    const packageYears = Array.from({ length: 23 }, (_, i) => 2004 + i);
    const overrideYears = Object.keys(shippedOverrides.years).map(Number);
    const expected = [...new Set([...packageYears, ...overrideYears])].sort((a, b) => a - b);
    expect(OFFICIAL_CALENDAR.knownYears).toEqual(expected);
    expect(PACKAGE_ONLY.knownYears).toEqual(packageYears);
  });

  it('is the calendar deadlines use when none is given', () => {
    const calendar = officialCalendar({ packageData: NO_PACKAGE, overrides: { years: {} } });
    expect(workingDayDeadline(sh('2026-09-28T10:00:00'), 5, calendar)).toEqual(missing(2026));
    expect(workingDayDeadline(sh('2026-09-28T10:00:00'), 5)).toEqual(due('2026-10-11T00:00:00'));
  });
});

describe('the runtime file (OFFICIAL_CALENDAR_FILE)', () => {
  const SYNTHETIC_2027: CalendarOverrideYear = {
    source: `${SYNTHETIC_CALENDAR_SOURCE} test year, not a State Council notice`,
    holidays: ['2027-01-01'],
    workdays: [],
  };
  const runtime = (years: Record<string, unknown>) => ({ file: '/etc/oc/calendar.json', data: { years } });

  it('adds the years it lists, counted as the overrides are', () => {
    const calendar = officialCalendar({ runtime: runtime({ '2027': FIXTURE_2027 }) });
    expect(calendar.knowsYear(2027)).toBe(true);
    expect(calendar.syntheticYears).toEqual([]);
    expect(workingDayDeadline(sh('2026-12-31T10:00:00'), 5, calendar)).toEqual(due('2027-01-10T00:00:00'));
    // Real dates count as before: the package's 2026.
    expect(workingDayDeadline(sh('2026-09-28T10:00:00'), 5, calendar)).toEqual(due('2026-10-11T00:00:00'));
  });

  it('replaces a year of the package or of the overrides entirely, like the overrides do', () => {
    const calendar = officialCalendar({
      overrides: { years: { '2027': FIXTURE_2027 } },
      runtime: runtime({
        '2026': { source: 'test fixture', holidays: ['2026-01-01'], workdays: [] },
        '2027': SYNTHETIC_2027,
      }),
    });
    expect(calendar.dayKind('2026-10-01')).toBe('WORKING_DAY');
    expect(calendar.dayKind('2027-01-04')).toBe('WORKING_DAY'); // FIXTURE_2027's day off is gone
  });

  it('marks a year whose source starts with SYNTHETIC as synthetic', () => {
    const calendar = officialCalendar({
      runtime: runtime({ '2027': SYNTHETIC_2027, '2028': { ...FIXTURE_2027, holidays: ['2028-01-01'], workdays: [] } }),
    });
    expect(calendar.syntheticYears).toEqual([2027]);
    expect(calendarKnownUntil(calendar, sh('2026-12-03T10:00:00'))).toBe('2028-12-31');
    expect(calendarKnownUntil(calendar, sh('2026-12-03T10:00:00'), { realOnly: true })).toBe('2026-12-31');
    expect(calendarKnownUntil(calendar, sh('2027-06-01T10:00:00'), { realOnly: true })).toBeNull();
  });

  it('is checked as the override file is, the file named in the message', () => {
    expect(() =>
      officialCalendar({ runtime: runtime({ '2027': { ...FIXTURE_2027, workdays: ['2027-01-08'] } }) }),
    ).toThrow(
      /^Invalid OFFICIAL_CALENDAR_FILE \(\/etc\/oc\/calendar\.json\): year 2027: 2027-01-08 is a Monday–Friday/,
    );
    expect(() => officialCalendar({ runtime: { file: 'x.json', data: [] } })).toThrow(
      /^Invalid OFFICIAL_CALENDAR_FILE \(x\.json\): must be an object/,
    );
  });

  it('a SYNTHETIC year is refused from calendar-overrides.json, which ships with the product', () => {
    expect(() => officialCalendar({ overrides: { years: { '2027': SYNTHETIC_2027 } } })).toThrow(
      /^Invalid calendar overrides: year 2027: a SYNTHETIC year is test data; only OFFICIAL_CALENDAR_FILE may hold one/,
    );
    expect(OFFICIAL_CALENDAR.syntheticYears).toEqual([]);
  });

  it('once installed, is what deadlines count with when no calendar is named', () => {
    expect(officialCalendarInUse()).toBe(OFFICIAL_CALENDAR);
    const withSynthetic = officialCalendar({ overrides: { years: {} }, runtime: runtime({ '2027': SYNTHETIC_2027 }) });
    try {
      installOfficialCalendar(PACKAGE_ONLY);
      expect(workingDayDeadline(sh('2026-12-31T10:00:00'), 5)).toEqual(missing(2027));
      installOfficialCalendar(withSynthetic);
      expect(workingDayDeadline(sh('2026-12-31T10:00:00'), 5)).toEqual(due('2027-01-09T00:00:00'));
      expect(publicationDueBy(sh('2026-12-31T10:00:00'), 5)).toEqual(sh('2027-01-09T00:00:00'));
      expect(isPublicationOverdue(sh('2026-12-31T10:00:00'), sh('2027-01-09T00:00:00'), 5)).toBe(true);
    } finally {
      installOfficialCalendar(OFFICIAL_CALENDAR);
    }
    expect(officialCalendarInUse()).toBe(OFFICIAL_CALENDAR);
  });
});

describe('calendarKnownUntil', () => {
  const with2030 = officialCalendar({
    overrides: { years: { '2030': { ...FIXTURE_2027, holidays: ['2030-01-01'], workdays: [] } } },
  });

  it.each([
    ['the package alone', PACKAGE_ONLY, undefined, '2026-12-31'],
    ['with 2027 added', officialCalendar({ overrides: { years: { '2027': FIXTURE_2027 } } }), undefined, '2027-12-31'],
    ['a stray later year does not extend the unbroken run', with2030, undefined, '2026-12-31'],
    ['from a date in 2026', PACKAGE_ONLY, sh('2026-12-31T23:59:59'), '2026-12-31'],
    ['from a date in the stray year', with2030, sh('2030-06-01T10:00:00'), '2030-12-31'],
    ['from a date in an unknown year', with2030, sh('2028-06-01T10:00:00'), null],
    ['an empty calendar', officialCalendar({ packageData: NO_PACKAGE, overrides: { years: {} } }), undefined, null],
  ])('%s', (_case, calendar, from, expected) => {
    expect(calendarKnownUntil(calendar, from)).toBe(expected);
  });
});

describe('override file validation', () => {
  const year = (entry: Partial<Record<keyof CalendarOverrideYear, unknown>> & Record<string, unknown>) => ({
    years: { '2027': { ...FIXTURE_2027, ...entry } },
  });

  it.each([
    [
      'a date outside its year',
      year({ holidays: ['2027-01-01', '2028-01-01'] }),
      /year 2027: 2028-01-01 is outside 2027/,
    ],
    [
      'a date both holiday and workday',
      year({ holidays: ['2027-01-01', '2027-01-09'] }),
      /year 2027: 2027-01-09 is both a holiday and a workday/,
    ],
    ['a malformed date', year({ holidays: ['2027-1-01'] }), /year 2027: "2027-1-01" is not a date YYYY-MM-DD/],
    ['a date that does not exist', year({ workdays: ['2027-02-29'] }), /year 2027: "2027-02-29" is not a date/],
    ['a date that is not a string', year({ holidays: [20270101] }), /year 2027: 20270101 is not a date/],
    ['a workday on a weekday', year({ workdays: ['2027-01-08'] }), /year 2027: 2027-01-08 is a Monday–Friday/],
    ['a date listed twice', year({ holidays: ['2027-01-01', '2027-01-01'] }), /year 2027: 2027-01-01 is listed twice/],
    ['no source', year({ source: ' ' }), /year 2027: source must name the State Council notice/],
    ['a misspelt key', year({ workday: ['2027-01-09'] }), /year 2027: unknown key "workday"/],
    ['no workdays list', year({ workdays: undefined }), /year 2027: must be a list of dates/],
    ['no holidays', year({ holidays: [] }), /year 2027: no holidays/],
    ['a year that is not a year', { years: { '27': FIXTURE_2027 } }, /year 27: not a year YYYY/],
    ['a year that is not an object', { years: { '2027': ['2027-01-01'] } }, /year 2027: must be an object/],
    ['no years', { $comment: 'x' }, /"years" must be an object/],
    ['an unknown top-level key', { years: {}, year: {} }, /unknown key "year"/],
    ['not an object', [], /must be an object/],
  ])('rejects %s', (_case, overrides, message) => {
    let thrown: unknown;
    try {
      officialCalendar({ overrides });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(DomainErrorCode.INVALID_ARGUMENT);
    expect((thrown as DomainError).message).toMatch(/^Invalid calendar overrides: /);
    expect((thrown as DomainError).message).toMatch(message);
  });

  it('names every problem at once, with the field of each', () => {
    const overrides = year({ holidays: ['2028-01-01'], workdays: ['2027-01-08'] });
    expect(() => officialCalendar({ overrides })).toThrow(
      expect.objectContaining({
        details: [
          { field: 'years.2027.holidays', message: 'year 2027: 2028-01-01 is outside 2027' },
          { field: 'years.2027.workdays', message: expect.stringContaining('2027-01-08 is a Monday–Friday') },
        ],
      }),
    );
  });

  it('accepts the shipped file and a well-formed year', () => {
    expect(() => officialCalendar()).not.toThrow();
    expect(officialCalendar({ overrides: { $comment: 'x', years: { '2027': FIXTURE_2027 } } }).knowsYear(2027)).toBe(
      true,
    );
  });

  it('checks the package data the same way', () => {
    const both = { holidays: { '2026-10-10': 'x' }, workdays: { '2026-10-10': 'x' } };
    expect(() => officialCalendar({ packageData: both })).toThrow(/chinese-days .*2026-10-10 is both a holiday/);
    const inLieu = { holidays: { '2026-10-01': 'x' }, workdays: {}, inLieuDays: { '2026-10-06': 'x' } };
    expect(() => officialCalendar({ packageData: inLieu })).toThrow(/2026-10-06 is not a holiday/);
    const orphan = { holidays: { '2026-10-01': 'x' }, workdays: { '2027-01-09': 'x' } };
    expect(() => officialCalendar({ packageData: orphan })).toThrow(/2027-01-09: the package has no holiday/);
  });
});
