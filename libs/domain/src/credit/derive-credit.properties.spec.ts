import fc from 'fast-check';
import type { CreditRules } from './credit-rules';
import { deriveCredit, type CreditDerivation, type DerivedListing, type ListingEnding } from './derive-credit';
import { isActiveListingStatus } from './listing-state-machine';
import { reconcileListings, type ListingChange, type StoredListing } from './reconcile-listings';
import type { ViolationFact } from './trips';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse('2024-01-01T00:00:00+08:00');
const RUNS = { numRuns: 200 };

// Violations cluster on days (so trips merge) over ~3 years (so windows slide and listings expire).
const violationsArb = fc
  .array(fc.record({ day: fc.integer({ min: 0, max: 1100 }), minute: fc.integer({ min: 0, max: 150 }) }), {
    maxLength: 24,
  })
  .map((points) =>
    points.map(({ day, minute }, i): ViolationFact => ({
      id: `v${i}`,
      eventId: `e${i}`,
      measuredAt: new Date(T0 + day * DAY + minute * MIN),
    })),
  );

const rulesArb: fc.Arbitrary<CreditRules> = fc.oneof(
  fc.constant({ listingThreshold: 3, countWindowDays: 365, tripMergeMinutes: 60, listingValidityDays: 365 }),
  fc.record({
    listingThreshold: fc.integer({ min: 1, max: 4 }),
    countWindowDays: fc.integer({ min: 20, max: 400 }),
    tripMergeMinutes: fc.integer({ min: 0, max: 120 }),
    listingValidityDays: fc.integer({ min: 20, max: 400 }),
  }),
);

const endingsArb = fc
  .array(
    fc.record({
      day: fc.integer({ min: 0, max: 1100 }),
      status: fc.constantFrom('REPAIRED' as const, 'REVOKED' as const),
    }),
    {
      maxLength: 3,
    },
  )
  .map((xs) =>
    xs.map(({ day, status }, i): ListingEnding => ({
      listingId: `S${i}`,
      endedAt: new Date(T0 + day * DAY + 1),
      status,
    })),
  );

const scenarioArb = fc.record({
  violations: violationsArb,
  endings: endingsArb,
  rules: rulesArb,
  nowDay: fc.integer({ min: 0, max: 1200 }),
});

const derive = (s: {
  violations: ViolationFact[];
  endings: ListingEnding[];
  rules: CreditRules;
  nowDay: number;
}): CreditDerivation =>
  deriveCredit({
    violations: s.violations,
    endings: s.endings,
    rules: s.rules,
    now: new Date(T0 + s.nowDay * DAY + 200 * MIN),
  });

const permutation = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });

describe('deriveCredit properties (§4.3: event time, not processing time)', () => {
  it('any arrival order of the same facts gives identical trips, listings and listedAt', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), permutation(s.violations), permutation(s.endings))),
        ([s, violations, endings]) => {
          expect(derive({ ...s, violations, endings })).toEqual(derive(s));
        },
      ),
      RUNS,
    );
  });

  it('delivering facts again (same id and eventId) changes nothing', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.violations), fc.subarray(s.endings))),
        ([s, again, endingsAgain]) => {
          const copies = again.map((x) => ({ ...x, measuredAt: new Date(x.measuredAt.getTime()) }));
          expect(
            derive({ ...s, violations: [...copies, ...s.violations], endings: [...s.endings, ...endingsAgain] }),
          ).toEqual(derive(s));
        },
      ),
      RUNS,
    );
  });

  it('counts never exceed the facts: listings hold disjoint trips, countInWindow <= trips <= violations', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const d = derive(s);
        expect(d.trips.length).toBeLessThanOrEqual(s.violations.length);
        expect(d.countInWindow).toBeLessThanOrEqual(d.trips.length);
        const listed = d.listings.flatMap((l) => l.tripIds);
        expect(new Set(listed).size).toBe(listed.length);
        const tripIds = new Set(d.trips.map((t) => t.tripId));
        expect(listed.every((id) => tripIds.has(id))).toBe(true);
        for (const l of d.listings) {
          expect(l.violationCount).toBe(l.tripIds.length);
          expect(l.violationCount).toBeGreaterThanOrEqual(s.rules.listingThreshold);
          expect(l.violationIds.length).toBeGreaterThanOrEqual(l.violationCount);
          expect(l.tripIds).toContain(l.reachingTripId);
          expect(d.trips.find((t) => t.tripId === l.reachingTripId)?.firstAt).toEqual(l.listedAt);
        }
      }),
      RUNS,
    );
  });

  it('listings never overlap in time; only the last may be active, and then the state is LISTED', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const d = derive(s);
        d.listings.forEach((l, i) => {
          expect(l.listedAt.getTime()).toBeLessThan(l.expiresAt.getTime());
          if (l.endedAt) expect(l.endedAt.getTime()).toBeLessThanOrEqual(l.expiresAt.getTime());
          const next = d.listings[i + 1];
          if (next) {
            expect(l.endedAt).not.toBeNull();
            expect(l.endedAt!.getTime()).toBeLessThanOrEqual(next.listedAt.getTime());
          }
        });
        const active = d.listings.filter((l) => l.status === 'LISTED');
        expect(active.length).toBeLessThanOrEqual(1);
        if (active.length === 1) expect(active[0]).toBe(d.listings[d.listings.length - 1]);
        expect(d.state).toBe(active.length === 1 ? 'LISTED' : d.countInWindow > 0 ? 'WATCH' : 'CLEAR');
        if (d.state === 'WATCH') expect(d.countInWindow).toBeLessThan(s.rules.listingThreshold);
      }),
      RUNS,
    );
  });
});

