import { createHash } from 'node:crypto';
import type { AuditRow } from '@oc/persistence';
import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { registerPermits } from '../harness/registries';
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
      { what: 'the cache entry' },
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

  it('counts two violations 30 minutes apart as one trip; warnings, registered permits and unknown plates count nothing; a repeated eventId changes nothing', async () => {
    const plate = '浙E10002';
    await registerPermits(
      (sql, params) => s.query(sql, params),
      [
        {
          permitNo: '浙交超证000001',
          vehicleKey: `1:${plate}`,
          validFrom: at(0),
          validTo: at(24),
          maxGrossWeightKg: 30_000,
        },
      ],
    );
    // A permitNo the registry does not hold exempts nothing (62号令 第二十七条); same journey as w-1.
    const forged = violationEvent({
      eventId: 'w-forged',
      plate,
      measuredAt: new Date(at(0).getTime() + 45 * 60_000),
      permitNo: '浙交超证999999',
    });
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
      forged,
      unknown,
      violationEvent({ eventId: 'w-1', plate, measuredAt: at(40) }), // same eventId, other content: dead-lettered DUPLICATE_CONFLICT, w-1 stays
    ]);
    await s.waitUntilConsumed();
    const weighings = await s.query<{ event_id: string; classification: string; permit_check: string | null }>(
      `SELECT event_id, classification, permit_check FROM weighings WHERE event_id LIKE 'w-%' ORDER BY event_id`,
    );
    expect(weighings).toEqual([
      { event_id: 'w-1', classification: 'VIOLATION', permit_check: null },
      { event_id: 'w-2', classification: 'VIOLATION', permit_check: null },
      { event_id: 'w-forged', classification: 'VIOLATION', permit_check: 'UNKNOWN_PERMIT' },
      { event_id: 'w-permit', classification: 'EXEMPT_PERMIT', permit_check: null },
      { event_id: 'w-unknown', classification: 'UNIDENTIFIED', permit_check: null },
      { event_id: 'w-warn', classification: 'WARNING', permit_check: null },
    ]);
    const violations = await s.query<{ event_id: string; trip_id: string; id: string }>(
      `SELECT id, event_id, trip_id FROM violations WHERE vehicle_key = $1 ORDER BY measured_at`,
      [`1:${plate}`],
    );
    expect(violations.map((v) => v.event_id)).toEqual(['w-1', 'w-2', 'w-forged']);
    expect(violations[1]!.trip_id).toBe(violations[0]!.id);
    expect(violations[2]!.trip_id).toBe(violations[0]!.id);
    const [state] = await s.query(`SELECT state, count_in_window FROM vehicle_states WHERE vehicle_key = $1`, [
      `1:${plate}`,
    ]);
    expect(state).toEqual({ state: 'WATCH', count_in_window: 1 });
    expect(await s.query(`SELECT 1 FROM listings WHERE vehicle_key = $1`, [`1:${plate}`])).toEqual([]);
  });

  it('sends a broken-JSON and a schema-invalid message to the DLQ with the SPEC headers and processes the valid ones around them', async () => {
    const plate = '浙E10003';
    const sent = Date.now();
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

    // These two and the first test's DUPLICATE_CONFLICT.
    const dead = await s.readTopic(s.topics.weighingEventsDlq, 3);
    expect(dead.map((m) => m.headers!['error-code']!.toString()).sort()).toEqual([
      'BAD_JSON',
      'DUPLICATE_CONFLICT',
      'SCHEMA_INVALID',
    ]);
    const byValue = new Map(dead.map((m) => [m.value!.toString(), m]));
    const broken = byValue.get('{"eventId": "d-broken", ')!;
    expect(broken.headers!['error-code']!.toString()).toBe('BAD_JSON');
    const invalid = [...byValue.values()].find((m) => m.value!.toString().includes('d-invalid'))!;
    expect(invalid.headers!['error-code']!.toString()).toBe('SCHEMA_INVALID');
    expect(JSON.parse(invalid.headers!['error-detail']!.toString())).toEqual([
      { field: 'axles', message: 'axles must not be greater than 12' },
    ]);
    // The headers point back at the very message: same value at that offset of the weighing topic
    // (every message of this suite so far: 3 + 6 + 4; one key, so one partition for this vehicle).
    const originals = (await s.readTopic(s.topics.weighingEvents, 13)).filter(
      (m) => m.key?.toString() === `1:${plate}`,
    );
    for (const m of [broken, invalid]) {
      expect(m.headers!['original-topic']!.toString()).toBe(s.topics.weighingEvents);
      expect(m.headers!['original-partition']!.toString()).toMatch(/^\d+$/);
      const offset = m.headers!['original-offset']!.toString();
      expect(originals.find((o) => o.offset === offset)?.value?.toString()).toBe(m.value!.toString());
      const failedAt = Date.parse(m.headers!['failed-at']!.toString());
      expect(failedAt).toBeGreaterThanOrEqual(sent - 1000);
      expect(failedAt).toBeLessThanOrEqual(Date.now());
      expect(m.key!.toString()).toBe(`1:${plate}`);
    }
  });

  it('appends one audit entry per recorded fact, each linked to the one before, and the chain verifies', async () => {
    // The row shape is the repository's; the hash below is recomputed here, not with the product's code.
    const entries = await s.query<AuditRow>(`SELECT * FROM audit_log ORDER BY seq`);

    // The chain (SPEC §4.7), recomputed here from the stored rows: the first entry links to the genesis
    // hash, every other one to its predecessor, and each hash is sha256(prevHash + canonical JSON).
    expect(entries.length).toBeGreaterThan(0);
    entries.forEach((e, i) => {
      const label = `seq ${e.seq} ${e.action}`;
      expect({ label, prevHash: e.prev_hash }).toEqual({
        label,
        prevHash: i === 0 ? '0'.repeat(64) : entries[i - 1]!.hash,
      });
      if (i > 0) expect(BigInt(e.seq)).toBeGreaterThan(BigInt(entries[i - 1]!.seq));
      const content = {
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        entityType: e.entity_type,
        entityId: e.entity_id,
        before: e.before,
        after: e.after,
        reason: e.reason,
      };
      const hash = createHash('sha256')
        .update(`${e.prev_hash}${canonicalJson(content)}`, 'utf8')
        .digest('hex');
      expect({ label, hash: e.hash }).toEqual({ label, hash });
    });

    // What happened in this suite: seven violations stored, w-2 merged into w-1's trip, one listing.
    const violations = await s.query<{ id: string; event_id: string; vehicle_key: string; measured_at: Date }>(
      `SELECT id::text, event_id, vehicle_key, measured_at FROM violations ORDER BY event_id`,
    );
    expect(violations.map((v) => v.event_id)).toEqual(['d-1', 'd-2', 'l3-a', 'l3-b', 'l3-c', 'w-1', 'w-2', 'w-forged']);
    const [listing] = await s.query<{ id: string }>(`SELECT id::text FROM listings WHERE vehicle_key = $1`, [
      '1:浙E10001',
    ]);
    // §4.10: the listing's notice is issued in the same commit.
    const [notice] = await s.query<{ id: string }>(`SELECT id::text FROM notices WHERE listing_id = $1`, [listing!.id]);
    const idOf = (eventId: string) => violations.find((v) => v.event_id === eventId)!.id;
    const seqOf = (action: string, entityId: string) =>
      BigInt(entries.find((e) => e.action === action && e.entity_id === entityId)!.seq);

    expect(entries.every((e) => e.actor === 'system')).toBe(true);
    expect(entries.map((e) => `${e.action} ${e.entity_type} ${e.entity_id}`).sort()).toEqual(
      [
        ...violations.map((v) => `VIOLATION_RECORDED violation ${v.id}`),
        `VIOLATION_MERGED violation ${idOf('w-2')}`,
        `VIOLATION_MERGED violation ${idOf('w-forged')}`,
        `LISTING_CREATED listing ${listing!.id}`,
        `NOTICE_ISSUED notice ${notice!.id}`,
      ].sort(),
    );
    for (const v of violations) {
      const recorded = entries.find((e) => e.action === 'VIOLATION_RECORDED' && e.entity_id === v.id)!;
      expect(recorded).toMatchObject({
        before: null,
        after: {
          vehicleKey: v.vehicle_key,
          eventId: v.event_id,
          measuredAt: v.measured_at.toISOString(),
          status: 'OPEN',
        },
      });
    }
    const merged = entries.find((e) => e.action === 'VIOLATION_MERGED')!;
    expect(merged.after).toEqual({ tripId: idOf('w-1') });
    expect(seqOf('VIOLATION_MERGED', idOf('w-2'))).toBeGreaterThan(seqOf('VIOLATION_RECORDED', idOf('w-2')));
    const created = entries.find((e) => e.action === 'LISTING_CREATED')!;
    expect(created).toMatchObject({
      before: null,
      after: { vehicleKey: '1:浙E10001', status: 'LISTED', violationCount: 3, listedAt: at(30 * 24).toISOString() },
    });
    // The listing is recorded after the three violations that reached it.
    for (const eventId of ['l3-a', 'l3-b', 'l3-c'])
      expect(seqOf('LISTING_CREATED', listing!.id)).toBeGreaterThan(seqOf('VIOLATION_RECORDED', idOf(eventId)));

    // The operator's verification walks the same chain and counts every entry.
    const cli = await runCli(['audit:verify'], s.env());
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(
        new RegExp(
          `^audit log intact: ${entries.length} entries \\(${entries.length} sealed, 0 from before the seal\\)`,
        ),
      ),
    });
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, entries: entries.length, unsealedEntries: 0 });
  });
});

/** SPEC §4.7's canonical JSON, written out here for JSON values as Postgres returns them. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
    .join(',')}}`;
}
