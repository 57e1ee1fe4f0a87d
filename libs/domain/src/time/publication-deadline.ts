import { officialCalendarInUse, workingDayDeadline } from './official-calendar';
import { assertValidDate } from './time';

/**
 * §4.4: publication (失信公示) is due by 24:00 of the PUBLICATION_DEADLINE_WORKING_DAYS-th working day
 * after the listing took effect, on the official calendar (§4.10); null when that calendar does not
 * reach the deadline yet (flagged "calendar missing", never guessed).
 */
export function publicationDueBy(
  effectiveAt: Date,
  workingDays: number,
  calendar = officialCalendarInUse(),
): Date | null {
  const deadline = workingDayDeadline(effectiveAt, workingDays, calendar);
  return deadline.ok ? deadline.dueBy : null;
}

/** Overdue from 24:00 of the due day on (the due day itself is still in time); unknown → not flagged. */
export function isPublicationOverdue(
  effectiveAt: Date,
  now: Date,
  workingDays: number,
  calendar = officialCalendarInUse(),
): boolean {
  assertValidDate(now, 'now');
  const due = publicationDueBy(effectiveAt, workingDays, calendar);
  return due !== null && now.getTime() >= due.getTime();
}
