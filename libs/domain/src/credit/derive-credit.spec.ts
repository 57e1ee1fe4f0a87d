import { DEFAULT_CREDIT_RULES } from './credit-rules';
import { deriveCredit, type ListingEnding } from './derive-credit';
import { reconcileListings, type StoredListing } from './reconcile-listings';
import type { ViolationFact } from './trips';

const rules = { ...DEFAULT_CREDIT_RULES };
const T0 = Date.parse('2025-01-06T09:00:00+08:00');
const MIN = 60_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms);
const v = (id: string, ms: number): ViolationFact => ({ id, eventId: `e-${id}`, measuredAt: at(ms) });

const derive = (violations: ViolationFact[], now: number, endings: ListingEnding[] = []) =>
  deriveCredit({ violations, endings, rules, now: at(now) });

describe('deriveCredit: counting (§4.3)', () => {
  it('no violations: CLEAR', () => {
    expect(derive([], T0)).toEqual({ trips: [], listings: [], countInWindow: 0, state: 'CLEAR' });
  });

  it('one and two trips: WATCH (预失信)', () => {
    expect(derive([v('a', T0)], T0)).toMatchObject({ countInWindow: 1, state: 'WATCH', listings: [] });
    expect(derive([v('a', T0), v('b', T0 + DAY)], T0 + DAY)).toMatchObject({ countInWindow: 2, state: 'WATCH' });
  });

  it('several violations of one journey are one act', () => {
    const d = derive([v('a', T0), v('b', T0 + 30 * MIN), v('c', T0 + 60 * MIN)], T0 + DAY);
    expect(d.trips).toHaveLength(1);
    expect(d).toMatchObject({ countInWindow: 1, state: 'WATCH' });
  });

  it('three trips: a listing at the third trip’s firstAt', () => {
    const d = derive([v('a', T0), v('a2', T0 + 10 * MIN), v('b', T0 + 10 * DAY), v('c', T0 + 20 * DAY)], T0 + 30 * DAY);
    expect(d.state).toBe('OPEN');
    expect(d.countInWindow).toBe(3);
    expect(d.listings).toEqual([
      {
        listedAt: at(T0 + 20 * DAY),
        effectiveAt: at(T0 + 20 * DAY),
        expiresAt: at(T0 + 385 * DAY),
        reachingTripId: 'c',
        tripIds: ['a', 'b', 'c'],
        violationIds: ['a', 'a2', 'b', 'c'],
        violationCount: 3,
        status: 'OPEN',
        endedAt: null,
        listingId: null,
      },
    ]);
  });

  it('a trip at exactly t − 365 days does not count: the window is (t − 365d, t]', () => {
    const d = derive([v('a', T0), v('b', T0 + 100 * DAY), v('c', T0 + 365 * DAY)], T0 + 365 * DAY);
    expect(d.listings).toEqual([]);
    expect(d).toMatchObject({ countInWindow: 2, state: 'WATCH' });
  });

  it('a trip 1 ms inside the window counts', () => {
    const d = derive([v('a', T0), v('b', T0 + 100 * DAY), v('c', T0 + 365 * DAY - 1)], T0 + 365 * DAY - 1);
    expect(d.listings).toHaveLength(1);
    expect(d.listings[0].listedAt).toEqual(at(T0 + 365 * DAY - 1));
  });

  it('countInWindow slides with now', () => {
    const facts = [v('a', T0), v('b', T0 + 100 * DAY)];
    expect(derive(facts, T0 + 365 * DAY - 1).countInWindow).toBe(2);
    expect(derive(facts, T0 + 365 * DAY).countInWindow).toBe(1);
    expect(derive(facts, T0 + 465 * DAY)).toMatchObject({ countInWindow: 0, state: 'CLEAR' });
  });

  it('trips 60 min apart are one act, 60 min + 1 ms apart are two', () => {
    expect(derive([v('a', T0), v('b', T0 + 60 * MIN)], T0 + DAY).countInWindow).toBe(1);
    expect(derive([v('a', T0), v('b', T0 + 60 * MIN + 1)], T0 + DAY).countInWindow).toBe(2);
  });

  it('ignores violations measured after now', () => {
    const d = derive([v('a', T0), v('b', T0 + DAY), v('c', T0 + 2 * DAY)], T0 + DAY);
    expect(d.trips.map((t) => t.tripId)).toEqual(['a', 'b']);
    expect(d).toMatchObject({ countInWindow: 2, state: 'WATCH', listings: [] });
  });
});

