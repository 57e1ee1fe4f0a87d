import {
  CreditRules,
  deriveCredit,
  DEFAULT_CREDIT_RULES,
  DerivedListing,
  ListingEnding,
  ViolationFact,
} from '@oc/domain';

/** Where the facts are read from: a Scenario, or the database of a test-owned cluster. */
export interface FactQuery {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Listings, trips and vehicle states of a scenario's database, by event ids only, so two databases
 * compare. A listing withdrawn because a permit exempted its acts (PERMIT_EXEMPTED) is no fact of
 * counting (docs/rules.md, permits) and is left out here as the recount leaves it out.
 */
export async function creditSnapshot(s: FactQuery): Promise<{ listings: string[]; trips: string[]; states: string[] }> {
  const listings = await s.query<{
    vehicle_key: string;
    listed_at: Date;
    expires_at: Date;
    ended_at: Date | null;
    status: string;
    end_reason: string | null;
    violation_count: number;
    events: string[];
  }>(
    `SELECT l.vehicle_key, l.listed_at, l.expires_at, l.ended_at, l.status, l.end_reason, l.violation_count,
            array(SELECT v.event_id FROM violations v WHERE v.listing_id = l.id ORDER BY v.event_id) AS events
     FROM listings l WHERE l.end_reason IS DISTINCT FROM 'PERMIT_EXEMPTED' ORDER BY l.vehicle_key, l.listed_at`,
  );
  const trips = await s.query<{ event_id: string; first: string }>(
    `SELECT v.event_id, t.event_id AS first FROM violations v JOIN violations t ON t.id = v.trip_id ORDER BY v.event_id`,
  );
  const states = await s.query<{ vehicle_key: string; state: string; count_in_window: number; active: string | null }>(
    `SELECT s.vehicle_key, s.state, s.count_in_window, l.listed_at::text AS active
     FROM vehicle_states s LEFT JOIN listings l ON l.id = s.active_listing_id ORDER BY 1`,
  );
  return {
    listings: listings.map(
      (l) =>
        `${l.vehicle_key}|${iso(l.listed_at)}|${iso(l.expires_at)}|${l.status}|${iso(l.ended_at)}|` +
        `${l.end_reason ?? '-'}|${l.violation_count}|${l.events.join(',')}`,
    ),
    trips: trips.map((t) => `${t.event_id}>${t.first}`),
    states: states.map((r) => `${r.vehicle_key}|${r.state}|${r.count_in_window}|${r.active ?? '-'}`),
  };
}

interface ViolationRow {
  id: string;
  event_id: string;
  vehicle_key: string;
  measured_at: Date;
  received_at: Date;
  status: 'OPEN' | 'PROCESSED' | 'REVOKED';
  revoked_at: Date | null;
  trip_id: string | null;
  listing_id: string | null;
}

interface ListingRow {
  id: string;
  vehicle_key: string;
  status: 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';
  listed_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  violation_count: number;
  published_at: Date | null;
}

interface StateRow {
  vehicle_key: string;
  state: string;
  count_in_window: number;
  active_listing_id: string | null;
}

function iso(d: Date | null | undefined): string {
  return d ? d.toISOString() : '-';
}

function group<T extends { vehicle_key: string }>(rows: T[]): Map<string, T[]> {
  const by = new Map<string, T[]>();
  for (const r of rows) {
    const list = by.get(r.vehicle_key) ?? [];
    list.push(r);
    by.set(r.vehicle_key, list);
  }
  return by;
}

const fact = (v: ViolationRow): ViolationFact => ({ id: v.id, eventId: v.event_id, measuredAt: v.measured_at });
const latestOf = (facts: ViolationFact[], now: number): Date =>
  new Date(Math.max(now, ...facts.map((f) => f.measuredAt.getTime())));

/**
 * (Listings withdrawn by a permit, PERMIT_EXEMPTED, are left out as the recount leaves them out.)
 * Replays the stored facts of every vehicle that has any row (a violation of any status, a listing, a
 * vehicle state) through libs/domain `deriveCredit`, as the recount does (libs/credit
 * credit-recount.service.ts): the violations that are not REVOKED, and the staff endings. Returns every
 * difference from what the product stored, vehicle by vehicle, in:
 * - each listing: listedAt, expiresAt, status, endedAt, end reason, count of acts and the violations that
 *   point at it (REVOKED ones keep their history and are not compared); a stored PUBLISHED listing is a
 *   derived LISTED one that staff published (published_at set);
 * - each counted violation's trip;
 * - the vehicle state: state (PUBLISHED when the active listing is), count in the window, active listing.
 *
 * Endings are fed from the facts that justify them, never from the listing rows alone, so that a listing
 * wrongly written REPAIRED or REVOKED cannot justify itself:
 * - REPAIRED: an APPROVED credit repair of that listing, ended at its review time (SPEC §4.5);
 * - REVOKED (RECOUNT_BELOW_THRESHOLD, SPEC §4.4: revocations left it under the threshold): only at the
 *   instant a violation of the vehicle was revoked, when the facts known just before (received by then,
 *   not revoked before) derive this listing active, and the facts known just after derive nothing it
 *   could still be. Its violations are revoked, so the final replay no longer holds it: it is compared
 *   with the listing derived just before the revocation (all violations that pointed at it).
 * A stored ending without such a fact is not fed, so the replay shows what the listing should be.
 */
export async function replayDifferences(
  s: FactQuery,
  now: Date,
  rules: CreditRules = DEFAULT_CREDIT_RULES,
): Promise<string[]> {
  const violations = await s.query<ViolationRow>(
    `SELECT v.id, v.event_id, v.vehicle_key, v.measured_at, w.received_at, v.status, v.revoked_at, v.trip_id,
            v.listing_id
     FROM violations v JOIN weighings w ON w.id = v.weighing_id`,
  );
  const listings = await s.query<ListingRow>(
    `SELECT id, vehicle_key, status, listed_at, expires_at, ended_at, end_reason, violation_count, published_at
     FROM listings WHERE end_reason IS DISTINCT FROM 'PERMIT_EXEMPTED' ORDER BY vehicle_key, listed_at, id`,
  );
  const states = await s.query<StateRow>(
    `SELECT vehicle_key, state, count_in_window, active_listing_id FROM vehicle_states`,
  );
  const repairs = await s.query<{ listing_id: string; reviewed_at: Date }>(
    `SELECT listing_id, reviewed_at FROM credit_repairs WHERE status = 'APPROVED' ORDER BY reviewed_at`,
  );
  const violationsBy = group(violations);
  const listingsBy = group(listings);
  const stateBy = new Map(states.map((r) => [r.vehicle_key, r]));
  const listingById = new Map(listings.map((l) => [l.id, l]));
  const repairEndings = new Map<string, ListingEnding[]>();
  const differences: string[] = [];
  for (const r of repairs) {
    const listing = listingById.get(r.listing_id);
    if (!listing) {
      differences.push(`credit repair of unknown listing ${r.listing_id}`);
      continue;
    }
    const list = repairEndings.get(listing.vehicle_key) ?? [];
    list.push({ listingId: r.listing_id, endedAt: r.reviewed_at, status: 'REPAIRED' });
    repairEndings.set(listing.vehicle_key, list);
  }

  const vehicles = [...new Set([...violationsBy.keys(), ...listingsBy.keys(), ...stateBy.keys()])].sort();
  for (const vehicle of vehicles) {
    const rows = violationsBy.get(vehicle) ?? [];
    const eventOf = new Map(rows.map((v) => [v.id, v.event_id]));
    const events = (ids: string[]) =>
      ids
        .map((id) => eventOf.get(id) ?? id)
        .sort()
        .join(',');
    const { endings, revoked } = justifiedEndings(
      rows,
      listingsBy.get(vehicle) ?? [],
      repairEndings.get(vehicle) ?? [],
      rules,
      now,
    );
    const counted = rows.filter((v) => v.status !== 'REVOKED').map(fact);
    const derived = deriveCredit({ violations: counted, endings, rules, now: latestOf(counted, now.getTime()) });

    const storedText = (l: ListingRow, held: ViolationRow[]) =>
      `${iso(l.listed_at)}|${iso(l.expires_at)}|${l.status}|${iso(l.ended_at)}|${l.end_reason ?? '-'}|` +
      `${l.violation_count}|${events(held.filter((v) => v.listing_id === l.id).map((v) => v.id))}` +
      `${l.status === 'REPAIRED' || l.status === 'REVOKED' ? `@${l.id}` : ''}`;
    const derivedText = (d: DerivedListing, published: boolean) =>
      `${iso(d.listedAt)}|${iso(d.expiresAt)}|${d.status === 'OPEN' ? (published ? 'PUBLISHED' : 'LISTED') : d.status}|` +
      `${iso(d.endedAt)}|${d.status === 'OPEN' ? '-' : d.status === 'REVOKED' ? 'RECOUNT_BELOW_THRESHOLD' : d.status}|` +
      `${d.violationCount}|${events(d.violationIds)}${d.listingId ? `@${d.listingId}` : ''}`;

    // Revoked by a recount: against the listing derived just before the revocation.
    for (const [l, before] of revoked) {
      const actual = storedText(l, rows);
      const expected = derivedText(before, false);
      if (actual !== expected) differences.push(`${vehicle} revoked listing: stored ${actual} / replay ${expected}`);
    }
    // Every other listing, pairwise in time order (the product keeps every listing it ever created).
    const stored = (listingsBy.get(vehicle) ?? []).filter((l) => !revoked.has(l));
    const countedRows = rows.filter((v) => v.status !== 'REVOKED');
    const actualListings = stored.map((l) => storedText(l, countedRows));
    const expectedListings = derived.listings.map((d, i) => derivedText(d, !!stored[i]?.published_at));
    if (actualListings.join(';') !== expectedListings.join(';'))
      differences.push(
        `${vehicle} listings: stored ${actualListings.join(';') || '-'} / replay ${expectedListings.join(';') || '-'}`,
      );

    // Trips of the counted violations.
    const tripOf = new Map<string, string>();
    for (const t of derived.trips) for (const id of t.violationIds) tripOf.set(id, t.tripId);
    const trips = (tripId: (v: ViolationRow) => string | null | undefined): string =>
      countedRows
        .map((v) => `${v.event_id}>${eventOf.get(tripId(v) ?? '') ?? '-'}`)
        .sort()
        .join(',');
    const storedTrips = trips((v) => v.trip_id);
    const derivedTrips = trips((v) => tripOf.get(v.id));
    if (storedTrips !== derivedTrips)
      differences.push(`${vehicle} trips: stored ${storedTrips} / replay ${derivedTrips}`);

    // The vehicle state (what the staff views and the cache rebuild read).
    const activeIndex = derived.listings.findIndex((d) => d.status === 'OPEN');
    const active = activeIndex >= 0 ? stored[activeIndex] : undefined;
    // These suites run with listings in effect at once (NOTICE_PERIOD_WORKING_DAYS=0): open is LISTED.
    const expectedState = derived.state === 'OPEN' ? (active?.published_at ? 'PUBLISHED' : 'LISTED') : derived.state;
    const state = stateBy.get(vehicle);
    const storedState = state ? `${state.state}|${state.count_in_window}|${state.active_listing_id ?? '-'}` : '-';
    const derivedState = `${expectedState}|${derived.countInWindow}|${activeIndex >= 0 ? (active?.id ?? '?') : '-'}`;
    if (storedState !== derivedState)
      differences.push(`${vehicle} state: stored ${storedState} / replay ${derivedState}`);
  }
  return differences;
}

/**
 * The staff endings of one vehicle that facts justify: approved repairs, and recount revocations (in
 * time order, each seeing the endings before it) with the listing each one ended, as derived just
 * before it.
 */
function justifiedEndings(
  rows: ViolationRow[],
  stored: ListingRow[],
  repairs: ListingEnding[],
  rules: CreditRules,
  now: Date,
): { endings: ListingEnding[]; revoked: Map<ListingRow, DerivedListing> } {
  const endings = [...repairs];
  const revoked = new Map<ListingRow, DerivedListing>();
  const candidates = stored
    .filter((l) => l.status === 'REVOKED' && l.ended_at && l.end_reason === 'RECOUNT_BELOW_THRESHOLD')
    .sort((a, b) => a.ended_at!.getTime() - b.ended_at!.getTime());
  for (const l of candidates) {
    const at = l.ended_at!.getTime();
    if (at > now.getTime() || !rows.some((v) => v.revoked_at?.getTime() === at)) continue;
    const derive = (revokedBy: (revokedAt: number) => boolean) => {
      const known = rows
        .filter((v) => v.received_at.getTime() <= at && !(v.revoked_at && revokedBy(v.revoked_at.getTime())))
        .map(fact);
      return deriveCredit({
        violations: known,
        endings: endings.filter((e) => e.endedAt.getTime() < at),
        rules,
        now: latestOf(known, at),
      });
    };
    const before = derive((t) => t < at).listings.find(
      (d) => d.listingId === null && d.status === 'OPEN' && d.listedAt.getTime() === l.listed_at.getTime(),
    );
    // reconcileListings keeps an active stored listing while an unnamed derived listing overlaps it.
    const stillDerived = derive((t) => t <= at).listings.some(
      (d) =>
        d.listingId === null &&
        (d.status === 'OPEN' || d.status === 'EXPIRED') &&
        (d.endedAt === null || d.endedAt.getTime() > l.listed_at.getTime()),
    );
    if (!before || stillDerived) continue;
    endings.push({ listingId: l.id, endedAt: l.ended_at!, status: 'REVOKED' });
    revoked.set(l, { ...before, status: 'REVOKED', endedAt: l.ended_at!, listingId: l.id });
  }
  return { endings, revoked };
}
