import { officialCalendar } from '@oc/domain';
import { calendarDaysLeft, MetricsRegistry } from './metrics';

const sh = (local: string) => new Date(`${local}+08:00`);

describe('official_calendar_days_left (docs/calendar.md: alert before the calendar runs out)', () => {
  // A calendar that knows 2025 and 2026 only.
  const calendar = officialCalendar({
    packageData: {
      holidays: { '2025-10-01': 'National Day,国庆节,8', '2026-10-01': 'National Day,国庆节,8' },
      workdays: {},
    },
    overrides: { years: {} },
  });

  it('counts the days from today (Asia/Shanghai) to the last known day, both included', () => {
    expect(calendarDaysLeft(sh('2026-12-31T23:59:00'), calendar)).toBe(1);
    expect(calendarDaysLeft(sh('2026-12-01T00:00:00'), calendar)).toBe(31);
    // 2026-11-30T16:30Z is already 1 December in Shanghai.
    expect(calendarDaysLeft(new Date('2026-11-30T16:30:00Z'), calendar)).toBe(31);
  });

  it('is 0 once today is in a year the calendar does not know', () => {
    expect(calendarDaysLeft(sh('2027-01-01T00:00:01'), calendar)).toBe(0);
    expect(calendarDaysLeft(sh('2024-06-01T00:00:00'), calendar)).toBe(0);
    // Across a known year's end: 2025-12-31 to 2026-12-31.
    expect(calendarDaysLeft(sh('2025-12-31T08:00:00'), calendar)).toBe(366);
  });

  it('does not count SYNTHETIC years (a test run’s OFFICIAL_CALENDAR_FILE): they are no State Council notice', () => {
    const withSynthetic = officialCalendar({
      packageData: { holidays: { '2026-10-01': 'National Day,国庆节,8' }, workdays: {} },
      overrides: { years: {} },
      runtime: {
        file: 'synthetic.json',
        data: { years: { '2027': { source: 'SYNTHETIC test year', holidays: ['2027-01-01'], workdays: [] } } },
      },
    });
    expect(calendarDaysLeft(sh('2026-12-31T23:59:00'), withSynthetic)).toBe(1);
    expect(calendarDaysLeft(sh('2027-01-10T10:00:00'), withSynthetic)).toBe(0);
  });

  it("is on every app's /metrics", async () => {
    const text = await new MetricsRegistry().metrics();
    expect(text).toMatch(new RegExp(`^official_calendar_days_left ${calendarDaysLeft(new Date())}$`, 'm'));
  });
});
