import { AuthFailureThrottle } from './auth-failure-throttle';
import { hashStationKey, isStationKeyFormat } from './station-key.service';

/** Where the active keys are (libs/persistence StationKeyStore): SHA-256 of a key → its station. */
export abstract class StationKeySource {
  abstract loadActive(): Promise<Map<string, string>>;
  abstract findActive(keyHash: string): Promise<string | null>;
  /** `changed` is called whenever the keys may have changed (NOTIFY from station:add / station:revoke). */
  abstract onChange(changed: () => void): void;
}

export type StationAuthRefusal = 'MALFORMED' | 'WRONG' | 'THROTTLED' | 'UNVERIFIABLE';
export interface StationAuthRefused {
  readonly refused: StationAuthRefusal;
  /** THROTTLED: seconds until the address may try again. */
  readonly retryAfterSeconds?: number;
}
/** A station id (the key is valid) or why not. */
export type StationAuthOutcome = string | StationAuthRefused;
/** What the metrics count: how a key was answered. */
export type StationAuthResult = 'cache' | 'lookup' | 'malformed' | 'wrong' | 'throttled' | 'unverifiable';

export interface StationAuthOptions {
  /** GATE_KEY_REFRESH_SECONDS in ms: every gate reloads the active keys this often. */
  refreshMs: number;
  /** GATE_AUTH_FAILURES_PER_MINUTE. */
  failuresPerMinute: number;
  /** While Postgres cannot be read, keys loaded within this long keep working (an outage locks no lane out). */
  staleMs?: number;
  /** Wrong keys remembered from lookups, apart from the active keys (they can never evict one). */
  wrongKeys?: number;
  /** Lookups of keys the loaded set lacks, at once; beyond, a key cannot be checked now. */
  concurrentLookups?: number;
}

const MALFORMED: StationAuthRefused = { refused: 'MALFORMED' };
const WRONG: StationAuthRefused = { refused: 'WRONG' };
const UNVERIFIABLE: StationAuthRefused = { refused: 'UNVERIFIABLE' };

/**
 * Gate authentication (SPEC §4.8) from an in-process copy of every active key hash, loaded at start,
 * reloaded every `refreshMs` and whenever Postgres says a key changed; so a valid key costs a SHA-256
 * and a Map lookup, and a malformed or wrong key costs no database query:
 * - a key not of the issued format is refused before anything else;
 * - while the loaded set is current (its last load within two refresh periods and the load's timeout),
 *   a key it lacks is wrong: 401, no query;
 * - when it is not (Postgres failing, or not yet loaded), a key it lacks is looked up once, bounded by
 *   GATE_DB_TIMEOUT_MS, at most `concurrentLookups` at a time; a wrong one is then remembered apart,
 *   in a small bounded set of its own; if the lookup fails the key cannot be checked (UNVERIFIABLE:
 *   the gate then answers what GATE_FAILURE_MODE gives, docs/operations.md);
 * - every malformed or wrong key counts against its address; past `failuresPerMinute` the address's
 *   failures (and keys that would need a lookup) are answered 429 without any further work — a valid
 *   key from it still passes.
 */
