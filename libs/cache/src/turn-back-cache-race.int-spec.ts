import { seededRandom } from '@oc/simulation';
import { testServices } from '../../../test/harness/services';
import { RedisConnection } from './redis.module';
import { TurnBackCache, VehicleCacheEntry } from './turn-back-cache';

/**
 * The compare-and-set of the turn-back cache under concurrent writers (SPEC §5): two ingest instances'
 * outbox relays, a relay and a cache:rebuild, each on its own connection, write versions of the same
 * vehicle's entry in any order. Redis interleaves the commands of different connections; whatever the
 * interleaving, an older version written after a newer one never wins, and an entry is never a mix of
 * two versions.
 */
const ROUNDS = 200;
const VERSIONS_PER_ROUND = 24;

describe('TurnBackCache: two independent writers racing versions of one entry (real Redis)', () => {
  const services = testServices();
  const prefix = `${services.redisKeyPrefix}cache-race:`;
  // Three connections: two writers and an observer, as separate processes would have.
  const connections = [0, 1, 2].map(() => new RedisConnection(services.redisUrl, prefix));
  const [writerA, writerB, observer] = connections.map((c) => new TurnBackCache(c));
  afterAll(() => Promise.all(connections.map((c) => c.onApplicationShutdown())));

  // The content of each version names the version, so a torn or stale entry shows.
  const entry = (vehicleKey: string, version: number): VehicleCacheEntry => ({
    vehicleKey,
    version,
    listing:
      version % 4 === 0
        ? null // a repair or revocation: a tombstone
        : {
            id: `listing-${version}`,
            status: version % 2 ? 'LISTED' : 'PUBLISHED',
            listedAt: new Date(Date.UTC(2026, 0, 1) + version * 60_000).toISOString(),
            violationCount: version,
          },
  });
  const raw = async (vehicleKey: string) => {
    const [v, s, id, at, n] = await connections[2]!.client.hmget(
      writerA!.vehicleKey(vehicleKey),
      'v',
      's',
      'id',
      'at',
      'n',
    );
    return { v: v === null ? null : Number(v), s, id, at, n };
  };
  const consistent = (seen: Awaited<ReturnType<typeof raw>>): boolean => {
    if (seen.v === null) return seen.s === null;
    const expected = entry('', seen.v).listing;
    return expected === null
      ? seen.s === 'NONE' && seen.id === null && seen.n === null
      : seen.s === expected.status &&
          seen.id === expected.id &&
          seen.at === expected.listedAt &&
          seen.n === String(seen.v);
  };

  const deal = (random: () => number): [number[], number[]] => {
    const versions = Array.from({ length: VERSIONS_PER_ROUND }, (_, i) => i + 1).sort(() => random() - 0.5);
    const shares: [number[], number[]] = [[], []];
    for (const v of versions) shares[random() < 0.5 ? 0 : 1].push(v);
    return shares;
  };

  it('writers taking turns in a random order: after each write the entry is the newest version so far', async () => {
    const random = seededRandom(5004);
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const vehicleKey = `1:浙F${String(round).padStart(5, '0')}`;
      const order = Array.from({ length: VERSIONS_PER_ROUND }, (_, i) => i + 1).sort(() => random() - 0.5);
      let newest = 0;
      for (const v of order) {
        const writer = random() < 0.5 ? writerA! : writerB!;
        const accepted = await writer.write([entry(vehicleKey, v)]);
        if (accepted !== (v > newest ? 1 : 0))
          problems.push(`round ${round}: v${v} over v${newest} answered ${accepted}`);
        newest = Math.max(newest, v);
        const seen = await raw(vehicleKey);
        if (seen.v !== newest || !consistent(seen))
          problems.push(`round ${round}: after v${v} the entry is ${JSON.stringify(seen)}, expected v${newest}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('an older version written after a newer one never wins, in any interleaving of two writers', async () => {
    const random = seededRandom(5005);
    const problems: string[] = [];
    let staleRefused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const vehicleKey = `1:浙E${String(round).padStart(5, '0')}`;
      // Versions 1..N dealt at random to the two writers, each sending its share in a random order,
      // one command per write (not one pipeline), both at once.
      const shares = deal(random);
      const observed: number[] = [];
      let writing = true;
      const watching = (async () => {
        while (writing) {
          const seen = await raw(vehicleKey);
          if (!consistent(seen)) problems.push(`round ${round}: torn entry ${JSON.stringify(seen)}`);
          if (seen.v !== null) observed.push(seen.v);
        }
      })();
      const accepted = await Promise.all(
        ([writerA, writerB] as const).map((writer, w) =>
          Promise.all(shares[w].map((v) => writer!.write([entry(vehicleKey, v)]).then((n) => ({ v, n })))),
        ),
      );
      writing = false;
      await watching;

      const final = await raw(vehicleKey);
      if (final.v !== VERSIONS_PER_ROUND || !consistent(final))
        problems.push(`round ${round}: final ${JSON.stringify(final)}, expected version ${VERSIONS_PER_ROUND}`);
      // What the gate sees only moves forward.
      for (let i = 1; i < observed.length; i++)
        if (observed[i]! < observed[i - 1]!)
          problems.push(`round ${round}: saw v${observed[i - 1]} then v${observed[i]}`);

      // Now the race the compare-and-set exists for, made certain: the newest version is in place, and
      // each writer in turn sends an older one — both refused, the entry unchanged.
      const stale = await Promise.all([
        writerA!.write([entry(vehicleKey, 1 + Math.floor(random() * (VERSIONS_PER_ROUND - 1)))]),
        writerB!.write([entry(vehicleKey, 1 + Math.floor(random() * (VERSIONS_PER_ROUND - 1)))]),
      ]);
      if (stale.some((n) => n !== 0)) problems.push(`round ${round}: a stale write was accepted`);
      else staleRefused += 2;
      const after = await raw(vehicleKey);
      if (after.v !== VERSIONS_PER_ROUND || !consistent(after))
        problems.push(`round ${round}: after stale writes ${JSON.stringify(after)}`);

      // The newest version was accepted by whichever writer held it; every accepted write was newer than
      // the entry at that moment, so at most N are accepted and the newest always is.
      const flat = accepted.flat();
      if (flat.find((a) => a.v === VERSIONS_PER_ROUND)?.n !== 1) problems.push(`round ${round}: newest refused`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(staleRefused).toBe(2 * ROUNDS);
    // The newest version is a tombstone (24 % 4 === 0), stored as such (a missing entry would also read
    // as null at the gate), and the gate's own read agrees with it.
    expect(await raw('1:浙E00000')).toMatchObject({ v: VERSIONS_PER_ROUND, s: 'NONE', id: null });
    expect(await observer!.read('1:浙E00000')).toBeNull();
  });
});
