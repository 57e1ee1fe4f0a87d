import { officialCalendar } from './official-calendar';
import { isPublicationOverdue, publicationDueBy } from './publication-deadline';

const sh = (local: string) => new Date(`${local}+08:00`);

describe('publication deadline (§4.4: 7 working days after effect, official calendar)', () => {
  it('is due at 24:00 of the 7th working day after the effect', () => {
    // Effective at 24:00 of Sat 10 Oct 2026 (a 调休 workday): that instant belongs to the 10th, so
    // counting starts on Sun 11 Oct; working days 12–16, 19, 20 → due 24:00 of Tue 20 Oct.
    expect(publicationDueBy(sh('2026-10-11T00:00:00'), 7)).toEqual(sh('2026-10-21T00:00:00'));
  });

  it('skips the National Day holiday', () => {
    // Effective Mon 28 Sep: 29, 30 Sep, (1–7 Oct off), 8, 9, Sat 10 (调休), 12, 13 → due 24:00 of 13 Oct.
    expect(publicationDueBy(sh('2026-09-28T15:00:00'), 7)).toEqual(sh('2026-10-14T00:00:00'));
  });

  it('is overdue from 24:00 of the due day, not before', () => {
    const effectiveAt = sh('2026-09-28T15:00:00');
    expect(isPublicationOverdue(effectiveAt, sh('2026-10-13T23:59:59.999'), 7)).toBe(false);
    expect(isPublicationOverdue(effectiveAt, sh('2026-10-14T00:00:00'), 7)).toBe(true);
  });

  it('is unknown, never guessed, past the calendar: no due date, never flagged overdue', () => {
    const calendar = officialCalendar({ overrides: { years: {} } });
    expect(publicationDueBy(sh('2026-12-28T10:00:00'), 7, calendar)).toBeNull();
    expect(isPublicationOverdue(sh('2026-12-28T10:00:00'), sh('2027-06-01T00:00:00'), 7, calendar)).toBe(false);
  });
});
