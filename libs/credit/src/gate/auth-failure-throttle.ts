interface Window {
  startedAt: number;
  failures: number;
}

const MINUTE_MS = 60_000;

/**
 * Failed station-key checks per client address (SPEC §4.8: repeated failures from one address are
 * throttled), in fixed one-minute windows from an address's first failure. O(1) per call; at most
 * `maxAddresses` windows are kept, the oldest dropped first (a Map keeps insertion order), so a flood
 * from many addresses costs bounded memory. Only failures are counted: a valid key is never throttled.
 */
export class AuthFailureThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly failuresPerMinute: number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until `address` may fail again, or 0 when it is not throttled. */
  retryAfterSeconds(address: string, now: number): number {
    const w = this.windows.get(address);
    if (!w || w.failures < this.failuresPerMinute) return 0;
    const left = w.startedAt + MINUTE_MS - now;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  fail(address: string, now: number): void {
    const w = this.windows.get(address);
    if (w && now - w.startedAt < MINUTE_MS) {
      w.failures += 1;
      return;
    }
    // A new window goes to the end of the eviction order.
    this.windows.delete(address);
    if (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(address, { startedAt: now, failures: 1 });
  }

  get size(): number {
    return this.windows.size;
  }
}