export class StationAuthenticator {
  private active = new Map<string, string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** Keys a lookup confirmed while the loaded set was not current (real keys only: a lookup found them). */
  private readonly found = new Map<string, { stationId: string; at: number }>();
  private readonly wrong = new Map<string, number>();
  private readonly pending = new Map<string, Promise<StationAuthOutcome>>();
  private readonly throttle: AuthFailureThrottle;
  private readonly staleMs: number;
  private readonly currentMs: number;
  private readonly wrongKeys: number;
  private readonly concurrentLookups: number;
  private loading?: Promise<boolean>;
  private queued?: Promise<boolean>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly source: StationKeySource,
    private readonly options: StationAuthOptions,
    private readonly observe: (result: StationAuthResult) => void = () => undefined,
  ) {
    this.throttle = new AuthFailureThrottle(options.failuresPerMinute);
    this.staleMs = options.staleMs ?? 3_600_000;
    this.currentMs = 2 * options.refreshMs + 5_000;
    this.wrongKeys = options.wrongKeys ?? 1024;
    this.concurrentLookups = options.concurrentLookups ?? 2;
  }

  /** Loads the keys (resolves when loaded or failed), then keeps them current. */
  start(): Promise<boolean> {
    this.timer = setInterval(() => void this.reload(), this.options.refreshMs).unref();
    this.source.onChange(() => void this.reload());
    return this.reload();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** How many active keys are loaded, and whether any load succeeded. */
  get loaded(): { keys: number; ok: boolean } {
    return { keys: this.active.size, ok: this.loadedAt > Number.NEGATIVE_INFINITY };
  }

  /**
   * Reloads every active key; false when Postgres could not be read. One load at a time: a reload asked
   * for during a load runs once after it (the change may have been committed after that load read).
   */
  reload(now = Date.now()): Promise<boolean> {
    if (this.loading) {
      this.queued ??= this.loading.then(() => {
        this.queued = undefined;
        return this.reload();
      });
      return this.queued;
    }
    this.loading = this.source
      .loadActive()
      .then((keys) => {
        this.active = keys;
        this.loadedAt = now;
        this.found.clear();
        this.wrong.clear(); // a key wrong before may have been issued since
        return true;
      })
      .catch(() => false)
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The station of a valid key, synchronously when the loaded keys can tell (always, normally). */
  check(key: string, address: string, now = Date.now()): StationAuthOutcome | Promise<StationAuthOutcome> {
    if (!isStationKeyFormat(key)) return this.refuse(MALFORMED, 'malformed', address, now);
    const hash = hashStationKey(key);
    const loadedFor = now - this.loadedAt;
    const stationId = this.active.get(hash);
    if (stationId !== undefined && loadedFor < this.staleMs) {
      this.observe('cache');
      return stationId;
    }
    const found = this.found.get(hash);
    if (found !== undefined && now - found.at < this.staleMs) {
      this.observe('cache');
      return found.stationId;
    }
    const retryAfter = this.throttle.retryAfterSeconds(address, now);
    if (retryAfter > 0) {
      this.observe('throttled');
      return { refused: 'THROTTLED', retryAfterSeconds: retryAfter };
    }
    const wrongSince = this.wrong.get(hash);
    if (loadedFor < this.currentMs || (wrongSince !== undefined && now - wrongSince < this.options.refreshMs))
      return this.refuse(WRONG, 'wrong', address, now);
    return this.lookup(hash, address, now);
  }

  private lookup(hash: string, address: string, now: number): StationAuthOutcome | Promise<StationAuthOutcome> {
    let lookup = this.pending.get(hash);
    if (!lookup) {
      if (this.pending.size >= this.concurrentLookups) return this.refuse(UNVERIFIABLE, 'unverifiable', address, now);
      lookup = this.source
        .findActive(hash)
        .then((stationId): StationAuthOutcome => {
          if (stationId === null) {
            if (this.wrong.size >= this.wrongKeys) this.wrong.delete(this.wrong.keys().next().value!);
            this.wrong.set(hash, now);
            return WRONG;
          }
          if (this.found.size >= 10_000) this.found.delete(this.found.keys().next().value!);
          this.found.set(hash, { stationId, at: now });
          return stationId;
        })
        .catch(() => UNVERIFIABLE)
        .finally(() => this.pending.delete(hash));
      this.pending.set(hash, lookup);
    }
    return lookup.then((outcome) => {
      if (typeof outcome === 'string') {
        this.observe('lookup');
        return outcome;
      }
      return this.refuse(outcome, outcome === WRONG ? 'wrong' : 'unverifiable', address, now);
    });
  }

  /**
   * A key that cannot be checked is no failure of its sender (no guess can succeed while nothing is
   * checked, and the lookups are bounded apart): a lane is not throttled for a database outage.
   */
  private refuse(
    refusal: StationAuthRefused,
    result: StationAuthResult,
    address: string,
    now: number,
  ): StationAuthRefused {
    if (refusal !== UNVERIFIABLE) this.throttle.fail(address, now);
    this.observe(result);
    return refusal;
  }
}
