import { testServices } from '../../../test/harness/services';
import type { PermitCacheEntry } from './permit-cache-entry';
import { RedisConnection } from './redis.module';
import { TurnBackCache } from './turn-back-cache';

describe('TurnBackCache: the permit entries (real Redis)', () => {
  const services = testServices();
  const redis = new RedisConnection(services.redisUrl, `${services.redisKeyPrefix}permit-it:`);
  const cache = new TurnBackCache(redis);
  afterAll(() => redis.onApplicationShutdown());

  const PERMIT = '浙交超证2026-0001';
  const issued = (version: number, maxGrossWeightKg = 60_000, status: 'ISSUED' | 'REVOKED' = 'ISSUED') =>
    ({
      permitNo: PERMIT,
      version,
      permit: {
        vehicleKey: '1:浙E70001',
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2026-12-31T15:59:59.000Z',
        maxGrossWeightKg,
        axles: 6,
        stationIds: ['330500001', '330521002'],
        status,
      },
    }) satisfies PermitCacheEntry;
  const deleted = (version: number): PermitCacheEntry => ({ permitNo: PERMIT, version, permit: null });

  it('reads back the record as checkPermit takes it', async () => {
    expect(await cache.writeEntries([], [issued(5)])).toBe(1);
    expect(await cache.readPermit(PERMIT)).toEqual({
      permitNo: PERMIT,
      vehicleKey: '1:浙E70001',
      validFrom: new Date('2026-01-01T00:00:00.000Z'),
      validTo: new Date('2026-12-31T15:59:59.000Z'),
      maxGrossWeightKg: 60_000,
      axles: 6,
      stationIds: ['330500001', '330521002'],
      status: 'ISSUED',
    });
    expect(await cache.readPermit('浙交超证-none')).toBeUndefined();
  });

  it('keeps the newest version whatever order the writes arrive in; a deleted permit stays deleted', async () => {
    expect(await cache.writeEntries([], [issued(10, 61_000)])).toBe(1);
    expect(await cache.writeEntries([], [issued(12, 62_000, 'REVOKED')])).toBe(1);
    // A delayed older write (the issue before the revocation) must not make the permit valid again.
    expect(await cache.writeEntries([], [issued(11, 61_500)])).toBe(0);
    expect(await cache.readPermit(PERMIT)).toMatchObject({ status: 'REVOKED', maxGrossWeightKg: 62_000 });
    expect(await cache.writeEntries([], [deleted(13)])).toBe(1);
    expect(await cache.writeEntries([], [issued(12, 62_000)])).toBe(0);
    // The tombstone reads as "no such permit", and expires (a week) rather than staying forever.
    expect(await cache.readPermit(PERMIT)).toBeNull();
    expect(await redis.client.ttl(cache.permitKey(PERMIT))).toBeGreaterThan(0);
    // Issued again under the same number: a higher version from the sequence, which wins.
    expect(await cache.writeEntries([], [issued(14)])).toBe(1);
    expect(await cache.readPermit(PERMIT)).toMatchObject({ status: 'ISSUED' });
    expect(await redis.client.ttl(cache.permitKey(PERMIT))).toBe(-1);
  });

  it('rewrites an equal version only when asked (a rebuild after a layout change)', async () => {
    await cache.writeEntries([], [issued(20, 50_000)]);
    expect(await cache.writeEntries([], [issued(20, 51_000)])).toBe(0);
    expect(await cache.writeEntries([], [issued(20, 51_000)], { replaceEqualVersions: true })).toBe(1);
    expect((await cache.readPermit(PERMIT))?.maxGrossWeightKg).toBe(51_000);
    expect(await cache.writeEntries([], [issued(19, 52_000)], { replaceEqualVersions: true })).toBe(0);
  });

  it('writes vehicle and permit entries in one pipeline, each against its own version', async () => {
    const written = await cache.writeEntries(
      [{ vehicleKey: '1:浙E70002', version: 3, listing: null }],
      [{ ...issued(30), permitNo: '浙交超证2026-0002' }],
    );
    expect(written).toBe(2);
    expect(await cache.read('1:浙E70002')).toBeNull();
    expect(await cache.readPermit('浙交超证2026-0002')).toMatchObject({ vehicleKey: '1:浙E70001' });
  });

  it('looks up the vehicle, the marker and the permit in one command', async () => {
    await cache.writeEntries(
      [
        {
          vehicleKey: '1:浙E70001',
          version: 7,
          listing: { id: 'l-7', status: 'LISTED', listedAt: '2026-11-01T00:00:00.000Z', violationCount: 3 },
        },
      ],
      [issued(40)],
    );
    await cache.writeMarker(new Date());
    await cache.lookupWithPermit('1:浙E70001', PERMIT); // loads the script (EVALSHA falls back to EVAL once)
    const sent: string[] = [];
    const original = redis.client.sendCommand.bind(redis.client);
    const spy = jest.spyOn(redis.client, 'sendCommand').mockImplementation((command) => {
      sent.push(command.name);
      return original(command);
    });
    try {
      const found = await cache.lookupWithPermit('1:浙E70001', PERMIT);
      expect(found).toEqual({
        current: true,
        listing: { id: 'l-7', status: 'LISTED', listedAt: '2026-11-01T00:00:00.000Z', violationCount: 3 },
        permit: expect.objectContaining({ permitNo: PERMIT, status: 'ISSUED', maxGrossWeightKg: 60_000 }),
      });
      expect(await cache.lookupWithPermit('1:浙E79999', '浙交超证-none')).toEqual({
        current: true,
        listing: null,
        permit: null,
      });
      // Without a permitNo the lookup is the one it always was.
      expect(await cache.lookup('1:浙E70001')).toEqual({ current: true, listing: found.listing });
      expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha']);
    } finally {
      spy.mockRestore();
    }
  });

  it('treats an entry it cannot read as no permit (it must not exempt anybody)', async () => {
    await redis.client.hset(cache.permitKey('浙交超证-bad'), 'v', '1', 's', 'ISSUED', 'p', '{not json');
    expect(await cache.readPermit('浙交超证-bad')).toBeNull();
    expect((await cache.lookupWithPermit('1:浙E70001', '浙交超证-bad')).permit).toBeNull();
  });
});
