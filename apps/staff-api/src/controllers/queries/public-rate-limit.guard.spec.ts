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
