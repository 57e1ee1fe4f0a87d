import chineseDays from 'chinese-days/dist/chinese-days.json';
import fc from 'fast-check';
import { officialCalendar, workingDayDeadline, type WorkingDayDeadline } from './official-calendar';

/**
 * Properties of workingDayDeadline against an oracle that reads the package's JSON directly and finds
 * local days with Intl (the time-zone database), not with the module's own day arithmetic.
 */
const DAY = 86_400_000;
const FIRST = Date.parse('2010-01-01T00:00:00+08:00');
const END_OF_2026 = Date.parse('2027-01-01T00:00:00+08:00');
const DECEMBER_2026 = Date.parse('2026-12-01T00:00:00+08:00');
const RUNS = { numRuns: 1000 };

const calendar = officialCalendar({ overrides: { years: {} } });
const holidays: Record<string, string> = chineseDays.holidays;
const workdays: Record<string, string> = chineseDays.workdays;

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const part = (instant: number, type: Intl.DateTimeFormatPartTypes) =>
  shanghai.formatToParts(new Date(instant)).find((p) => p.type === type)!.value;
const localDate = (instant: number) => `${part(instant, 'year')}-${part(instant, 'month')}-${part(instant, 'day')}`;
/** The local day an instant belongs to: a local midnight is 24:00 of the day before. */
const dayOf = (instant: number) => localDate(instant - 1);
const isLocalMidnight = (instant: number) =>
  instant % 1000 === 0 && (['hour', 'minute', 'second'] as const).every((t) => part(instant, t) === '00');

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
const isWorkingDay = (date: string) => {
  if (workdays[date]) return true;
  if (holidays[date]) return false;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};
/** Working days in (after, through], both `YYYY-MM-DD`. */
const workingDaysBetween = (after: string, through: string) => {
  let count = 0;
  for (let date = nextDate(after); date <= through; date = nextDate(date)) if (isWorkingDay(date)) count++;
  return count;
};

// Any instant of a day, its first and last millisecond and local midnight itself, which belongs to the day before.
const timeOfDayArb = fc.oneof(fc.integer({ min: 0, max: DAY - 1 }), fc.constantFrom(0, 1, DAY - 1));
const dayArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: (END_OF_2026 - FIRST) / DAY - 1 }) },
  // The last weeks of 2026, where 15 working days reach into 2027 (not known).
  { weight: 1, arbitrary: fc.integer({ min: (DECEMBER_2026 - FIRST) / DAY, max: (END_OF_2026 - FIRST) / DAY - 1 }) },
);
const triggerArb = fc.tuple(dayArb, timeOfDayArb).map(([day, time]) => FIRST + day * DAY + time);
const daysArb = fc.integer({ min: 1, max: 15 });

describe('workingDayDeadline properties (2010–2026, 1–15 working days)', () => {
  it('ends at 24:00 of a working day after exactly `days` working days, or reports 2027 missing', () => {
    const outcomes = { ok: 0, missing: 0 };
    fc.assert(
      fc.property(triggerArb, daysArb, (trigger, days) => {
        const result = workingDayDeadline(new Date(trigger), days, calendar);
        const triggerDay = dayOf(trigger);
        if (!result.ok) {
          outcomes.missing++;
          expect(result).toEqual({ ok: false, reason: 'CALENDAR_MISSING', year: 2027 });
          expect(workingDaysBetween(triggerDay, '2026-12-31')).toBeLessThan(days);
          return;
        }
        outcomes.ok++;
        const dueBy = result.dueBy.getTime();
        expect(isLocalMidnight(dueBy)).toBe(true);
        const dueDay = dayOf(dueBy);
        expect(isWorkingDay(dueDay)).toBe(true);
        expect(workingDaysBetween(triggerDay, dueDay)).toBe(days);
      }),
      RUNS,
    );
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.missing).toBeGreaterThan(0);
  });

  it('is monotone in the trigger: a later trigger is never due earlier', () => {
    const dueOrInfinity = (result: WorkingDayDeadline) => (result.ok ? result.dueBy.getTime() : Infinity);
    fc.assert(
      fc.property(triggerArb, fc.integer({ min: 0, max: 3 * DAY }), daysArb, (trigger, later, days) => {
        const first = workingDayDeadline(new Date(trigger), days, calendar);
        const second = workingDayDeadline(new Date(trigger + later), days, calendar);
        expect(dueOrInfinity(second)).toBeGreaterThanOrEqual(dueOrInfinity(first));
      }),
      RUNS,
    );
  });

  it('one more working day is due strictly later', () => {
    fc.assert(
      fc.property(triggerArb, fc.integer({ min: 0, max: 14 }), (trigger, days) => {
        const shorter = workingDayDeadline(new Date(trigger), days, calendar);
        const longer = workingDayDeadline(new Date(trigger), days + 1, calendar);
        if (shorter.ok && longer.ok) expect(longer.dueBy.getTime()).toBeGreaterThan(shorter.dueBy.getTime());
      }),
      RUNS,
    );
  });
});
