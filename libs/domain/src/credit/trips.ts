import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { assertValidDate, compareStrings, MS_PER_MINUTE } from '../time/time';

/** A counted (VIOLATION, not REVOKED) weighing of one vehicle, as counting sees it. */
export interface ViolationFact {
  id: string;
  eventId: string;
  measuredAt: Date;
}

/** One act (一次违法行为): violations of one journey (§4.3). */
export interface Trip {
  /** The id of its first violation: stable whatever the arrival order. */
  tripId: string;
  /** measuredAt of its first violation. */
  firstAt: Date;
  /** In (measuredAt, eventId, id) order. */
  violationIds: string[];
}

/** Total order of violations: event time, then eventId, then id, so that ties never depend on arrival. */
export function compareViolations(a: ViolationFact, b: ViolationFact): number {
  return (
    a.measuredAt.getTime() - b.measuredAt.getTime() ||
    compareStrings(a.eventId, b.eventId) ||
    compareStrings(a.id, b.id)
  );
}

/**
 * Sorted, with repeats removed: a second fact with an id or an eventId already seen is the same event
 * delivered again (§3: a repeat is ignored). The first in sort order is kept, whatever the input order.
 */
export function orderedUniqueViolations(violations: readonly ViolationFact[]): ViolationFact[] {
  for (const v of violations) assertValidDate(v.measuredAt, `violation ${v.id} measuredAt`);
  const seenIds = new Set<string>();
  const seenEvents = new Set<string>();
  const unique: ViolationFact[] = [];
  for (const v of [...violations].sort(compareViolations)) {
    if (seenIds.has(v.id) || seenEvents.has(v.eventId)) continue;
    seenIds.add(v.id);
    seenEvents.add(v.eventId);
    unique.push(v);
  }
  return unique;
}

/**
 * §4.3 (one act, one count): a violation opens a new trip when it is MORE than `tripMergeMinutes` after
 * the FIRST violation of the current trip; exactly `tripMergeMinutes` still joins. Measuring from the
 * first violation (not the previous one) keeps a trip from growing without end.
 */
export function groupTrips(violations: readonly ViolationFact[], tripMergeMinutes: number): Trip[] {
  if (!Number.isFinite(tripMergeMinutes) || tripMergeMinutes < 0) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `tripMergeMinutes must be >= 0, got ${tripMergeMinutes}`);
  }
  const mergeMs = tripMergeMinutes * MS_PER_MINUTE;
  const trips: Trip[] = [];
  let current: Trip | undefined;
  for (const v of orderedUniqueViolations(violations)) {
    if (current && v.measuredAt.getTime() - current.firstAt.getTime() <= mergeMs) {
      current.violationIds.push(v.id);
      continue;
    }
    current = { tripId: v.id, firstAt: new Date(v.measuredAt.getTime()), violationIds: [v.id] };
    trips.push(current);
  }
  return trips;
}