describe('deriveCredit: listing lifecycle (§4.4)', () => {
  const three = [v('a', T0), v('b', T0 + DAY), v('c', T0 + 2 * DAY)];
  const listedAt = T0 + 2 * DAY;
  const expiresAt = listedAt + 365 * DAY;

  it('violations while listed attach to the listing', () => {
    const d = derive(
      [...three, v('d', T0 + 3 * DAY), v('d2', T0 + 3 * DAY + MIN), v('e', T0 + 200 * DAY)],
      T0 + 201 * DAY,
    );
    expect(d.listings).toHaveLength(1);
    expect(d.listings[0]).toMatchObject({
      listedAt: at(listedAt),
      reachingTripId: 'c',
      tripIds: ['a', 'b', 'c', 'd', 'e'],
      violationIds: ['a', 'b', 'c', 'd', 'd2', 'e'],
      violationCount: 5,
      status: 'OPEN',
    });
    expect(d).toMatchObject({ state: 'OPEN', countInWindow: 5 });
  });

  it('expires at listedAt + 365 days, then starts afresh', () => {
    const justBefore = derive(three, expiresAt - 1);
    expect(justBefore.state).toBe('OPEN');
    const d = derive(three, expiresAt);
    expect(d.listings[0]).toMatchObject({ status: 'EXPIRED', endedAt: at(expiresAt), listingId: null });
    expect(d).toMatchObject({ state: 'CLEAR', countInWindow: 0 });
  });

  it('after expiry, trips before it never count again; new trips count from zero', () => {
    const attached = v('x', expiresAt - DAY); // attached to the listing, inside a later window
    const onTheInstant = v('y', expiresAt); // at the expiry instant: "at or before" the end
    const later = [v('p', expiresAt + DAY), v('q', expiresAt + 2 * DAY)];
    const d = derive([...three, attached, onTheInstant, ...later], expiresAt + 3 * DAY);
    expect(d.listings).toHaveLength(1);
    expect(d.listings[0]).toMatchObject({ status: 'EXPIRED', tripIds: ['a', 'b', 'c', 'x'] });
    expect(d).toMatchObject({ state: 'WATCH', countInWindow: 2 });

    const third = derive(
      [...three, attached, onTheInstant, ...later, v('r', expiresAt + 3 * DAY)],
      expiresAt + 3 * DAY,
    );
    expect(third.listings).toHaveLength(2);
    expect(third.listings[1]).toMatchObject({
      listedAt: at(expiresAt + 3 * DAY),
      tripIds: ['p', 'q', 'r'],
      status: 'OPEN',
    });
  });

  it('a REPAIRED ending ends the active listing and starts afresh', () => {
    const repairedAt = T0 + 30 * DAY;
    const endings: ListingEnding[] = [{ listingId: 'L1', endedAt: at(repairedAt), status: 'REPAIRED' }];
    const before = v('d', repairedAt - DAY);
    const after = [v('e', repairedAt + DAY), v('f', repairedAt + 2 * DAY)];
    const d = derive([...three, before, ...after], repairedAt + 3 * DAY, endings);
    expect(d.listings).toEqual([
      expect.objectContaining({
        listedAt: at(listedAt),
        tripIds: ['a', 'b', 'c', 'd'],
        status: 'REPAIRED',
        endedAt: at(repairedAt),
        listingId: 'L1',
      }),
    ]);
    // a, b, c, d are inside the window but at or before the repair: only e and f count.
    expect(d).toMatchObject({ state: 'WATCH', countInWindow: 2 });
  });

  it('a REVOKED ending with nothing active only moves the fresh start', () => {
    const d = derive([v('a', T0), v('b', T0 + DAY), v('c', T0 + 3 * DAY)], T0 + 4 * DAY, [
      { listingId: 'L0', endedAt: at(T0 + 2 * DAY), status: 'REVOKED' },
    ]);
    expect(d).toMatchObject({ listings: [], countInWindow: 1, state: 'WATCH' });
  });

  it('an ending after now is not applied yet', () => {
    const endings: ListingEnding[] = [{ listingId: 'L1', endedAt: at(T0 + 10 * DAY), status: 'REPAIRED' }];
    expect(derive(three, T0 + 5 * DAY, endings).state).toBe('OPEN');
    expect(derive(three, T0 + 10 * DAY, endings).state).toBe('CLEAR');
  });

  it('an ending and an expiry at the same instant: the ending names the listing', () => {
    const d = derive(three, expiresAt, [{ listingId: 'L1', endedAt: at(expiresAt), status: 'REPAIRED' }]);
    expect(d.listings[0]).toMatchObject({ status: 'REPAIRED', listingId: 'L1', endedAt: at(expiresAt) });
  });

  it('revoking a violation recounts, and reconcile revokes the stored listing', () => {
    const listed = derive(three, T0 + 5 * DAY);
    const stored: StoredListing[] = [
      {
        id: 'L1',
        status: 'PUBLISHED',
        listedAt: listed.listings[0].listedAt,
        endedAt: null,
        violationIds: listed.listings[0].violationIds,
        violationCount: 3,
      },
    ];
    expect(reconcileListings(stored, listed.listings, at(T0 + 5 * DAY))).toEqual([]);

    const afterRevocation = derive(
      three.filter((x) => x.id !== 'b'),
      T0 + 6 * DAY,
    );
    expect(afterRevocation).toMatchObject({ listings: [], state: 'WATCH', countInWindow: 2 });
    expect(reconcileListings(stored, afterRevocation.listings, at(T0 + 6 * DAY))).toEqual([
      { kind: 'REVOKE', id: 'L1', endedAt: at(T0 + 6 * DAY), reason: 'RECOUNT_BELOW_THRESHOLD' },
    ]);

    // The revoked listing is then a staff-ended fact: a fresh start for counting.
    const next = derive(
      three.filter((x) => x.id !== 'b'),
      T0 + 6 * DAY,
      [{ listingId: 'L1', endedAt: at(T0 + 6 * DAY), status: 'REVOKED' }],
    );
    expect(next).toMatchObject({ listings: [], state: 'CLEAR', countInWindow: 0 });
  });

  it('a late upload from the past moves listedAt earlier', () => {
    const now = T0 + 50 * DAY;
    const onTime = [v('b', T0 + 10 * DAY), v('c', T0 + 20 * DAY), v('d', T0 + 30 * DAY)];
    expect(derive(onTime, now).listings[0].listedAt).toEqual(at(T0 + 30 * DAY));
    const withLate = derive([...onTime, v('late', T0)], now);
    expect(withLate.listings[0]).toMatchObject({ listedAt: at(T0 + 20 * DAY), tripIds: ['late', 'b', 'c', 'd'] });
  });

  it('uses the configured threshold, window and validity', () => {
    const d = deriveCredit({
      violations: [v('a', T0), v('b', T0 + 2 * DAY)],
      endings: [],
      rules: { listingThreshold: 2, countWindowDays: 30, tripMergeMinutes: 0, listingValidityDays: 10 },
      now: at(T0 + 20 * DAY),
    });
    expect(d.listings).toEqual([
      expect.objectContaining({ listedAt: at(T0 + 2 * DAY), expiresAt: at(T0 + 12 * DAY), status: 'EXPIRED' }),
    ]);
  });

  it('rejects invalid rules', () => {
    expect(() =>
      deriveCredit({ violations: [], endings: [], rules: { ...rules, listingThreshold: 0 }, now: at(T0) }),
    ).toThrow('invalid credit rules');
  });
});

