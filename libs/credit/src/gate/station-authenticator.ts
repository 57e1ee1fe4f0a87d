import { GateReadStore } from '@oc/persistence';
import { hashStationKey } from './station-key.service';

interface Entry {
  stationId: string | null;
  checkedAt: number;
}

/**
 * Gate authentication with an in-process cache: most requests cost no round trip. Entries are
 * re-checked after `ttlMs` (so a revoked key stops working within that time); while Postgres cannot
 * answer, a key that was valid within `staleMs` keeps working, so a database outage does not lock
 * the lanes out. An unknown key during an outage cannot be checked: `undefined`.
 */
export class StationAuthenticator {
  private readonly cache = new Map<string, Entry>();
  /** Lookups in flight: a burst of requests with the same key costs one query, not one each. */
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
    if (cached && now - cached.checkedAt < this.ttlMs) return cached.stationId;
    try {
      let lookup = this.pending.get(hash);
      if (!lookup) {
        lookup = this.store.findActiveStation(hash).finally(() => this.pending.delete(hash));
        this.pending.set(hash, lookup);
      }
      const stationId = await lookup;
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { stationId, checkedAt: now });
      return stationId;
    } catch {
      if (cached?.stationId && now - cached.checkedAt < this.staleMs) return cached.stationId;
      return undefined;
    }
  }
}
