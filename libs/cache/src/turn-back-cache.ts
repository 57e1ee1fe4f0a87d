import { Injectable } from '@nestjs/common';
import type { PermitRecord } from '@oc/domain';
import type { PermitCacheEntry } from './permit-cache-entry';
import { PERMIT_WRITE_SCRIPT, permitFromFields, permitWriteArgs } from './permit-cache';
import { RedisConnection } from './redis.module';

/**
 * Bumped when the layout of a cache entry changes, or what a built cache holds; ingest rebuilds a cache
 * with an older marker. 2: the cache holds the permit registry too (a cache of schema 1 has no permits,
 * so a missing permit there proves nothing).
 */
export const CACHE_SCHEMA_VERSION = '2';

/** What the gate needs to know about one vehicle: its active listing, if any. */
export interface VehicleCacheEntry {
  vehicleKey: string;
  /** vehicle_states.version: a newer version always wins, an older one never overwrites. */
  version: number;
  listing: { id: string; status: 'LISTED' | 'PUBLISHED'; listedAt: string; violationCount: number } | null;
}

export type CachedListing = NonNullable<VehicleCacheEntry['listing']>;

// Compare-and-set on the version (ARGV[6] = '1' also rewrites an equal version: a rebuild after a
// layout change must replace entries of the old layout). A vehicle without an active listing keeps a tombstone (status NONE)
// for a week, so that a delayed older write cannot bring a repaired listing back.
const WRITE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and (tonumber(current) > tonumber(ARGV[1]) or (tonumber(current) == tonumber(ARGV[1]) and ARGV[6] ~= '1')) then return 0 end
if ARGV[2] == 'NONE' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', 'NONE')
  redis.call('EXPIRE', KEYS[1], 604800)
