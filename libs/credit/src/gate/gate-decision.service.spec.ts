import type { CacheLookup, CacheLookupWithPermit, TurnBackCache } from '@oc/cache';
import type { GateDecisionEventV1, GateDecisionQueryDto } from '@oc/contracts';
import type { PermitRecord } from '@oc/domain';
import type { GateDecisionPublisher } from '@oc/messaging';
import type { ActiveListingRow, GateReadStore } from '@oc/persistence';
import { GateDecisionService, type GateRules } from './gate-decision.service';

const DAY = 86_400_000;
const STATION = '330500001';

/** The stores as the gate sees them: each answer (or failure) is set by the test, each call recorded. */
class FakeStores {
  calls: string[] = [];
  cacheAnswer: CacheLookupWithPermit | Error = { current: true, listing: null, permit: null };
  dbAnswer: { listing: ActiveListingRow | null; permit: PermitRecord | null } | Error = { listing: null, permit: null };

  readonly cache = {
    lookup: async (vehicleKey: string): Promise<CacheLookup> => {
      this.calls.push(`cache.lookup ${vehicleKey}`);
      if (this.cacheAnswer instanceof Error) throw this.cacheAnswer;
      return { current: this.cacheAnswer.current, listing: this.cacheAnswer.listing };
    },
    lookupWithPermit: async (vehicleKey: string, permitNo: string): Promise<CacheLookupWithPermit> => {
      this.calls.push(`cache.lookupWithPermit ${vehicleKey} ${permitNo}`);
      if (this.cacheAnswer instanceof Error) throw this.cacheAnswer;
      return this.cacheAnswer;
    },
  } as unknown as TurnBackCache;

  readonly store = {
    findActiveListing: async (vehicleKey: string): Promise<ActiveListingRow | null> => {
      this.calls.push(`db.findActiveListing ${vehicleKey}`);
      if (this.dbAnswer instanceof Error) throw this.dbAnswer;
      return this.dbAnswer.listing;
    },
    findActiveListingAndPermit: async (vehicleKey: string, permitNo: string) => {
      this.calls.push(`db.findActiveListingAndPermit ${vehicleKey} ${permitNo}`);
      if (this.dbAnswer instanceof Error) throw this.dbAnswer;
      return this.dbAnswer;
    },
  } as unknown as GateReadStore;
}

const rules = (failureMode: 'open' | 'closed' = 'open'): GateRules => ({
  warningBandKg: 1000,
  entryTolerancePercent: 5,
  turnBackRequiresPublication: false,
  listingValidityDays: 365,
  failureMode,
  deadlineMs: 100,
  dbTimeoutMs: 50,
});

const permit = (extra: Partial<PermitRecord> = {}): PermitRecord => ({
  permitNo: 'P-1',
  vehicleKey: '1:浙E72001',
  validFrom: new Date(Date.now() - DAY),
  validTo: new Date(Date.now() + DAY),
  maxGrossWeightKg: 60_000,
  axles: null,
  stationIds: null,
  status: 'ISSUED',
  ...extra,
});

// 6 axles: limit 49,000 kg; 55,000 kg is beyond the 5 % tolerance (2,450 kg).
const overlimit = (extra: Partial<GateDecisionQueryDto> = {}): GateDecisionQueryDto => ({
  plate: '浙E72001',
  plateColor: '1',
  cargo: 'LADEN',
  axles: 6,
  grossWeightKg: 55_000,
  permitNo: 'P-1',
  ...extra,
});

