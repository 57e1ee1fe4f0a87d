import pino from 'pino';
import type { Producer } from 'kafkajs';
import { PermitCacheEntry, RedisConnection, TurnBackCache } from '@oc/cache';
import type { GateDecisionEventV1, GateDecisionQueryDto } from '@oc/contracts';
import { GateDecisionPublisher, OutboxRelay } from '@oc/messaging';
import {
  createDataSource,
  DatabaseConnection,
  dropDatabase,
  GateReadStore,
  migrate,
  OutboxRepository,
} from '@oc/persistence';
import { testServices } from '../../../../test/harness/services';
import { CacheRebuildService } from '../cache-rebuild.service';
import { GateDecisionService } from './gate-decision.service';

const DAY = 86_400_000;
const STATION = '330500001';

/**
 * The permit path from the registry's rows to the gate's answer, without the apps: a registry change
 * as the registry ingest commits it (registry_permits row + outbox row `{topic: null, key: permitNo,
 * payload: {permit}}`), the outbox relay, the Redis cache and GateDecisionService on real Redis and
 * Postgres; cache:rebuild and the Postgres fallback read the same rows.
 */
describe('Gate permits: registry rows → outbox relay → Redis → gate decision (real Postgres, Redis)', () => {
  const services = testServices();
  const url = services.databaseUrlFor(`oc_it_gate_permit_${process.pid}`);
  const redis = new RedisConnection(services.redisUrl, `${services.redisKeyPrefix}gate-permit-it:`);
  const cache = new TurnBackCache(redis);
  const offered: GateDecisionEventV1[] = [];
  const publisher = { offer: (e: GateDecisionEventV1) => void offered.push(e) } as unknown as GateDecisionPublisher;
  // Permit rows carry no Kafka event: the relay must not send anything for them.
  const producer = {
    sendBatch: () => Promise.reject(new Error('a permit row reached Kafka')),
  } as unknown as Producer;
  let db: DatabaseConnection;
  let store: GateReadStore;
  let relay: OutboxRelay;
  let gate: GateDecisionService;
  let rebuild: CacheRebuildService;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'gate-permit-it', poolSize: 4 }));
    store = new GateReadStore(url, 2000);
    relay = new OutboxRelay(db, new OutboxRepository(), cache, producer, pino({ level: 'silent' }), {
      databaseUrl: url,
    });
    rebuild = new CacheRebuildService(db, cache);
    gate = new GateDecisionService(cache, store, publisher, {
      warningBandKg: 1000,
      entryTolerancePercent: 5,
      turnBackRequiresPublication: false,
      listingValidityDays: 365,
      failureMode: 'open',
      deadlineMs: 2500,
      dbTimeoutMs: 2000,
    });
  });
  afterAll(async () => {
    await store.close();
    await db.onApplicationShutdown();
    await redis.onApplicationShutdown();
    await dropDatabase(url);
  });

  interface PermitRow {
    permitNo: string;
    plate: string;
    validFrom: Date;
    validTo: Date;
    maxGrossWeightKg: number;
    axles?: number | null;
    stationIds?: string[] | null;
    status?: 'ISSUED' | 'REVOKED';
  }

  /** Upserts (or deletes, `null`) a permit as the registry ingest does, with its outbox row; returns the entry. */
  async function commitPermit(permitNo: string, row: PermitRow | null): Promise<PermitCacheEntry> {
    const ds = await db.ready();
    return ds.transaction(async (m) => {
      let entry: PermitCacheEntry;
      if (row === null) {
        const [{ version }] = (await m.query(
          `WITH gone AS (DELETE FROM registry_permits WHERE permit_no = $1)
           SELECT nextval('registry_permit_version_seq')::text AS version`,
          [permitNo],
        )) as { version: string }[];
        entry = { permitNo, version: Number(version), permit: null };
      } else {
        const [stored] = (await m.query(
          `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to,
                                         max_gross_weight_kg, axles, station_ids, status)
           VALUES ($1, '1:' || $2, $2, 1, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (permit_no) DO UPDATE SET vehicle_key = EXCLUDED.vehicle_key, plate = EXCLUDED.plate,
             valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
             max_gross_weight_kg = EXCLUDED.max_gross_weight_kg, axles = EXCLUDED.axles,
             station_ids = EXCLUDED.station_ids, status = EXCLUDED.status,
             version = nextval('registry_permit_version_seq'), updated_at = now()
           RETURNING version::text AS version`,
          [
            permitNo,
            row.plate,
            row.validFrom,
            row.validTo,
            row.maxGrossWeightKg,
            row.axles ?? null,
            row.stationIds ?? null,
            row.status ?? 'ISSUED',
          ],
        )) as { version: string }[];
        entry = {
          permitNo,
          version: Number(stored!.version),
          permit: {
            vehicleKey: `1:${row.plate}`,
            validFrom: row.validFrom.toISOString(),
            validTo: row.validTo.toISOString(),
            maxGrossWeightKg: row.maxGrossWeightKg,
            axles: row.axles ?? null,
            stationIds: row.stationIds ?? null,
            status: row.status ?? 'ISSUED',
          },
        };
      }
      await new OutboxRepository().add(m, [{ topic: null, key: permitNo, payload: { permit: entry } }]);
      return entry;
    });
  }

  const now = Date.now();
  const valid = (permitNo: string, plate: string, extra: Partial<PermitRow> = {}): PermitRow => ({
    permitNo,
    plate,
    validFrom: new Date(now - DAY),
    validTo: new Date(now + 30 * DAY),
    maxGrossWeightKg: 60_000,
    ...extra,
  });
  // 6 axles: limit 49,000 kg, tolerance 2,450 kg; 55,000 kg is far beyond it.
  const reading = (plate: string, permitNo?: string): GateDecisionQueryDto => ({
    plate,
    plateColor: '1',
    cargo: 'LADEN',
    axles: 6,
    grossWeightKg: 55_000,
    ...(permitNo ? { permitNo } : {}),
  });
  const decide = (query: GateDecisionQueryDto, stationId = STATION) => gate.decide(query, { stationId });

  it('cache:rebuild writes every registry_permits row, and the gate then checks them from Redis', async () => {
    await commitPermit('P-REBUILD', valid('P-REBUILD', '浙E71001'));
    await (await db.ready()).query(`UPDATE outbox SET published_at = now()`); // the rebuild alone writes it
    expect(await cache.readPermit('P-REBUILD')).toBeUndefined();
    const progress = await rebuild.rebuild();
    expect(progress.written).toBe(progress.total);
    expect(await cache.readPermit('P-REBUILD')).toMatchObject({ vehicleKey: '1:浙E71001', status: 'ISSUED' });
    expect(await decide(reading('浙E71001', 'P-REBUILD'))).toMatchObject({
      decision: 'ALLOW',
      reasons: [],
      overKg: 6000,
      source: 'cache',
    });
  });

  it('the relay applies a permit row: issued → ALLOW, revoked → TURN_BACK, deleted → TURN_BACK', async () => {
    await commitPermit('P-LIFE', valid('P-LIFE', '浙E71002'));
    expect(await relay.drain()).toBe(1);
    expect(await decide(reading('浙E71002', 'P-LIFE'))).toMatchObject({ decision: 'ALLOW', source: 'cache' });

    await commitPermit('P-LIFE', valid('P-LIFE', '浙E71002', { status: 'REVOKED' }));
    await relay.drain();
    expect(await decide(reading('浙E71002', 'P-LIFE'))).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      source: 'cache',
    });

    await commitPermit('P-LIFE', valid('P-LIFE', '浙E71002'));
    await relay.drain();
    expect((await decide(reading('浙E71002', 'P-LIFE'))).decision).toBe('ALLOW');
    await commitPermit('P-LIFE', null);
    await relay.drain();
    expect(await cache.readPermit('P-LIFE')).toBeNull(); // a tombstone, not a missing entry
    expect(await decide(reading('浙E71002', 'P-LIFE'))).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
    });
    expect(offered.filter((o) => o.plate === '浙E71002').map((o) => o.reasons)).toEqual([['OVERLIMIT'], ['OVERLIMIT']]);
  });

  it('with the relay running (woken by NOTIFY), a revocation reaches the gate within 1 s of its commit', async () => {
    await commitPermit('P-FAST', valid('P-FAST', '浙E71009'));
    await relay.drain();
    expect((await decide(reading('浙E71009', 'P-FAST'))).decision).toBe('ALLOW');
    relay.start();
    try {
      const started = performance.now();
      await commitPermit('P-FAST', valid('P-FAST', '浙E71009', { status: 'REVOKED' }));
      for (;;) {
        if ((await decide(reading('浙E71009', 'P-FAST'))).decision === 'TURN_BACK') break;
        if (performance.now() - started > 5000) throw new Error('the revocation did not reach the gate in 5 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      const ms = performance.now() - started;
      console.log(`permit revocation commit → gate TURN_BACK: ${ms.toFixed(0)} ms`);
      expect(ms).toBeLessThan(1000);
    } finally {
      await relay.stop();
    }
  });

  it('a late relay of an older permit row never overrides the newer one (revoked stays revoked)', async () => {
    const first = await commitPermit('P-LATE', valid('P-LATE', '浙E71003'));
    await commitPermit('P-LATE', valid('P-LATE', '浙E71003', { status: 'REVOKED' }));
    await relay.drain();
    // The first row again, as a second relay that read it before the revocation would write it.
    expect(await cache.writeEntries([], [first])).toBe(0);
    expect((await decide(reading('浙E71003', 'P-LATE'))).reasons).toEqual(['OVERLIMIT']);
  });

  it('a relay batch with vehicle and permit rows applies both', async () => {
    const ds = await db.ready();
    await commitPermit('P-BATCH', valid('P-BATCH', '浙E71004'));
    await ds.transaction((m) =>
      new OutboxRepository().add(m, [
        { topic: null, key: '1:浙E71004', payload: { cache: { vehicleKey: '1:浙E71004', version: 2, listing: null } } },
      ]),
    );
    expect(await relay.drain()).toBe(2);
    expect(await cache.read('1:浙E71004')).toBeNull();
    expect(await cache.readPermit('P-BATCH')).toMatchObject({ status: 'ISSUED' });
  });

  it('checks vehicle, time, weight, axles and route; compares the normalised plate', async () => {
    await commitPermit(
      'P-CHK',
      valid('P-CHK', '浙E71005', { maxGrossWeightKg: 56_000, axles: 6, stationIds: [STATION] }),
    );
    await commitPermit('P-OLD', valid('P-OLD', '浙E71005', { validTo: new Date(now - 60_000) }));
    await relay.drain();
    const q = reading('浙E71005', 'P-CHK');
    expect((await decide(q)).decision).toBe('ALLOW');
    expect((await decide({ ...q, plate: ' 浙e·71005 ' })).decision).toBe('ALLOW');
    expect((await decide({ ...q, plate: '浙E71006' })).reasons).toEqual(['OVERLIMIT']); // another vehicle
    expect((await decide({ ...q, plateColor: 'BLUE' })).reasons).toEqual(['OVERLIMIT']); // same plate, other colour
    expect((await decide({ ...q, axles: 7 })).reasons).toEqual(['OVERLIMIT']); // the permit states 6 axles
    expect((await decide({ ...q, grossWeightKg: 56_001 })).reasons).toEqual(['OVERLIMIT']); // over its weight
    expect((await decide(q, '330521009')).reasons).toEqual(['OVERLIMIT']); // another station than its route
    expect((await decide(reading('浙E71005', 'P-OLD'))).reasons).toEqual(['OVERLIMIT']); // expired
    expect((await decide(reading('浙E71005', 'P-NONE'))).reasons).toEqual(['OVERLIMIT']); // unknown
  });

  it('falls back to registry_permits when the cache is not built: listing and permit in one statement', async () => {
    await commitPermit('P-DB', valid('P-DB', '浙E71007'));
    await commitPermit('P-DB-REVOKED', valid('P-DB-REVOKED', '浙E71007', { status: 'REVOKED' }));
    await relay.drain();
    await redis.client.del(redis.key('meta'));
    expect(await decide(reading('浙E71007', 'P-DB'))).toMatchObject({ decision: 'ALLOW', source: 'database' });
    expect(await decide(reading('浙E71007', 'P-DB-REVOKED'))).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      source: 'database',
    });
    expect(await decide(reading('浙E71007', 'P-DB-NONE'))).toMatchObject({ decision: 'TURN_BACK', source: 'database' });
    const listedAt = new Date(now - 10 * DAY);
    const [{ id }] = (await (
      await db.ready()
    ).query(
      `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, expires_at, violation_count)
       VALUES ('1:浙E71007', '浙E71007', 1, 'LISTED', $1, $2, 3) RETURNING id`,
      [listedAt, new Date(listedAt.getTime() + 365 * DAY)],
    )) as { id: string }[];
    // Listed and carrying a valid permit: the permit covers the weight (rule 1), not the listing (rule 2).
    expect(await decide(reading('浙E71007', 'P-DB'))).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
      source: 'database',
      listing: { id, status: 'LISTED', violationCount: 3 },
    });
    const found = await store.findActiveListingAndPermit('1:浙E71007', 'P-DB');
    expect(found).toEqual({
      listing: { id, status: 'LISTED', listedAt, violationCount: 3 },
      permit: {
        permitNo: 'P-DB',
        vehicleKey: '1:浙E71007',
        validFrom: new Date(now - DAY),
        validTo: new Date(now + 30 * DAY),
        maxGrossWeightKg: 60_000,
        axles: null,
        stationIds: null,
        status: 'ISSUED',
      },
    });
    expect(await store.findActiveListingAndPermit('1:浙E79999', 'P-DB-NONE')).toEqual({ listing: null, permit: null });
    await cache.writeMarker(new Date());
  });
});
