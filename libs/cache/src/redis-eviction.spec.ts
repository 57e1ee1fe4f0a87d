import { evictionRiskOf } from './redis.module';

describe('evictionRiskOf (readiness and redis_eviction_risk)', () => {
  const memory = (maxmemory: number, policy: string) =>
    `# Memory\r\nused_memory:1000\r\nmaxmemory:${maxmemory}\r\nmaxmemory_human:0B\r\nmaxmemory_policy:${policy}\r\n`;

  it('is a risk with a memory limit and any policy but noeviction, volatile-* included (the entries carry TTLs)', () => {
    expect(evictionRiskOf(memory(100_000_000, 'allkeys-lru'))).toMatch(/maxmemory-policy allkeys-lru/);
    expect(evictionRiskOf(memory(100_000_000, 'volatile-ttl'))).toMatch(/volatile-ttl/);
  });

  it('is none without a limit, or with noeviction', () => {
    expect(evictionRiskOf(memory(0, 'allkeys-lru'))).toBeUndefined();
    expect(evictionRiskOf(memory(100_000_000, 'noeviction'))).toBeUndefined();
    expect(evictionRiskOf('# Memory\r\n')).toBeUndefined();
  });
});
