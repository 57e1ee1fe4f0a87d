import { assertValidDate, compareStrings, MS_PER_DAY } from '../time/time';
import { assertCreditRules, listingExpiresAt, type CreditRules } from './credit-rules';
import { groupTrips, type Trip, type ViolationFact } from './trips';

/**
 * A staff-made end of a stored listing (credit repair approved → REPAIRED; revocation → REVOKED).
 * A fact in time: at `endedAt` the listing active at that moment ends with that status, and counting
 * starts afresh (§4.3: a repaired or revoked listing is a fresh start).
 */
export interface ListingEnding {
  listingId: string;
  endedAt: Date;
  status: 'REPAIRED' | 'REVOKED';
}

export type DerivedListingStatus = 'LISTED' | 'EXPIRED' | 'REPAIRED' | 'REVOKED';

export interface DerivedListing {
  /** firstAt of the trip that reached the threshold (§4.4). */
  listedAt: Date;
  /** listedAt + LISTING_VALIDITY_DAYS. */
  expiresAt: Date;
  reachingTripId: string;
  /** The counted trips that reached the threshold, then the trips attached while it was active. */
  tripIds: string[];
  violationIds: string[];
  /** Acts (trips), not weighings. */
  violationCount: number;
  status: DerivedListingStatus;
  endedAt: Date | null;
  /** The stored listing a ListingEnding named when it ended this one; null otherwise. */
  listingId: string | null;
}

/** CLEAR: nothing counted; WATCH (预失信): 1..threshold−1 counted trips; LISTED: an active listing. */
export type CreditState = 'CLEAR' | 'WATCH' | 'LISTED';

export interface CreditDerivation {
  trips: Trip[];
  /** Chronological. */
  listings: DerivedListing[];
  /** As of now: counted trips with firstAt in (now − window, now] after the last fresh start. */
  countInWindow: number;
  state: CreditState;
}

export interface DeriveCreditInput {
  /** The vehicle's VIOLATIONs, without REVOKED ones; repeats (same id or eventId) are ignored. */
  violations: readonly ViolationFact[];
  endings: readonly ListingEnding[];
  rules: CreditRules;
  /** The caller passes max(clock, latest measuredAt); anything after it is ignored. */
  now: Date;
}

/**
 * §4.3–4.4, from scratch on every call: a fold over event time, so that any arrival order of the same
 * facts gives the same trips, listings and listedAt.
 *
 * Trips are visited in order, interleaved with expiries and endings by time:
 * - before a trip at t, everything at or before t happens first: the active listing expires at
 *   expiresAt (when expiresAt <= t) and staff endings with endedAt <= t end the active listing (or,
 *   with none active, only mark a fresh start). Each end moves the fresh start to its instant; trips
 *   whose firstAt is at or before it never count again. An ending and an expiry at the same instant:
 *   the ending wins (it names its stored listing).
 * - then, with a listing active, the trip attaches to it (§4.4: further violations attach);
 * - otherwise the trip is counted with the trips in (t − window, t] after the fresh start; reaching the
 *   threshold creates a listing with listedAt = t that holds those trips.
 * After the last trip, expiries and endings up to `now` are applied.
 */
export function deriveCredit(input: DeriveCreditInput): CreditDerivation {
  const { rules, now } = input;
  assertCreditRules(rules);
  assertValidDate(now, 'now');
  const nowMs = now.getTime();
  const windowMs = rules.countWindowDays * MS_PER_DAY;

  for (const v of input.violations) assertValidDate(v.measuredAt, `violation ${v.id} measuredAt`);
  const trips = groupTrips(
    input.violations.filter((v) => v.measuredAt.getTime() <= nowMs),
    rules.tripMergeMinutes,
  );
  const endings = orderedEndings(input.endings, nowMs);

  const listings: DerivedListing[] = [];
  let active: DerivedListing | null = null;
  let freshStartMs = -Infinity;
  let nextEnding = 0;

  const advanceTo = (tMs: number): void => {
    for (;;) {
      const expiryMs: number = active ? active.expiresAt.getTime() : Infinity;
      const endingMs = nextEnding < endings.length ? endings[nextEnding].endedAt.getTime() : Infinity;
      if (Math.min(expiryMs, endingMs) > tMs) return;
      if (endingMs <= expiryMs) {
        const ending = endings[nextEnding++];
        if (active) {
          active.status = ending.status;
          active.endedAt = new Date(endingMs);
          active.listingId = ending.listingId;
          active = null;
        }
        freshStartMs = endingMs;
      } else {
        // §4.4: EXPIRED at listedAt + validity, whenever the scheduler happens to run.
        const expiring = active as DerivedListing;
        expiring.status = 'EXPIRED';
        expiring.endedAt = new Date(expiryMs);
        active = null;
        freshStartMs = expiryMs;
      }
    }
  };

  const countedBefore = (index: number, tMs: number): Trip[] => {
    const floorMs = Math.max(freshStartMs, tMs - windowMs);
    let first = index;
    while (first > 0 && trips[first - 1].firstAt.getTime() > floorMs) first--;
    return trips.slice(first, index + 1);
  };

  for (let index = 0; index < trips.length; index++) {
    const trip = trips[index];
    const tMs = trip.firstAt.getTime();
    advanceTo(tMs);
    if (active) {
      active.tripIds.push(trip.tripId);
      active.violationIds.push(...trip.violationIds);
      active.violationCount = active.tripIds.length;
      continue;
    }
    // Trips have strictly increasing firstAt, and the current one is after the fresh start unless an
    // end happened at exactly its instant (then it does not count: "at or before" the end).
    const counted = tMs > freshStartMs ? countedBefore(index, tMs) : [];
    if (counted.length < rules.listingThreshold) continue;
    const listedAt = new Date(tMs);
    active = {
      listedAt,
      expiresAt: listingExpiresAt(listedAt, rules),
      reachingTripId: trip.tripId,
      tripIds: counted.map((t) => t.tripId),
      violationIds: counted.flatMap((t) => t.violationIds),
      violationCount: counted.length,
      status: 'LISTED',
      endedAt: null,
      listingId: null,
    };
    listings.push(active);
  }
  advanceTo(nowMs);

  const floorMs = Math.max(freshStartMs, nowMs - windowMs);
  const countInWindow = trips.filter((t) => t.firstAt.getTime() > floorMs).length;
  const state: CreditState = active ? 'LISTED' : countInWindow > 0 ? 'WATCH' : 'CLEAR';
  return { trips, listings, countInWindow, state };
}

/** Endings up to now, by (endedAt, listingId); a listing ends once, so a repeated listingId is dropped. */
function orderedEndings(endings: readonly ListingEnding[], nowMs: number): ListingEnding[] {
  for (const e of endings) assertValidDate(e.endedAt, `ending ${e.listingId} endedAt`);
  const seen = new Set<string>();
  return [...endings]
    .sort(
      (a, b) =>
        a.endedAt.getTime() - b.endedAt.getTime() ||
        compareStrings(a.listingId, b.listingId) ||
        compareStrings(a.status, b.status),
    )
    .filter((e) => {
      if (e.endedAt.getTime() > nowMs || seen.has(e.listingId)) return false;
      seen.add(e.listingId);
      return true;
    });
}
