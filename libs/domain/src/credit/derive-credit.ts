import { assertValidDate, compareStrings, MS_PER_DAY } from '../time/time';
import { assertCreditRules, listingExpiresAt, type CreditRules } from './credit-rules';
import type { DecidedEndStatus } from './credit-statuses';
import { groupTrips, type Trip, type ViolationFact } from './trips';

/**
 * A decided end of a stored listing (credit repair approved → REPAIRED; revocation → REVOKED; an
 * upheld objection or a recount under the threshold before effect → WITHDRAWN). A fact in time: at
 * `endedAt` the listing open at that moment ends with that status, and counting starts afresh (§4.3:
 * a repaired, revoked or withdrawn listing is a fresh start).
 */
export interface ListingEnding {
  listingId: string;
  endedAt: Date;
  status: DecidedEndStatus;
}

/**
 * When a stored listing took effect (§4.4: the end of its notice period, or an objection's rejection),
 * known by the violations it holds. A fact of the lifecycle, not of the weighings.
 */
export interface ListingEffect {
  violationIds: readonly string[];
  effectiveAt: Date;
}

/** OPEN: reached the threshold and not ended (pending or in effect: the lifecycle's to say). */
export type DerivedListingStatus = 'OPEN' | 'EXPIRED' | DecidedEndStatus;

export interface DerivedListing {
  /** firstAt of the trip that reached the threshold (§4.4). */
  listedAt: Date;
  /** listedAt when listings take effect at once; else the stored effect; null while pending. */
  effectiveAt: Date | null;
  /** effectiveAt + LISTING_VALIDITY_DAYS (§4.4: expiry counts from effect); null while pending. */
  expiresAt: Date | null;
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

/** CLEAR: nothing counted; WATCH (预失信): 1..threshold−1 counted trips; OPEN: a listing stands. */
export type CreditState = 'CLEAR' | 'WATCH' | 'OPEN';

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
  /** Stored effects (NOTICE_PERIOD_WORKING_DAYS > 0); ignored when `immediateEffect`. */
  effects?: readonly ListingEffect[];
  /** NOTICE_PERIOD_WORKING_DAYS = 0: a listing is in effect from listedAt (the default). */
  immediateEffect?: boolean;
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
 *   expiresAt (when expiresAt <= t; a listing not yet in effect does not expire) and decided endings
 *   with endedAt <= t end the active listing (or, with none active, only mark a fresh start). Each
 *   end moves the fresh start to its instant; trips whose firstAt is at or before it never count again. An ending and an expiry at the same instant:
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
  const immediate = input.immediateEffect ?? true;
  const effectOf = new Map<string, Date>();
  for (const e of immediate ? [] : (input.effects ?? [])) {
    assertValidDate(e.effectiveAt, 'effect effectiveAt');
    for (const id of e.violationIds) effectOf.set(id, e.effectiveAt);
  }
  /** A pending listing learns its effect from the first of its violations a stored effect names. */
  const learnEffect = (listing: DerivedListing, violationIds: readonly string[]): void => {
    if (listing.effectiveAt) return;
    const found = violationIds.map((id) => effectOf.get(id)).find((at) => at !== undefined);
    if (found) {
      listing.effectiveAt = found;
      listing.expiresAt = listingExpiresAt(found, rules);
    }
  };

  const listings: DerivedListing[] = [];
  let active: DerivedListing | null = null;
  let freshStartMs = -Infinity;
  let nextEnding = 0;

  const advanceTo = (tMs: number): void => {
    for (;;) {
      const expiryMs: number = active?.expiresAt ? active.expiresAt.getTime() : Infinity;
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
        // §4.4: EXPIRED at effectiveAt + validity, whenever the scheduler happens to run.
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
      learnEffect(active, trip.violationIds);
      continue;
    }
    // Trips have strictly increasing firstAt, and the current one is after the fresh start unless an
    // end happened at exactly its instant (then it does not count: "at or before" the end).
    const counted = tMs > freshStartMs ? countedBefore(index, tMs) : [];
    if (counted.length < rules.listingThreshold) continue;
    const listedAt = new Date(tMs);
    active = {
      listedAt,
      effectiveAt: immediate ? listedAt : null,
      expiresAt: immediate ? listingExpiresAt(listedAt, rules) : null,
      reachingTripId: trip.tripId,
      tripIds: counted.map((t) => t.tripId),
      violationIds: counted.flatMap((t) => t.violationIds),
      violationCount: counted.length,
      status: 'OPEN',
      endedAt: null,
      listingId: null,
    };
    learnEffect(active, active.violationIds);
    listings.push(active);
  }
  advanceTo(nowMs);

  const floorMs = Math.max(freshStartMs, nowMs - windowMs);
  const countInWindow = trips.filter((t) => t.firstAt.getTime() > floorMs).length;
  const state: CreditState = active ? 'OPEN' : countInWindow > 0 ? 'WATCH' : 'CLEAR';
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