/** What the persistence layer does with the changes, reduced to the compared fields. */
function applyChanges(stored: StoredListing[], changes: ListingChange[], nextId: () => string): StoredListing[] {
  const byId = new Map<string, StoredListing>(stored.map((s) => [s.id, { ...s }]));
  const fromDerived = (d: DerivedListing) => ({
    listedAt: d.listedAt,
    violationIds: [...d.violationIds],
    violationCount: d.violationCount,
  });
  for (const change of changes) {
    if (change.kind === 'CREATE') {
      const id = nextId();
      byId.set(id, {
        id,
        status: change.derived.status as StoredListing['status'],
        endedAt: change.derived.endedAt,
        ...fromDerived(change.derived),
      });
      continue;
    }
    const s = byId.get(change.id)!;
    if (change.kind === 'UPDATE') {
      Object.assign(s, fromDerived(change.derived));
      if (s.status === 'EXPIRED') s.endedAt = change.derived.endedAt;
    } else {
      expect(isActiveListingStatus(s.status)).toBe(true);
      s.status = change.kind === 'EXPIRE' ? 'EXPIRED' : 'REVOKED';
      s.endedAt = change.endedAt;
    }
  }
  return [...byId.values()];
}

const endingsOf = (stored: StoredListing[]): ListingEnding[] =>
  stored
    .filter((s) => s.status === 'REPAIRED' || s.status === 'REVOKED')
    .map((s) => ({ listingId: s.id, endedAt: s.endedAt!, status: s.status as 'REPAIRED' | 'REVOKED' }));

describe('reconcileListings properties', () => {
  it('applied changes make stored and derived agree: a second reconcile is empty, one active listing iff LISTED', () => {
    const rounds = fc.array(
      fc.record({
        // Relative to the round's start: mostly recent, some late uploads from long ago.
        violations: fc.array(
          fc.record({ day: fc.integer({ min: -400, max: 120 }), minute: fc.integer({ min: 0, max: 150 }) }),
          {
            maxLength: 8,
          },
        ),
        revoke: fc.array(fc.nat(), { maxLength: 4 }),
        advanceDays: fc.integer({ min: 0, max: 400 }),
        repairAfterDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(rulesArb, rounds, (rules, steps) => {
        let stored: StoredListing[] = [];
        let facts: ViolationFact[] = [];
        let nowMs = T0 + 400 * DAY;
        let ids = 0;
        const nextId = () => `S${++ids}`;
        steps.forEach((step, round) => {
          // New facts (some late, from the past), some revocations, time passes, maybe a credit repair.
          const startMs = nowMs;
          facts = [
            ...facts,
            ...step.violations.map(({ day, minute }, i) => ({
              id: `r${round}v${i}`,
              eventId: `r${round}e${i}`,
              measuredAt: new Date(startMs + day * DAY + minute * MIN),
            })),
          ];
          // Revocations (device fault, appeal) hit the active listing's violations first.
          for (const n of step.revoke) {
            const listed = new Set(stored.find((s) => isActiveListingStatus(s.status))?.violationIds ?? []);
            const targets = facts.filter((f) => listed.has(f.id));
            const pool = targets.length > 0 ? targets : facts;
            if (pool.length > 0) facts = facts.filter((f) => f !== pool[n % pool.length]);
          }
          nowMs = Math.max(nowMs + step.advanceDays * DAY, ...facts.map((f) => f.measuredAt.getTime()));
          // Staff act between the previous reconcile and now, possibly after the expiry instant the
          // scheduler has not marked yet.
          const active = stored.find((s) => isActiveListingStatus(s.status));
          if (active && step.repairAfterDays !== undefined) {
            active.status = 'REPAIRED';
            active.endedAt = new Date(Math.min(nowMs, startMs + step.repairAfterDays * DAY));
          }
          const now = new Date(nowMs);
          let derived = deriveCredit({ violations: facts, endings: endingsOf(stored), rules, now });
          const changes = reconcileListings(stored, derived.listings, now);
          stored = applyChanges(stored, changes, nextId);
          expect(reconcileListings(stored, derived.listings, now)).toEqual([]);
          // A REVOKE is a new staff-ended fact; derive again with it, as the caller would next time.
          derived = deriveCredit({ violations: facts, endings: endingsOf(stored), rules, now });
          expect(reconcileListings(stored, derived.listings, now)).toEqual([]);
          const activeStored = stored.filter((s) => isActiveListingStatus(s.status));
          expect(activeStored.length).toBe(derived.state === 'LISTED' ? 1 : 0);
        });
      }),
      { numRuns: 150 },
    );
  });
});