describe('deriveCredit: due process (§4.4, NOTICE_PERIOD_WORKING_DAYS > 0)', () => {
  const three = [v('a', T0), v('b', T0 + 10 * DAY), v('c', T0 + 20 * DAY)];
  const pendingDerive = (
    violations: ViolationFact[],
    now: number,
    effects = [] as { violationIds: string[]; effectiveAt: Date }[],
  ) => deriveCredit({ violations, endings: [], effects, immediateEffect: false, rules, now: at(now) });

  it('a listing without a stored effect is open with no expiry, however long it waits', () => {
    const d = pendingDerive(three, T0 + 800 * DAY);
    expect(d.state).toBe('OPEN');
    expect(d.listings).toEqual([
      expect.objectContaining({ listedAt: at(T0 + 20 * DAY), effectiveAt: null, expiresAt: null, status: 'OPEN' }),
    ]);
  });

  it('expiry counts from the stored effect, not from listedAt', () => {
    const effectiveAt = at(T0 + 30 * DAY);
    const effects = [{ violationIds: ['a', 'b', 'c'], effectiveAt }];
    const expiresAt = T0 + 30 * DAY + 365 * DAY;
    expect(pendingDerive(three, expiresAt - 1, effects).listings[0]).toMatchObject({
      status: 'OPEN',
      effectiveAt,
      expiresAt: at(expiresAt),
    });
    expect(pendingDerive(three, expiresAt, effects).listings[0]).toMatchObject({
      status: 'EXPIRED',
      endedAt: at(expiresAt),
    });
  });

  it('an effect known by a violation attached later still dates the listing', () => {
    const effectiveAt = at(T0 + 40 * DAY);
    const d = pendingDerive([...three, v('d', T0 + 35 * DAY)], T0 + 50 * DAY, [{ violationIds: ['d'], effectiveAt }]);
    expect(d.listings[0]).toMatchObject({ effectiveAt, expiresAt: at(T0 + 405 * DAY) });
  });

  it('a WITHDRAWN ending is a fresh start like a revocation (§4.3)', () => {
    const ended = deriveCredit({
      violations: [...three, v('d', T0 + 25 * DAY)],
      endings: [{ listingId: 'L1', endedAt: at(T0 + 22 * DAY), status: 'WITHDRAWN' }],
      immediateEffect: false,
      rules,
      now: at(T0 + 30 * DAY),
    });
    expect(ended.listings[0]).toMatchObject({ status: 'WITHDRAWN', listingId: 'L1' });
    expect(ended).toMatchObject({ state: 'WATCH', countInWindow: 1 });
  });
});
