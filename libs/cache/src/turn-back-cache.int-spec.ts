import { testServices } from '../../../test/harness/services';
import { RedisConnection } from './redis.module';
import { TurnBackCache, VehicleCacheEntry } from './turn-back-cache';

describe('TurnBackCache (real Redis)', () => {
  const services = testServices();
  const redis = new RedisConnection(services.redisUrl, `${services.redisKeyPrefix}cache-it:`);
  const cache = new TurnBackCache(redis);
  afterAll(() => redis.onApplicationShutdown());

  const listed = (version: number, id = 'l1'): VehicleCacheEntry => ({
    vehicleKey: '1:浙E30001',
    version,
    listing: { id, status: 'LISTED', listedAt: '2026-11-01T00:00:00.000Z', violationCount: 3 },
  });
  const cleared = (version: number): VehicleCacheEntry => ({ vehicleKey: '1:浙E30001', version, listing: null });

  it('keeps the newest version whatever order the writes arrive in', async () => {
    expect(await cache.write([listed(2)])).toBe(1);
    expect(await cache.write([cleared(3)])).toBe(1);
    // A delayed older write (version 2) must not bring the repaired listing back.
    expect(await cache.write([listed(2, 'stale')])).toBe(0);
    expect(await cache.read('1:浙E30001')).toBeNull();
    expect(await cache.write([listed(4, 'l2')])).toBe(1);
    expect(await cache.read('1:浙E30001')).toEqual({
      id: 'l2',
      status: 'LISTED',
      listedAt: '2026-11-01T00:00:00.000Z',
      violationCount: 3,
    });
    expect(await cache.read('1:浙E39999')).toBeUndefined();
  });

  it('rewrites an equal version only when asked (a rebuild after a layout change)', async () => {
    await cache.write([listed(20, 'old-layout')]);
    expect(await cache.write([listed(20, 'new-layout')])).toBe(0);
    expect((await cache.read('1:浙E30001'))?.id).toBe('old-layout');
    expect(await cache.write([listed(20, 'new-layout')], { replaceEqualVersions: true })).toBe(1);
    expect((await cache.read('1:浙E30001'))?.id).toBe('new-layout');
    expect(await cache.write([listed(19, 'older')], { replaceEqualVersions: true })).toBe(0);
  });

  it('keeps a tombstone with an expiry for a vehicle without an active listing', async () => {
    await cache.write([cleared(30)]);
    expect(await redis.client.ttl(cache.vehicleKey('1:浙E30001'))).toBeGreaterThan(0);
  });

  it('knows whether it was built by the current schema', async () => {
    expect(await cache.isCurrent()).toBe(false);
    await cache.writeMarker(new Date());
    expect(await cache.isCurrent()).toBe(true);
  });
});