describe('GateDecisionService: permits (SPEC §4.6 rule 1, §4.9)', () => {
  let stores: FakeStores;
  let offered: GateDecisionEventV1[];
  const service = (failureMode: 'open' | 'closed' = 'open') =>
    new GateDecisionService(
      stores.cache,
      stores.store,
      { offer: (e: GateDecisionEventV1) => void offered.push(e) } as unknown as GateDecisionPublisher,
      rules(failureMode),
    );
  beforeEach(() => {
    stores = new FakeStores();
    offered = [];
  });

  it('without a permitNo, or without a reading, reads the listing alone (the path it always took)', async () => {
    await service().decide(overlimit({ permitNo: undefined }), { stationId: STATION });
    await service().decide({ plate: '浙E72001', plateColor: '1', permitNo: 'P-1' }, { stationId: STATION });
    await service().decide(overlimit({ permitNo: '  ' }), { stationId: STATION });
    expect(stores.calls).toEqual(['cache.lookup 1:浙E72001', 'cache.lookup 1:浙E72001', 'cache.lookup 1:浙E72001']);
  });

  it('with a permitNo and a reading, reads listing and permit in one lookup; a covering permit ALLOWs', async () => {
    stores.cacheAnswer = { current: true, listing: null, permit: permit() };
    const answer = await service().decide(overlimit({ plate: ' 浙e·72001' }), { stationId: STATION });
    expect(answer).toMatchObject({ decision: 'ALLOW', reasons: [], overKg: 6000, source: 'cache' });
    expect(stores.calls).toEqual(['cache.lookupWithPermit 1:浙E72001 P-1']);
    expect(offered).toEqual([]);
  });

  it.each<[string, PermitRecord | null, Partial<GateDecisionQueryDto>]>([
    ['unknown', null, {}],
    ['revoked', permit({ status: 'REVOKED' }), {}],
    ['of another vehicle', permit({ vehicleKey: '1:浙E72002' }), {}],
    ['of the same plate, another colour', permit({ vehicleKey: '2:浙E72001' }), {}],
    ['for another axle count', permit({ axles: 5 }), {}],
    ['expired', permit({ validTo: new Date(Date.now() - 1000) }), {}],
    ['not yet valid', permit({ validFrom: new Date(Date.now() + 60_000) }), {}],
    ['over its weight', permit({ maxGrossWeightKg: 54_999 }), {}],
    ['off its route', permit({ stationIds: ['330521009'] }), {}],
  ])('a permit %s does not cover: TURN_BACK, OVERLIMIT', async (_case, record, query) => {
    stores.cacheAnswer = { current: true, listing: null, permit: record };
    const answer = await service().decide(overlimit(query), { stationId: STATION });
    expect(answer).toMatchObject({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'], source: 'cache' });
    expect(offered.map((o) => [o.stationId, o.reasons])).toEqual([[STATION, ['OVERLIMIT']]]);
  });

  it('checks the route against the station whose key asked, not one the query names', async () => {
    stores.cacheAnswer = { current: true, listing: null, permit: permit({ stationIds: ['330521009', STATION] }) };
    expect((await service().decide(overlimit(), { stationId: STATION })).decision).toBe('ALLOW');
    expect((await service().decide(overlimit(), { stationId: '330521010' })).decision).toBe('TURN_BACK');
  });

  it('a permit never lifts a listing (rule 2) and is not needed within the tolerance (rule 4)', async () => {
    const listedAt = new Date(Date.now() - DAY).toISOString();
    stores.cacheAnswer = {
      current: true,
      listing: { id: 'l-1', status: 'LISTED', listedAt, violationCount: 3 },
      permit: permit(),
    };
    expect(await service().decide(overlimit(), { stationId: STATION })).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
    });
    stores.cacheAnswer = { current: true, listing: null, permit: null };
    expect(await service().decide(overlimit({ grossWeightKg: 49_000 + 2450 }), { stationId: STATION })).toMatchObject({
      decision: 'ALLOW',
      reasons: ['WITHIN_TOLERANCE'],
    });
  });

  it('falls back to Postgres for listing and permit together when the cache is not built or fails', async () => {
    stores.cacheAnswer = { current: false, listing: null, permit: null };
    stores.dbAnswer = { listing: null, permit: permit() };
    expect(await service().decide(overlimit(), { stationId: STATION })).toMatchObject({
      decision: 'ALLOW',
      source: 'database',
    });
    stores.cacheAnswer = new Error('Redis away');
    stores.dbAnswer = { listing: null, permit: permit({ status: 'REVOKED' }) };
    expect(await service().decide(overlimit(), { stationId: STATION })).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      source: 'database',
    });
    expect(stores.calls).toEqual([
      'cache.lookupWithPermit 1:浙E72001 P-1',
      'db.findActiveListingAndPermit 1:浙E72001 P-1',
      'cache.lookupWithPermit 1:浙E72001 P-1',
      'db.findActiveListingAndPermit 1:浙E72001 P-1',
    ]);
  });

  it('both stores down: open lets the unverifiable permit stand; closed turns the truck back, FAIL_CLOSED', async () => {
    stores.cacheAnswer = new Error('Redis away');
    stores.dbAnswer = new Error('Postgres away');
    expect(await service('open').decide(overlimit(), { stationId: STATION })).toMatchObject({
      decision: 'ALLOW',
      source: 'fail-open',
    });
    // Without a permitNo the reading alone decides, in either mode.
    expect(await service('open').decide(overlimit({ permitNo: undefined }), { stationId: STATION })).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      source: 'fail-open',
    });
    for (const cargo of ['LADEN', 'EMPTY'] as const) {
      expect(await service('closed').decide(overlimit({ cargo }), { stationId: STATION })).toMatchObject({
        decision: 'TURN_BACK',
        reasons: ['FAIL_CLOSED'],
        source: 'fail-closed',
      });
    }
    expect(
      await service('closed').decide(overlimit({ permitNo: undefined, cargo: 'EMPTY' }), { stationId: STATION }),
    ).toMatchObject({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'], source: 'fail-closed' });
  });

  it('a key that could not be checked (stationId null): the failure mode answers, nothing is read or recorded', async () => {
    stores.cacheAnswer = {
      current: true,
      listing: { id: 'l-1', status: 'LISTED', listedAt: new Date().toISOString(), violationCount: 3 },
      permit: null,
    };
    const laden = { plate: '浙E72001', plateColor: '1', cargo: 'LADEN' } as GateDecisionQueryDto;
    expect(await service('open').decide(laden, { stationId: null })).toMatchObject({
      decision: 'ALLOW',
      reasons: [],
      listing: null,
      source: 'fail-open',
    });
    expect(await service('closed').decide(laden, { stationId: null })).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['FAIL_CLOSED'],
      source: 'fail-closed',
    });
    expect(await service('open').decide(overlimit({ permitNo: undefined }), { stationId: null })).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
    });
    expect(stores.calls).toEqual([]);
    expect(offered).toEqual([]); // no station to record the turn-backs of
  });
});
