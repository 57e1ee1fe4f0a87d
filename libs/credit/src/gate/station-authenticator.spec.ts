import { randomBytes } from 'node:crypto';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { StationAuthenticator, StationAuthResult, StationKeySource } from './station-authenticator';
import { hashStationKey } from './station-key.service';

const key = (): string => `ocst_${randomBytes(24).toString('base64url')}`;
const REAL = key();
const OTHER = key();
const UNVERIFIABLE = { refused: 'UNVERIFIABLE' };

/** The port, counting every read of Postgres it would make. */
class FakeKeys extends StationKeySource {
  keys = new Map([[hashStationKey(REAL), '330500001']]);
  loads = 0;
  lookups = 0;
  failing = false;
  hanging = false;
  changed?: () => void;
  loadActive(): Promise<Map<string, string>> {
    this.loads += 1;
    return this.failing ? Promise.reject(new Error('Postgres away')) : Promise.resolve(new Map(this.keys));
  }
  findActive(hash: string): Promise<string | null> {
    this.lookups += 1;
    if (this.hanging) return new Promise(() => undefined);
    return this.failing ? Promise.reject(new Error('Postgres away')) : Promise.resolve(this.keys.get(hash) ?? null);
  }
  onChange(changed: () => void): void {
    this.changed = changed;
  }
}

const t0 = 1_800_000_000_000;
const setup = async (failing = false) => {
  const source = new FakeKeys();
  source.failing = failing;
  const results: StationAuthResult[] = [];
  const auth = new StationAuthenticator(source, { refreshMs: 10_000, failuresPerMinute: 20 }, (r) => results.push(r));
  await auth.reload(t0);
  return { source, auth, results };
};

