import { TokenBucketLimiter } from './public-rate-limit.guard';

describe('TokenBucketLimiter', () => {
  it('allows the capacity at once, then one token per refill interval, per key', () => {
    const limiter = new TokenBucketLimiter(3, 3000); // 1 token per second
    expect([0, 0, 0].map(() => limiter.take('a', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 0)).toBe(1);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 999)).toBe(1);
    expect(limiter.take('a', 1000)).toBe(0);
    expect(limiter.take('a', 1000)).toBe(1);
  });
});

describe('TokenBucketLimiter under a flood of addresses (issue 14)', () => {
  it('stays bounded and drops the bucket idle longest, keeping an active client limited', () => {
    const limiter = new TokenBucketLimiter(2, 60_000, 100);
    expect([limiter.take('client', 0), limiter.take('client', 0), limiter.take('client', 0)]).toEqual([0, 0, 30]);
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`flood-${i}`, 1);
      // The active client keeps asking: it is never the one idle longest, so it stays limited.
      if (i % 50 === 0) expect(limiter.take('client', 1)).toBeGreaterThan(0);
    }
    expect(limiter.tracked).toBe(100);
  });
});
