import { compareStrings } from '../time/time';
import { isDecidedEndStatus, isOpenListingStatus, type ListingStatus } from './credit-statuses';
import type { DerivedListing } from './derive-credit';

/** A listing as persisted, reduced to what reconciliation compares. */
export interface StoredListing {
  id: string;
  status: ListingStatus;
  listedAt: Date;
  /** When given, an UPDATE also follows a changed expiry (a listing that took effect in this plan). */
  expiresAt?: Date | null;
  endedAt: Date | null;
  violationIds: string[];
  /** Acts (trips). */
  violationCount: number;
}

export type ListingChange =
  /** Insert a listing; `derived.status` is OPEN, or EXPIRED when late facts reveal a past listing. */
  | { kind: 'CREATE'; derived: DerivedListing }
  /**
   * Rewrite listedAt (and so expiresAt, publication due date), violationIds and violationCount from
   * `derived`; for a stored EXPIRED listing also endedAt. The stored status stays (PUBLISHED included).
   */
  | { kind: 'UPDATE'; id: string; derived: DerivedListing }
  /** LISTED/PUBLISHED → EXPIRED at the expiry instant (§4.4), not at the moment it is noticed. */
  | { kind: 'EXPIRE'; id: string; endedAt: Date }
  /** An open listing no derivation holds any more: revocations left it under the threshold (§4.4). */
  | { kind: 'REVOKE'; id: string; endedAt: Date; reason: 'RECOUNT_BELOW_THRESHOLD' };

const frozen = (status: ListingStatus): boolean => isDecidedEndStatus(status);

/**
 * Changes that make the stored listings of one vehicle agree with a fresh `deriveCredit`.
 *
 * - Stored listings with a decided end (REPAIRED, REVOKED, WITHDRAWN) are frozen: never changed, never matched. Derived
 *   listings that a ListingEnding named (`listingId` set) are theirs and are skipped too.
 * - The other stored listings (open ones and EXPIRED, by listedAt) are matched in order with the
 *   unnamed derived listings (by listedAt): first same listedAt, then the first stored listing whose
 *   period overlaps the derived one ([listedAt, endedAt), open while active). Matching by overlapping
 *   period instead of bare position keeps identities when a listing vanishes from the middle of the
 *   history (an appeal on an old violation): the later listings are not shifted onto earlier records.
 * - Compatibility: an open stored listing matches a derived OPEN or EXPIRED one; a stored EXPIRED
 *   listing matches only a derived EXPIRED one, because an ended listing never turns back (§4.4). When a
 *   recount moves an expired listing's listedAt so late that it would be active again, the old record
 *   stays EXPIRED and a new listing is created for the derived one.
 * - Matched: UPDATE when listedAt, the violation set, the count, the expiry (or, for a stored EXPIRED one,
 *   endedAt) differ; EXPIRE when the stored one is open and the derived one has expired. Equal: nothing.
 * - Unmatched open stored listing: REVOKE at `now` (reason RECOUNT_BELOW_THRESHOLD; the plan withdraws
 *   a PENDING one instead). This also retires a second open listing, which should never exist. Unmatched stored EXPIRED listing: left as it is;
 *   history is not rewritten and it no longer affects counting (expiry is recomputed, not read).
 * - Unmatched derived listing: CREATE, except when its period overlaps a frozen stored listing that no
 *   derived listing is named after. That happens when staff ended a listing after its expiry instant
 *   but before the scheduler marked it EXPIRED: derivation saw it expire first, and the frozen record
 *   already stands for it.
 *
 * Changes come in an order that can be applied one by one under a "one active listing per vehicle"
 * constraint: EXPIRE and REVOKE first, then UPDATE, then CREATE (each group chronological).
 */
