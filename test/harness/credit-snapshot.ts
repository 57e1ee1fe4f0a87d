import { deriveCredit, DEFAULT_CREDIT_RULES } from '@oc/domain';
import { Scenario } from './scenario';

/** Listings and trips of a scenario's database, by event ids only, so two databases compare. */
export async function creditSnapshot(s: Scenario): Promise<{ listings: string[]; trips: string[]; states: string[] }> {
  const listings = await s.query<{
    vehicle_key: string;
    listed_at: Date;
    status: string;
    violation_count: number;
    events: string[];
  }>(
    `SELECT l.vehicle_key, l.listed_at, l.status, l.violation_count,
            array(SELECT v.event_id FROM violations v WHERE v.listing_id = l.id ORDER BY v.event_id) AS events
     FROM listings l ORDER BY l.vehicle_key, l.listed_at`,
  );
  const trips = await s.query<{ event_id: string; first: string }>(
    `SELECT v.event_id, t.event_id AS first FROM violations v JOIN violations t ON t.id = v.trip_id ORDER BY v.event_id`,
  );
  const states = await s.query<{ vehicle_key: string; state: string }>(
    `SELECT vehicle_key, state FROM vehicle_states ORDER BY 1`,
  );
  return {
    listings: listings.map(
      (l) => `${l.vehicle_key}|${l.listed_at.toISOString()}|${l.status}|${l.violation_count}|${l.events.join(',')}`,
    ),
    trips: trips.map((t) => `${t.event_id}>${t.first}`),
    states: states.map((r) => `${r.vehicle_key}|${r.state}`),
  };
}

/**
 * Replays the stored violations of every vehicle through libs/domain and compares with what ingest
 * stored: the same listings (listedAt, count, status), vehicle by vehicle. Returns the differences.
 */
export async function replayDifferences(s: Scenario, now: Date): Promise<string[]> {
  const violations = await s.query<{ id: string; event_id: string; vehicle_key: string; measured_at: Date }>(
    `SELECT id, event_id, vehicle_key, measured_at FROM violations WHERE status <> 'REVOKED'`,
  );
  const byVehicle = new Map<string, { id: string; eventId: string; measuredAt: Date }[]>();
  for (const v of violations) {
    const list = byVehicle.get(v.vehicle_key) ?? [];
    list.push({ id: v.id, eventId: v.event_id, measuredAt: v.measured_at });
    byVehicle.set(v.vehicle_key, list);
  }
  const stored = await s.query<{ vehicle_key: string; listed_at: Date; violation_count: number; status: string }>(
    `SELECT vehicle_key, listed_at, violation_count, status FROM listings ORDER BY vehicle_key, listed_at`,
  );
  const storedBy = new Map<string, string[]>();
  for (const l of stored) {
    const list = storedBy.get(l.vehicle_key) ?? [];
    list.push(`${l.listed_at.toISOString()}|${l.violation_count}|${l.status === 'EXPIRED' ? 'EXPIRED' : 'LISTED'}`);
    storedBy.set(l.vehicle_key, list);
  }
  const differences: string[] = [];
  for (const [vehicle, facts] of byVehicle) {
    const latest = Math.max(now.getTime(), ...facts.map((f) => f.measuredAt.getTime()));
    const derived = deriveCredit({
      violations: facts,
      endings: [],
      rules: DEFAULT_CREDIT_RULES,
      now: new Date(latest),
    });
    const expected = derived.listings.map((l) => `${l.listedAt.toISOString()}|${l.violationCount}|${l.status}`);
    const actual = storedBy.get(vehicle) ?? [];
    if (expected.join(';') !== actual.join(';'))
      differences.push(`${vehicle}: stored ${actual.join(';') || '-'} / replay ${expected.join(';') || '-'}`);
  }
  return differences;
}
