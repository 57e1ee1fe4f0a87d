import { violationEvent } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const HOUR = 3600_000;
const t0 = new Date('2026-10-01T08:00:00+08:00');
const at = (hours: number): Date => new Date(t0.getTime() + hours * HOUR);

describe('ingest: weighings → violations → trips → listings → turn-back cache (real Kafka, Postgres, Redis)', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await Scenario.create('ingest');
    await s.startIngest();
  });
  afterAll(() => s.close());

  it('three violations on three separate trips within 365 days give one LISTED listing, in the cache and on the listing topic', async () => {
    const plate = '浙E10001';
    await s.produce([
      violationEvent({ eventId: 'l3-a', plate, measuredAt: at(0) }),
      violationEvent({ eventId: 'l3-b', plate, measuredAt: at(5) }),
      violationEvent({ eventId: 'l3-c', plate, measuredAt: at(30 * 24) }),
    ]);
    const [listing] = await eventually(
      async () => {
        const rows = await s.query<{ id: string; status: string; listed_at: Date; violation_count: number }>(
          `SELECT id, status, listed_at, violation_count FROM listings WHERE vehicle_key = $1`,
          [`1:${plate}`],
        );
        return rows.length ? rows : undefined;
      },
      { what: 'a listing' },
    );
    expect(listing).toMatchObject({ status: 'LISTED', violation_count: 3 });
    expect(listing!.listed_at.toISOString()).toBe(at(30 * 24).toISOString());

    const cached = await eventually(
      async () => {
        const entry = await s.redis.hgetall(`${s.redisKeyPrefix}vehicle:1:${plate}`);
        return entry.s === 'LISTED' ? entry : undefined;
      },
      { what: 'the cache entry', timeoutMs: 5000 },
    );
    expect(cached).toMatchObject({ id: listing!.id, at: at(30 * 24).toISOString(), n: '3' });

    const events = await s.readTopic(s.topics.listingEvents, 1);
    const listed = events.map((m) => JSON.parse(m.value!.toString())).find((e) => e.listingId === listing!.id);
    expect(listed).toMatchObject({
      type: 'LISTED',
      plate,
      plateColor: 1,
      violationCount: 3,
      at: at(30 * 24).toISOString(),
    });
    expect(events.find((m) => JSON.parse(m.value!.toString()).listingId === listing!.id)!.key!.toString()).toBe(
      `1:${plate}`,
    );
  });

  it('counts two violations 30 minutes apart as one trip; warnings, permits and unknown plates count nothing; a repeated eventId changes nothing', async () => {
    const plate = '浙E10002';
    const warning = violationEvent({ eventId: 'w-warn', plate, measuredAt: at(10), overKg: 1000 });
    const permit = violationEvent({
      eventId: 'w-permit',
      plate,
      measuredAt: at(20),
      overKg: 5000,
      permitNo: '浙交超证000001',
    });
    const unknown = violationEvent({ eventId: 'w-unknown', plate: 'UNKNOWN', measuredAt: at(30), overKg: 5000 });
    await s.produce([
      violationEvent({ eventId: 'w-1', plate, measuredAt: at(0) }),
      violationEvent({ eventId: 'w-2', plate, measuredAt: new Date(at(0).getTime() + 30 * 60_000) }),
      warning,
      permit,
      unknown,
      violationEvent({ eventId: 'w-1', plate, measuredAt: at(40) }), // same eventId, other content: ignored
    ]);
    await s.waitUntilConsumed();
    const weighings = await s.query<{ event_id: string; classification: string }>(
      `SELECT event_id, classification FROM weighings WHERE event_id LIKE 'w-%' ORDER BY event_id`,
    );
    expect(weighings).toEqual([
      { event_id: 'w-1', classification: 'VIOLATION' },
      { event_id: 'w-2', classification: 'VIOLATION' },
      { event_id: 'w-permit', classification: 'EXEMPT_PERMIT' },
      { event_id: 'w-unknown', classification: 'UNIDENTIFIED' },
      { event_id: 'w-warn', classification: 'WARNING' },
    ]);
    const violations = await s.query<{ event_id: string; trip_id: string; id: string }>(
      `SELECT id, event_id, trip_id FROM violations WHERE vehicle_key = $1 ORDER BY measured_at`,
      [`1:${plate}`],
    );
    expect(violations.map((v) => v.event_id)).toEqual(['w-1', 'w-2']);
    expect(violations[1]!.trip_id).toBe(violations[0]!.id);
    const [state] = await s.query(`SELECT state, count_in_window FROM vehicle_states WHERE vehicle_key = $1`, [
      `1:${plate}`,
    ]);
    expect(state).toEqual({ state: 'WATCH', count_in_window: 1 });
    expect(await s.query(`SELECT 1 FROM listings WHERE vehicle_key = $1`, [`1:${plate}`])).toEqual([]);
  });

  it('sends a broken-JSON and a schema-invalid message to the DLQ with the SPEC headers and processes the valid ones around them', async () => {
    const plate = '浙E10003';
    await s.produce([
      violationEvent({ eventId: 'd-1', plate, measuredAt: at(0) }),
      { key: `1:${plate}`, value: '{"eventId": "d-broken", ' },
      {
        key: `1:${plate}`,
        value: JSON.stringify({
          eventId: 'd-invalid',
          source: 'TOLL_ENTRY',
          stationId: '330500001',
          measuredAt: at(1).toISOString(),
          plate,
          plateColor: 1,
          axles: 13,
          grossWeightKg: 20000,
          cargo: 'LADEN',
        }),
      },
      violationEvent({ eventId: 'd-2', plate, measuredAt: at(2) }),
    ]);
    await s.waitUntilConsumed();
    const stored = await s.query<{ event_id: string }>(
      `SELECT event_id FROM weighings WHERE event_id LIKE 'd-%' ORDER BY 1`,
    );
    expect(stored.map((r) => r.event_id)).toEqual(['d-1', 'd-2']);

    const dead = await s.readTopic(s.topics.weighingEventsDlq, 2);
    const byValue = new Map(dead.map((m) => [m.value!.toString(), m]));
    const broken = byValue.get('{"eventId": "d-broken", ')!;
    expect(broken.headers!['error-code']!.toString()).toBe('BAD_JSON');
    const invalid = [...byValue.values()].find((m) => m.value!.toString().includes('d-invalid'))!;
    expect(invalid.headers!['error-code']!.toString()).toBe('SCHEMA_INVALID');
    expect(JSON.parse(invalid.headers!['error-detail']!.toString())).toEqual([
      { field: 'axles', message: 'axles must not be greater than 12' },
    ]);
    for (const m of [broken, invalid]) {
      expect(m.headers!['original-topic']!.toString()).toBe(s.topics.weighingEvents);
      expect(Number(m.headers!['original-partition']!.toString())).toBeGreaterThanOrEqual(0);
      expect(m.headers!['original-offset']!.toString()).toMatch(/^\d+$/);
      expect(new Date(m.headers!['failed-at']!.toString()).getTime()).not.toBeNaN();
      expect(m.key!.toString()).toBe(`1:${plate}`);
    }
  });

  it('appends a verifiable audit chain for what ingest recorded', async () => {
    const rows = await s.query<{ action: string }>(`SELECT DISTINCT action FROM audit_log`);
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['VIOLATION_RECORDED', 'VIOLATION_MERGED', 'LISTING_CREATED']),
    );
  });
});