else
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2], 'id', ARGV[3], 'at', ARGV[4], 'n', ARGV[5])
end
return 1`;

function toListing(
  s: string | null | undefined,
  id?: string | null,
  at?: string | null,
  n?: string | null,
): CachedListing | null {
  if (s !== 'LISTED' && s !== 'PUBLISHED') return null;
  return { id: id ?? '', status: s, listedAt: at ?? '', violationCount: Number(n ?? 0) };
}

// The gate's read: the vehicle's entry and the schema marker as one command (one reply to parse).
const LOOKUP_SCRIPT = `
return {redis.call('HMGET', KEYS[1], 'v', 's', 'id', 'at', 'n'), redis.call('HGET', KEYS[2], 'schema')}`;

// The gate's read for a reading with a permitNo: the same two, and the permit's entry, in one command.
const LOOKUP_WITH_PERMIT_SCRIPT = `
return {redis.call('HMGET', KEYS[1], 'v', 's', 'id', 'at', 'n'), redis.call('HGET', KEYS[2], 'schema'),
  redis.call('HMGET', KEYS[3], 'v', 's', 'p')}`;

interface CacheLookupClient {
  ocCacheLookup(entryKey: string, metaKey: string): Promise<[(string | null)[], string | null]>;
  ocCacheLookupPermit(
    entryKey: string,
    metaKey: string,
    permitKey: string,
  ): Promise<[(string | null)[], string | null, (string | null)[]]>;
}

interface CacheWritePipeline {
  ocCacheWrite(key: string, ...args: (string | number)[]): CacheWritePipeline;
  ocPermitWrite(key: string, ...args: (string | number)[]): CacheWritePipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** What the gate's lookup found: whether the cache is built, the active listing, and the permit asked for. */
export interface CacheLookup {
  current: boolean;
  listing: CachedListing | null;
}
export interface CacheLookupWithPermit extends CacheLookup {
  /** null: no such permit in the registry (never issued, or deleted). */
  permit: PermitRecord | null;
}

/**
 * The Redis turn-back cache (SPEC §4.6, §5): the vehicles' active listings and the permit registry,
 * written by the outbox relay and cache:rebuild, read by the gate.
 */
@Injectable()
export class TurnBackCache {
  constructor(private readonly redis: RedisConnection) {
    // ioredis sends EVALSHA and falls back to EVAL after a Redis restart emptied the script cache.
    if (!('ocCacheWrite' in redis.client))
      redis.client.defineCommand('ocCacheWrite', { numberOfKeys: 1, lua: WRITE_SCRIPT });
    if (!('ocCacheLookup' in redis.client))
      redis.client.defineCommand('ocCacheLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT });
    if (!('ocPermitWrite' in redis.client))
      redis.client.defineCommand('ocPermitWrite', { numberOfKeys: 1, lua: PERMIT_WRITE_SCRIPT });
    if (!('ocCacheLookupPermit' in redis.client))
      redis.client.defineCommand('ocCacheLookupPermit', { numberOfKeys: 3, lua: LOOKUP_WITH_PERMIT_SCRIPT });
  }

  vehicleKey(vehicleKey: string): string {
    return this.redis.key('vehicle', vehicleKey);
  }
  permitKey(permitNo: string): string {
    return this.redis.key('permit', permitNo);
  }
  private metaKey(): string {
    return this.redis.key('meta');
  }

  /** Writes vehicle entries with compare-and-set in one pipeline; returns how many were newer than the cache. */
  async write(entries: VehicleCacheEntry[], options: { replaceEqualVersions?: boolean } = {}): Promise<number> {
    return this.writeEntries(entries, [], options);
  }

  /**
   * Writes vehicle and permit entries, each with compare-and-set on its own version, in one pipeline
   * (one round trip); returns how many were newer than the cache.
   */
  async writeEntries(
    entries: readonly VehicleCacheEntry[],
    permits: readonly PermitCacheEntry[],
    options: { replaceEqualVersions?: boolean } = {},
  ): Promise<number> {
    if (entries.length === 0 && permits.length === 0) return 0;
    const pipeline = this.redis.client.pipeline() as unknown as CacheWritePipeline;
    for (const p of permits)
      pipeline.ocPermitWrite(this.permitKey(p.permitNo), ...permitWriteArgs(p, !!options.replaceEqualVersions));
    for (const e of entries) {
      const l = e.listing;
      pipeline.ocCacheWrite(
        this.vehicleKey(e.vehicleKey),
        e.version,
        l ? l.status : 'NONE',
        l?.id ?? '',
        l?.listedAt ?? '',
        l?.violationCount ?? 0,
        options.replaceEqualVersions ? '1' : '0',
      );
    }
    const results = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
    let written = 0;
    for (const [error, value] of results) {
      if (error) throw error;
      written += Number(value);
    }
    return written;
  }

  /** One round trip. undefined = the vehicle has no entry (never listed, or its tombstone expired). */
  async read(vehicleKey: string): Promise<CachedListing | null | undefined> {
    const [v, s, id, at, n] = await this.redis.client.hmget(this.vehicleKey(vehicleKey), 'v', 's', 'id', 'at', 'n');
    return v === null ? undefined : toListing(s, id, at, n);
  }

  /**
   * The gate's read: the vehicle's entry and the schema marker in one round trip. `current` is false
   * when the cache was never built (or by an older schema): a missing entry then proves nothing.
   */
  async lookup(vehicleKey: string): Promise<CacheLookup> {
    // One command: half the client objects and replies of HMGET + HGET, and on the gate's
    // auto-pipelining connection it shares a write with the other lanes' lookups of the same tick.
    const [entry, schema] = await (this.redis.client as unknown as CacheLookupClient).ocCacheLookup(
      this.vehicleKey(vehicleKey),
      this.metaKey(),
    );
    const [v, s, id, at, n] = entry;
    return { current: schema === CACHE_SCHEMA_VERSION, listing: v === null ? null : toListing(s, id, at, n) };
  }

  /**
   * lookup() and the permit named by the reading, still in one round trip (one script call): a reading
   * with a permitNo costs the gate no second command.
   */
  async lookupWithPermit(vehicleKey: string, permitNo: string): Promise<CacheLookupWithPermit> {
    const [entry, schema, permit] = await (this.redis.client as unknown as CacheLookupClient).ocCacheLookupPermit(
      this.vehicleKey(vehicleKey),
      this.metaKey(),
      this.permitKey(permitNo),
    );
    const [v, s, id, at, n] = entry;
    return {
      current: schema === CACHE_SCHEMA_VERSION,
      listing: v === null ? null : toListing(s, id, at, n),
      permit: permitFromFields(permitNo, permit),
    };
  }

  /** The permit's entry: undefined = none, null = a tombstone, otherwise the record. */
  async readPermit(permitNo: string): Promise<PermitRecord | null | undefined> {
    const fields = await this.redis.client.hmget(this.permitKey(permitNo), 'v', 's', 'p');
    return fields[0] === null ? undefined : permitFromFields(permitNo, fields);
  }

  async readMarker(): Promise<{ schema: string; rebuiltAt: string } | null> {
    const [schema, rebuiltAt] = await this.redis.client.hmget(this.metaKey(), 'schema', 'rebuiltAt');
    return schema ? { schema, rebuiltAt: rebuiltAt ?? '' } : null;
  }

  async writeMarker(rebuiltAt: Date): Promise<void> {
    await this.redis.client.hset(this.metaKey(), 'schema', CACHE_SCHEMA_VERSION, 'rebuiltAt', rebuiltAt.toISOString());
  }

  /** True when the cache was built by this schema version; otherwise it must be rebuilt. */
  async isCurrent(): Promise<boolean> {
    return (await this.readMarker())?.schema === CACHE_SCHEMA_VERSION;
  }
}
