import { GateReadStore } from '@oc/persistence';
import { hashStationKey } from './station-key.service';

interface Entry {
  stationId: string | null;
  checkedAt: number;
}

/**
 * Gate authentication with an in-process cache, so requests cost no round trip:
 * - a known key is answered from the cache; after `ttlMs` it is re-checked in the background (the
 *   request does not wait), so a revoked key is refused within `ttlMs` plus one query;
 * - while Postgres cannot answer, a key that was valid within `staleMs` keeps working, so a database
 *   outage does not lock the lanes out (and a key revoked during the outage works until it ends);
 * - an unknown key is looked up once (concurrent requests share the lookup), bounded by the store's
 *   timeout; when that fails it cannot be checked: `undefined`.
 */
export class StationAuthenticator {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(
    private readonly store: GateReadStore,
    private readonly ttlMs = 10_000,
    private readonly staleMs = 3_600_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The station id, null for a wrong or revoked key, undefined when it cannot be checked now. */
  async authenticate(key: string, now = Date.now()): Promise<string | null | undefined> {
    const hash = hashStationKey(key);
    const cached = this.cache.get(hash);
    if (cached) {
      if (now - cached.checkedAt >= this.ttlMs) void this.refresh(hash, now).catch(() => undefined);
      const usable = cached.stationId === null || now - cached.checkedAt < this.staleMs;
      if (usable) return cached.stationId;
    }
    try {
      return await this.refresh(hash, now);
    } catch {
      return undefined;
    }
  }

  private refresh(hash: string, now: number): Promise<string | null> {
    let lookup = this.pending.get(hash);
    if (!lookup) {
      lookup = this.store
        .findActiveStation(hash)
        .then((stationId) => {
          if (!this.cache.has(hash) && this.cache.size >= this.maxEntries)
            this.cache.delete(this.cache.keys().next().value!);
          this.cache.set(hash, { stationId, checkedAt: now });
          return stationId;
        })
        .finally(() => this.pending.delete(hash));
      this.pending.set(hash, lookup);
    }
    return lookup;
  }
}