describe('StationAuthenticator (SPEC §4.8)', () => {
  it('answers a loaded key synchronously, without reading Postgres', async () => {
    const { source, auth, results } = await setup();
    expect(auth.check(REAL, '10.0.0.1', t0 + 1)).toBe('330500001');
    expect(source.lookups).toBe(0);
    expect(results).toEqual(['cache']);
  });

  it('refuses a key not of the issued format before anything else, and a wrong one without a query', async () => {
    const { source, auth } = await setup();
    for (const bad of ['ocst_wrong', `${REAL}x`, REAL.slice(0, -1), `ocsT_${REAL.slice(5)}`, `ocst_${'é'.repeat(32)}`])
      expect(auth.check(bad, '10.0.0.1', t0 + 1)).toEqual({ refused: 'MALFORMED' });
    expect(auth.check(OTHER, '10.0.0.2', t0 + 1)).toEqual({ refused: 'WRONG' });
    expect(source.lookups).toBe(0);
  });

  it('600 wrong keys from one address: 20 refused, then 429 with Retry-After; the real key passes throughout; no query', async () => {
    const { source, auth } = await setup();
    const answers: Record<string, number> = {};
    for (let i = 0; i < 600; i++) {
      const outcome = auth.check(key(), '10.0.0.9', t0 + i);
      const label = typeof outcome === 'string' ? 'ok' : (outcome as { refused: string }).refused;
      answers[label] = (answers[label] ?? 0) + 1;
      if (i % 50 === 0) expect(auth.check(REAL, '10.0.0.9', t0 + i)).toBe('330500001');
    }
    expect(answers).toEqual({ WRONG: 20, THROTTLED: 580 });
    expect(auth.check(key(), '10.0.0.9', t0 + 600)).toEqual({ refused: 'THROTTLED', retryAfterSeconds: 60 });
    expect(auth.check(key(), '10.0.0.10', t0 + 600)).toEqual({ refused: 'WRONG' }); // another address
    await auth.reload(t0 + 60_000);
    expect(auth.check(key(), '10.0.0.9', t0 + 60_000)).toEqual({ refused: 'WRONG' }); // the next minute
    expect(source.lookups).toBe(0);
  });

  it('a flood of wrong keys from many addresses never evicts a real key, and its memory is bounded', async () => {
    const { auth } = await setup();
    const throttle = new AuthFailureThrottle(20, 1000);
    for (let i = 0; i < 5000; i++) {
      auth.check(key(), `10.1.${i >> 8}.${i & 255}`, t0 + i);
      throttle.fail(`10.1.${i >> 8}.${i & 255}`, t0 + i);
    }
    expect(throttle.size).toBe(1000);
    expect(auth.check(REAL, '10.9.9.9', t0 + 6000)).toBe('330500001');
    expect(auth.loaded).toEqual({ keys: 1, ok: true });
  });

  it('reloads on a change: a new key works and a revoked one is refused at once', async () => {
    const { source, auth } = await setup();
    auth.start();
    source.keys = new Map([[hashStationKey(OTHER), '330500002']]);
    source.changed!();
    await auth.reload(); // joins the reload the change started
    expect(auth.check(OTHER, '10.0.0.1')).toBe('330500002');
    expect(auth.check(REAL, '10.0.0.1')).toEqual({ refused: 'WRONG' });
    auth.stop();
  });

  describe('when the loaded keys are not current (Postgres failing)', () => {
    it('a known key keeps working for an hour, then needs Postgres', async () => {
      const { source, auth } = await setup();
      source.failing = true;
      expect(await auth.reload(t0 + 1000)).toBe(false);
      expect(auth.check(REAL, '10.0.0.1', t0 + 59 * 60_000)).toBe('330500001');
      await expect(auth.check(REAL, '10.0.0.1', t0 + 61 * 60_000)).resolves.toEqual({ refused: 'UNVERIFIABLE' });
      source.failing = false;
      await expect(auth.check(REAL, '10.0.0.1', t0 + 62 * 60_000)).resolves.toBe('330500001');
    });

    it('a key not loaded is looked up once, a wrong one remembered apart; a failed lookup is UNVERIFIABLE', async () => {
      const { source, auth, results } = await setup(true);
      expect(auth.loaded).toEqual({ keys: 0, ok: false });
      await expect(auth.check(REAL, '10.0.0.1', t0)).resolves.toEqual({ refused: 'UNVERIFIABLE' });
      source.failing = false;
      await expect(auth.check(REAL, '10.0.0.1', t0 + 1)).resolves.toBe('330500001');
      expect(auth.check(REAL, '10.0.0.1', t0 + 2)).toBe('330500001'); // now known: no second lookup
      const wrong = key();
      await expect(auth.check(wrong, '10.0.0.1', t0 + 3)).resolves.toEqual({ refused: 'WRONG' });
      expect(auth.check(wrong, '10.0.0.1', t0 + 4)).toEqual({ refused: 'WRONG' });
      expect(source.lookups).toBe(3);
      expect(results).toEqual(['unverifiable', 'lookup', 'cache', 'wrong', 'wrong']);
    });

    it('at most two lookups at a time: a third key cannot be checked now, at once', async () => {
      const { source, auth } = await setup(true);
      source.hanging = true;
      void auth.check(key(), '10.0.0.1', t0);
      void auth.check(key(), '10.0.0.2', t0);
      expect(auth.check(key(), '10.0.0.3', t0)).toEqual({ refused: 'UNVERIFIABLE' });
      expect(source.lookups).toBe(2);
    });

    it('keys that cannot be checked do not count against the address: an outage throttles no lane', async () => {
      const { source, auth } = await setup(true);
      for (let i = 0; i < 30; i++) await expect(auth.check(REAL, '10.0.0.1', t0 + i)).resolves.toEqual(UNVERIFIABLE);
      for (let i = 0; i < 20; i++) auth.check('ocst_malformed', '10.0.0.1', t0 + 30);
      expect(auth.check(REAL, '10.0.0.1', t0 + 31)).toEqual({ refused: 'THROTTLED', retryAfterSeconds: 60 });
      expect(source.lookups).toBe(30);
    });
  });
});
