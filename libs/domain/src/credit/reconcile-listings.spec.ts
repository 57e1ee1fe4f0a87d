import type { DerivedListing } from './derive-credit';
import { reconcileListings, type StoredListing } from './reconcile-listings';

const DAY = 86_400_000;
const T0 = Date.parse('2025-01-06T09:00:00+08:00');
const at = (day: number) => new Date(T0 + day * DAY);
const NOW = at(1000);

const derived = (
  listedDay: number,
  ids: string[],
  end?: { day: number; status?: DerivedListing['status']; listingId?: string },
): DerivedListing => ({
  listedAt: at(listedDay),
  effectiveAt: at(listedDay),
  expiresAt: at(listedDay + 365),
  reachingTripId: ids[ids.length - 1],
  tripIds: ids,
  violationIds: ids,
  violationCount: ids.length,
  status: end ? (end.status ?? 'EXPIRED') : 'OPEN',
  endedAt: end ? at(end.day) : null,
  listingId: end?.listingId ?? null,
});

const stored = (
  id: string,
  status: StoredListing['status'],
  listedDay: number,
  ids: string[],
  endDay?: number,
): StoredListing => ({
  id,
  status,
  listedAt: at(listedDay),
  endedAt: endDay === undefined ? null : at(endDay),
  violationIds: ids,
  violationCount: ids.length,
});

describe('reconcileListings', () => {
  it('creates a new listing', () => {
    const d = derived(10, ['a', 'b', 'c']);
    expect(reconcileListings([], [d], NOW)).toEqual([{ kind: 'CREATE', derived: d }]);
  });

  it('changes nothing when stored equals derived (violation order does not matter)', () => {
    const d = derived(10, ['a', 'b', 'c']);
    expect(reconcileListings([stored('L1', 'LISTED', 10, ['c', 'a', 'b'])], [d], NOW)).toEqual([]);
  });

  it('a derived OPEN listing matches a stored PUBLISHED without status change', () => {
    const d = derived(10, ['a', 'b', 'c', 'd']);
    expect(reconcileListings([stored('L1', 'PUBLISHED', 10, ['a', 'b', 'c'])], [d], NOW)).toEqual([
      { kind: 'UPDATE', id: 'L1', derived: d },
    ]);
  });

  it('updates listedAt when late facts move it', () => {
    const d = derived(5, ['late', 'a', 'b', 'c']);
    expect(reconcileListings([stored('L1', 'LISTED', 10, ['a', 'b', 'c'])], [d], NOW)).toEqual([
      { kind: 'UPDATE', id: 'L1', derived: d },
    ]);
  });

  it('expires an active stored listing at the derived expiry instant', () => {
    const d = derived(10, ['a', 'b', 'c'], { day: 375 });
    expect(reconcileListings([stored('L1', 'PUBLISHED', 10, ['a', 'b', 'c'])], [d], NOW)).toEqual([
      { kind: 'EXPIRE', id: 'L1', endedAt: at(375) },
    ]);
  });

  it('updates and expires when both changed', () => {
    const d = derived(10, ['a', 'b', 'c', 'd'], { day: 375 });
    expect(reconcileListings([stored('L1', 'LISTED', 10, ['a', 'b', 'c'])], [d], NOW)).toEqual([
      { kind: 'EXPIRE', id: 'L1', endedAt: at(375) },
      { kind: 'UPDATE', id: 'L1', derived: d },
    ]);
  });

  it('revokes an active stored listing the recount no longer reaches', () => {
    expect(reconcileListings([stored('L1', 'LISTED', 10, ['a', 'b', 'c'])], [], NOW)).toEqual([
      { kind: 'REVOKE', id: 'L1', endedAt: NOW, reason: 'RECOUNT_BELOW_THRESHOLD' },
    ]);
  });

  it('leaves an unmatched stored EXPIRED listing as it is', () => {
    expect(reconcileListings([stored('L1', 'EXPIRED', 10, ['a', 'b', 'c'], 375)], [], NOW)).toEqual([]);
  });

  it('never touches staff-ended listings, and skips the derived listings they named', () => {
    const named = derived(10, ['a', 'b', 'c'], { day: 40, status: 'REPAIRED', listingId: 'L1' });
    const revoked = stored('L2', 'REVOKED', 400, ['x', 'y', 'z'], 410);
    expect(reconcileListings([stored('L1', 'REPAIRED', 12, ['a', 'b'], 40), revoked], [named], NOW)).toEqual([]);
  });

  it('a listing vanishing from the middle does not shift the later ones onto earlier records', () => {
    const stillThere = derived(500, ['p', 'q', 'r']);
    const changes = reconcileListings(
      [stored('L1', 'EXPIRED', 10, ['a', 'b', 'c'], 375), stored('L2', 'LISTED', 500, ['p', 'q', 'r'])],
      [stillThere],
      NOW,
    );
    expect(changes).toEqual([]);
  });

  it('matches by overlapping period when listedAt moved', () => {
    const moved = derived(520, ['q', 'r', 's']);
    expect(
      reconcileListings(
        [stored('L1', 'EXPIRED', 10, ['a', 'b', 'c'], 375), stored('L2', 'LISTED', 500, ['p', 'q', 'r'])],
        [derived(10, ['a', 'b', 'c'], { day: 375 }), moved],
        NOW,
      ),
    ).toEqual([{ kind: 'UPDATE', id: 'L2', derived: moved }]);
  });

  it('does not reopen an expired listing: a recount that makes it active again creates a new one', () => {
    const reopened = derived(700, ['b', 'c', 'd']);
    expect(reconcileListings([stored('L1', 'EXPIRED', 600, ['a', 'b', 'c'], 965)], [reopened], NOW)).toEqual([
      { kind: 'CREATE', derived: reopened },
    ]);
  });

  it('creates a past listing revealed by late facts, and keeps the active one', () => {
    const past = derived(10, ['a', 'b', 'c'], { day: 375 });
    const current = derived(500, ['p', 'q', 'r']);
    expect(reconcileListings([stored('L2', 'LISTED', 500, ['p', 'q', 'r'])], [past, current], NOW)).toEqual([
      { kind: 'CREATE', derived: past },
    ]);
  });

  it('no duplicate when staff ended a listing after its expiry instant but before the scheduler ran', () => {
    // Stored L1 was repaired on day 380; derivation saw it expire on day 375 (its ending then named nothing).
    const expired = derived(10, ['a', 'b', 'c'], { day: 375 });
    expect(reconcileListings([stored('L1', 'REPAIRED', 10, ['a', 'b', 'c'], 380)], [expired], NOW)).toEqual([]);
  });

  it('retires a second active stored listing (should never exist)', () => {
    const d = derived(10, ['a', 'b', 'c']);
    expect(
      reconcileListings(
        [stored('L1', 'LISTED', 10, ['a', 'b', 'c']), stored('L9', 'LISTED', 20, ['a', 'b', 'c'])],
        [d],
        NOW,
      ),
    ).toEqual([{ kind: 'REVOKE', id: 'L9', endedAt: NOW, reason: 'RECOUNT_BELOW_THRESHOLD' }]);
  });

  it('puts ends before updates before creates', () => {
    const past = derived(10, ['a', 'b', 'c'], { day: 375 });
    const current = derived(500, ['p', 'q', 'r', 's']);
    const changes = reconcileListings(
      [stored('L1', 'LISTED', 10, ['a', 'b']), stored('L2', 'LISTED', 600, ['x', 'y', 'z'])],
      [past, current],
      NOW,
    );
    expect(changes.map((c) => c.kind)).toEqual(['EXPIRE', 'UPDATE', 'UPDATE']);
  });
});
