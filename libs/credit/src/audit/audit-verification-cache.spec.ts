import type { AuditVerification } from '@oc/domain';
import { AuditVerificationCache } from './audit-verification.service';

const result = (entries: number): AuditVerification => ({
  ok: true,
  entries,
  unsealedEntries: 0,
  anchors: { valid: 0, invalid: 0, latest: null },
  anchorGaps: [],
});

describe('AuditVerificationCache (/audit/verification, docs/operations.md)', () => {
  let now = Date.UTC(2026, 11, 3, 8, 0, 0);
  const clock = () => new Date(now);
  let walks = 0;
  let pending: ((r: AuditVerification) => void)[] = [];
  const compute = () => {
    walks += 1;
    return new Promise<AuditVerification>((resolve) => pending.push(resolve));
  };
  const settle = async (entries: number) => {
    pending.splice(0).forEach((resolve) => resolve(result(entries)));
    await new Promise((r) => setImmediate(r));
  };
  beforeEach(() => {
    walks = 0;
    pending = [];
  });

  it('the first requests wait for one walk; later ones within the age get its result, saying when', async () => {
    const cache = new AuditVerificationCache(compute, 60_000, clock);
    const first = Promise.all([cache.get(), cache.get(), cache.get()]);
    await settle(10);
    const answers = await first;
    expect(walks).toBe(1);
    expect(answers.map((a) => a.computedAt)).toEqual(Array(3).fill(new Date(now).toISOString()));
    now += 59_000;
    expect((await cache.get()).entries).toBe(10);
    expect(walks).toBe(1);
  });

  it('an old result answers while one new walk runs; the next request gets the new one', async () => {
    const cache = new AuditVerificationCache(compute, 60_000, clock);
    const first = cache.get();
    await settle(10);
    const computedAt = (await first).computedAt;
    now += 61_000;
    expect(await cache.get()).toMatchObject({ entries: 10, computedAt });
    expect(await cache.get()).toMatchObject({ entries: 10, computedAt });
    expect(walks).toBe(2);
    await settle(12);
    expect(await cache.get()).toMatchObject({ entries: 12, computedAt: new Date(now).toISOString() });
  });

  it('a failed walk fails the request that waits for it and is tried again by the next', async () => {
    let fail = true;
    const cache = new AuditVerificationCache(
      async () => {
        walks += 1;
        if (fail) throw new Error('kafka away');
        return result(3);
      },
      60_000,
      clock,
    );
    await expect(cache.get()).rejects.toThrow('kafka away');
    fail = false;
    expect((await cache.get()).entries).toBe(3);
    expect(walks).toBe(2);
  });
});
