import Redis from 'ioredis';
import { CACHE_SCHEMA_VERSION } from '@oc/cache';
import { FactQuery } from '../../harness/credit-snapshot';

/** The Redis the apps of a scenario write their turn-back cache to, and their REDIS_KEY_PREFIX. */
export interface CacheTarget {
  redis: Redis;
  keyPrefix: string;
}

interface StateRow {
  vehicle_key: string;
  version: string;
  listing_id: string | null;
  status: string | null;
  listed_at: Date | null;
  violation_count: number | null;
  ever_listed: boolean;
}

const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Differences between the gate's Redis cache and Postgres, vehicle by vehicle. The layout is the one
 * libs/cache/src/turn-back-cache.ts writes: a hash `<prefix>vehicle:<vehicleKey>` with the version `v`,
 * the status `s` and the active listing's `id`, `at` (listedAt), `n` (acts); `s` NONE is a tombstone.
 * What Postgres says it must hold (SPEC §4.6, §5):
 * - a vehicle with an active (LISTED/PUBLISHED) listing: that listing, its status and count, at the
 *   vehicle state's version — anything else turns back the wrong truck or lets a listed one through;
 * - a vehicle that had listings but has none active: a tombstone at the state's version;
 * - a vehicle never listed: no entry; and no entry for a vehicle Postgres does not know;
 * - every permit of the permit registry at its version and status (`<prefix>permit:<permitNo>`);
 * - the schema marker of the current layout (without it the gate ignores the cache).
 */
export async function cacheDifferences(store: FactQuery, target: CacheTarget): Promise<string[]> {
  const rows = await store.query<StateRow>(
    `SELECT s.vehicle_key, s.version::text AS version, l.id AS listing_id, l.status, l.listed_at, l.violation_count,
            EXISTS (SELECT 1 FROM listings x WHERE x.vehicle_key = s.vehicle_key) AS ever_listed
     FROM vehicle_states s LEFT JOIN listings l ON l.id = s.active_listing_id
     ORDER BY s.vehicle_key`,
  );
  const differences: string[] = [];
  const entryKey = (vehicleKey: string) => `${target.keyPrefix}vehicle:${vehicleKey}`;
  const pipeline = target.redis.pipeline();
  for (const r of rows) pipeline.hmget(entryKey(r.vehicle_key), 'v', 's', 'id', 'at', 'n');
  const replies = rows.length ? ((await pipeline.exec()) ?? []) : [];
  rows.forEach((r, i) => {
    const [error, fields] = replies[i] ?? [new Error('no reply'), null];
    if (error) throw error;
    const [v, s, id, at, n] = fields as (string | null)[];
    const actual = v === null ? 'absent' : `v${v}|${s}|${id ?? ''}|${at ?? ''}|${n ?? ''}`;
    const active = r.listing_id && (r.status === 'LISTED' || r.status === 'PUBLISHED');
    const expected = !r.ever_listed
      ? 'absent'
      : active
        ? `v${r.version}|${r.status}|${r.listing_id}|${r.listed_at!.toISOString()}|${r.violation_count}`
        : `v${r.version}|NONE|||`;
    if (actual !== expected) differences.push(`${r.vehicle_key}: redis ${actual} / postgres ${expected}`);
  });

  const known = new Set(rows.map((r) => entryKey(r.vehicle_key)));
  let cursor = '0';
  do {
    const [next, keys] = await target.redis.scan(
      cursor,
      'MATCH',
      `${globEscape(target.keyPrefix)}vehicle:*`,
      'COUNT',
      1000,
    );
    cursor = next;
    for (const key of keys) if (!known.has(key)) differences.push(`${key}: in redis, no vehicle state in postgres`);
  } while (cursor !== '0');

  // The permit registry (libs/cache/src/permit-cache.ts): each permit at its registry version and status,
  // so a revoked permit never still exempts at the gate.
  const permits = await store.query<{ permit_no: string; version: string; status: string }>(
    `SELECT permit_no, version::text AS version, status FROM registry_permits ORDER BY permit_no`,
  );
  if (permits.length > 0) {
    const permitPipeline = target.redis.pipeline();
    for (const p of permits) permitPipeline.hmget(`${target.keyPrefix}permit:${p.permit_no}`, 'v', 's');
    const permitReplies = (await permitPipeline.exec()) ?? [];
    permits.forEach((p, i) => {
      const [error, fields] = permitReplies[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      const [v, st] = fields as (string | null)[];
      const actual = v === null ? 'absent' : `v${v}|${st}`;
      if (actual !== `v${p.version}|${p.status}`)
        differences.push(`permit ${p.permit_no}: redis ${actual} / postgres v${p.version}|${p.status}`);
    });
  }

  const schema = await target.redis.hget(`${target.keyPrefix}meta`, 'schema');
  if (schema !== CACHE_SCHEMA_VERSION)
    differences.push(`cache marker: schema ${schema ?? 'missing'}, expected ${CACHE_SCHEMA_VERSION}`);
  return differences;
}

/**
 * Polls until the cache equals Postgres (the outbox relay writes it after the commit, asynchronously),
 * or fails after the deadline with the differences still there.
 */
export async function assertCacheMatchesDatabase(
  store: FactQuery,
  target: CacheTarget,
  timeoutMs = 30000,
): Promise<{ vehicles: number; ms: number }> {
  const started = Date.now();
  let differences: string[] = [];
  for (;;) {
    differences = await cacheDifferences(store, target);
    if (differences.length === 0) break;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the Redis cache still differs from Postgres after ${timeoutMs} ms (${differences.length} differences):\n` +
          differences.slice(0, 20).join('\n'),
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM vehicle_states');
  return { vehicles: n!, ms: Date.now() - started };
}