export function reconcileListings(
  stored: readonly StoredListing[],
  derived: readonly DerivedListing[],
  now: Date,
): ListingChange[] {
  const candidates = stored
    .filter((s) => !frozen(s.status))
    .sort((a, b) => a.listedAt.getTime() - b.listedAt.getTime() || compareStrings(a.id, b.id));
  const unnamed = derived
    .filter((d) => d.listingId === null && (d.status === 'OPEN' || d.status === 'EXPIRED'))
    .sort((a, b) => a.listedAt.getTime() - b.listedAt.getTime());

  const partnerOf = new Map<DerivedListing, StoredListing>();
  const taken = new Set<StoredListing>();
  const match = (predicate: (s: StoredListing, d: DerivedListing) => boolean): void => {
    for (const d of unnamed) {
      if (partnerOf.has(d)) continue;
      const s = candidates.find((c) => !taken.has(c) && compatible(c, d) && predicate(c, d));
      if (s) {
        partnerOf.set(d, s);
        taken.add(s);
      }
    }
  };
  match((s, d) => s.listedAt.getTime() === d.listedAt.getTime());
  match(overlaps);

  const ends: ListingChange[] = [];
  const updates: ListingChange[] = [];
  const creates: ListingChange[] = [];
  for (const d of unnamed) {
    const s = partnerOf.get(d);
    if (s) {
      if (differs(s, d)) updates.push({ kind: 'UPDATE', id: s.id, derived: d });
      if (isOpenListingStatus(s.status) && d.status === 'EXPIRED') {
        ends.push({ kind: 'EXPIRE', id: s.id, endedAt: (d.endedAt ?? d.expiresAt)! });
      }
    } else if (!coveredByOrphanFrozen(d, stored, derived)) {
      creates.push({ kind: 'CREATE', derived: d });
    }
  }
  for (const s of candidates) {
    if (!taken.has(s) && isOpenListingStatus(s.status)) {
      ends.push({ kind: 'REVOKE', id: s.id, endedAt: now, reason: 'RECOUNT_BELOW_THRESHOLD' });
    }
  }
  ends.sort((a, b) => endedAtOf(a) - endedAtOf(b));
  return [...ends, ...updates, ...creates];
}

function endedAtOf(change: ListingChange): number {
  return change.kind === 'EXPIRE' || change.kind === 'REVOKE' ? change.endedAt.getTime() : 0;
}

function compatible(s: StoredListing, d: DerivedListing): boolean {
  return isOpenListingStatus(s.status) || (s.status === 'EXPIRED' && d.status === 'EXPIRED');
}

/** Half-open periods [listedAt, end); an active stored listing, or an EXPIRED one without endedAt, is open. */
function storedPeriodEnd(s: StoredListing): number {
  return !isOpenListingStatus(s.status) && s.endedAt ? s.endedAt.getTime() : Infinity;
}

function derivedPeriodEnd(d: DerivedListing): number {
  return d.endedAt ? d.endedAt.getTime() : Infinity;
}

function overlaps(s: StoredListing, d: DerivedListing): boolean {
  return s.listedAt.getTime() < derivedPeriodEnd(d) && d.listedAt.getTime() < storedPeriodEnd(s);
}

function differs(s: StoredListing, d: DerivedListing): boolean {
  if (s.listedAt.getTime() !== d.listedAt.getTime() || s.violationCount !== d.violationCount) return true;
  if (s.expiresAt !== undefined && (s.expiresAt?.getTime() ?? null) !== (d.expiresAt?.getTime() ?? null)) return true;
  if (!sameSet(s.violationIds, d.violationIds)) return true;
  return s.status === 'EXPIRED' && s.endedAt?.getTime() !== d.endedAt?.getTime();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

function coveredByOrphanFrozen(
  d: DerivedListing,
  stored: readonly StoredListing[],
  derived: readonly DerivedListing[],
): boolean {
  const named = new Set(derived.map((x) => x.listingId).filter((id): id is string => id !== null));
  return stored.some((s) => frozen(s.status) && !named.has(s.id) && overlapsFrozen(s, d));
}

function overlapsFrozen(s: StoredListing, d: DerivedListing): boolean {
  const end = s.endedAt ? s.endedAt.getTime() : Infinity;
  return s.listedAt.getTime() < derivedPeriodEnd(d) && d.listedAt.getTime() < end;
}
