import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';

const SECRET = 'staff-registry-e2e-secret-0123456789abcdef';
const PLATE = '浙E61001';
const KEY = `1:${PLATE}`;
const PERMIT = '浙交超证2026000017';

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
  body: any;
}

/**
 * The registries as staff read them (SPEC §4.9, §6) through the running staff-api. What the registries
 * and the weighings hold is written straight into the world's tables: these tests are about reading;
 * the registry's own ways in (topics, CSV, station:add) and the permit check at ingest have their own.
 */
describe('staff-api registries: vehicles, permits, stations (running staff-api, real Postgres)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let token: string;

  const get = async (path: string, bearer: string | null = token): Promise<Answer> => {
    const res = await fetch(`${staff.url}${path}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
    return { status: res.status, body: await res.json() };
  };
  const expect400 = async (path: string, field: string) => {
    const res = await get(path);
    expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
      path,
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  };

  const weighing = async (w: {
    eventId: string;
    stationId: string;
    measuredAt: string;
    grossWeightKg: number;
    classification: string;
    permitNo?: string;
    permitCheck?: string | null;
    source?: string;
  }): Promise<string> => {
    const [row] = await s.query<{ id: string }>(
      `INSERT INTO weighings (event_id, source, station_id, measured_at, plate, plate_color, vehicle_key, axles,
         combination, gross_weight_kg, cargo, permit_no, classification, limit_kg, over_kg, suggested_fine_yuan,
         permit_check)
       VALUES ($1, $2, $3, $4, $5, 1, $6, 6, true, $7, 'LADEN', $8, $9, 49000, $7::integer - 49000,
               CASE WHEN $9::text = 'VIOLATION' THEN 500 END, $10)
       RETURNING id::text`,
      [
        w.eventId,
        w.source ?? 'TOLL_ENTRY',
        w.stationId,
        w.measuredAt,
        PLATE,
        KEY,
        w.grossWeightKg,
        w.permitNo ?? null,
        w.classification,
        w.permitCheck ?? null,
      ],
    );
    return row!.id;
  };

  beforeAll(async () => {
    // This world registers its own stations (below), none by default.
    s = await Scenario.create('staffreg', { stations: [] });
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
    // Any staff role reads the registries: a repair reviewer here.
    const issued = await runCli(
      ['token:issue', '--sub', 'repair-r', '--roles', 'REPAIR_REVIEWER'],
      s.env({ STAFF_JWT_SECRET: SECRET }),
    );
    expect(issued.code).toBe(0);
    token = issued.stdout.trim();

    await s.query(
      `INSERT INTO stations (station_id, name, division_code, kind, active_from, active_to, key_hash, revoked_at) VALUES
         ('330521001', '德清东收费站', '330521', 'TOLL_ENTRY', '2025-01-01T00:00:00+08:00', NULL, 'sha256-a', NULL),
         ('330521901', '德清超限检测站', '330521', 'WEIGH_STATION', NULL, NULL, 'sha256-b', now()),
         ('330522001', '长兴收费站', '330522', 'TOLL_ENTRY', NULL, '2026-01-01T00:00:00+08:00', NULL, NULL),
         ('330523001', NULL, '330523', NULL, NULL, NULL, NULL, NULL)`,
    );
    // The vehicle changed owner once (a person sold it to a company); every accepted record is kept.
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no,
         operator_id, transport_cert_no, cert_issued_at, registration_region)
       VALUES ($1, $2, 1, '德清某某物流有限公司', 'COMPANY', '91330521MA2B3C4D5Q', '91330521MA2B3C4D5Q',
               '浙交运管湖字330521000789号', '2025-03-01T00:00:00+08:00', '330521')`,
      [KEY, PLATE],
    );
    await s.query(
      `INSERT INTO registry_history (registry, record_key, record, source, kafka_topic, kafka_partition, kafka_offset, recorded_at)
       VALUES ('vehicles', $1, $2, 'kafka', 'registry.vehicles.v1', 3, 10, '2025-02-01T00:00:00Z'),
              ('vehicles', $1, $3, 'csv', NULL, NULL, NULL, '2025-03-01T00:00:00Z')`,
      [
        KEY,
        JSON.stringify({ vehicleKey: KEY, owner: { name: '张三', type: 'PERSON' } }),
        JSON.stringify({ vehicleKey: KEY, owner: { name: '德清某某物流有限公司', type: 'COMPANY' } }),
      ],
    );
    // A vehicle deleted from the registry (tombstone) after one record.
    await s.query(
      `INSERT INTO registry_history (registry, record_key, record, source) VALUES
         ('vehicles', '1:浙E61002', '{"vehicleKey":"1:浙E61002"}', 'kafka'), ('vehicles', '1:浙E61002', NULL, 'kafka')`,
    );
    // A permit issued, then revoked; three weighings carried its number, one a number nobody issued.
    await s.query(
      `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg,
         axles, station_ids, status)
       VALUES ($1, $2, $3, 1, '2026-01-01T00:00:00+08:00', '2026-12-31T23:59:59+08:00', 60000, 6,
               '{330521001,330522001}', 'REVOKED')`,
      [PERMIT, KEY, PLATE],
    );
    await s.query(
      `INSERT INTO registry_history (registry, record_key, record, source, recorded_at) VALUES
         ('permits', $1, '{"status":"ISSUED"}', 'kafka', '2026-01-01T00:00:00Z'),
         ('permits', $1, '{"status":"REVOKED"}', 'cli', '2026-04-01T00:00:00Z')`,
      [PERMIT],
    );
    await weighing({
      eventId: 'r-1',
      stationId: '330521001',
      measuredAt: '2026-02-01T08:00:00Z',
      grossWeightKg: 58000,
      classification: 'EXEMPT_PERMIT',
      permitNo: PERMIT,
    });
    await weighing({
      eventId: 'r-2',
      stationId: '330523001',
      measuredAt: '2026-02-02T08:00:00Z',
      grossWeightKg: 58000,
      classification: 'VIOLATION',
      permitNo: PERMIT,
      permitCheck: 'OFF_ROUTE',
    });
    const revokedUse = await weighing({
      eventId: 'r-3',
      stationId: '330521001',
      measuredAt: '2026-05-02T08:00:00Z',
      grossWeightKg: 58000,
      classification: 'VIOLATION',
      permitNo: PERMIT,
      permitCheck: 'REVOKED',
    });
    await s.query(
      `INSERT INTO violations (weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg,
         limit_kg, over_kg, suggested_fine_yuan, permit_no, permit_check)
       VALUES ($1, 'r-3', $2, '330521001', '2026-05-02T08:00:00Z', 6, 58000, 49000, 9000, 4500, $3, 'REVOKED')`,
      [revokedUse, KEY, PERMIT],
    );
    await weighing({
      eventId: 'r-4',
      stationId: '330522001',
      measuredAt: '2025-12-30T08:00:00Z',
      grossWeightKg: 58000,
      classification: 'VIOLATION',
      permitNo: '伪造证0001',
      permitCheck: 'UNKNOWN_PERMIT',
    });
    // An entry reading 5 % over at most (49,000 × 1.05 = 51,450): TOLERATED (交办公路明电〔2019〕117号).
    await weighing({
      eventId: 'r-5',
      stationId: '330521001',
      measuredAt: '2026-05-03T08:00:00Z',
      grossWeightKg: 51450,
      classification: 'TOLERATED',
    });
  });
  afterAll(() => s?.close());

  it('answers 401 without a staff token', async () => {
    for (const path of [
      `/v1/registry/vehicles/1/${encodeURIComponent(PLATE)}`,
      `/v1/registry/permits/${encodeURIComponent(PERMIT)}`,
      '/v1/registry/stations',
    ]) {
      const res = await get(path, null);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('documents the three endpoints in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json', null)).body as {
      paths: Record<string, { get?: { tags?: string[]; responses?: Record<string, { description?: string }> } }>;
    };
    for (const path of [
      '/v1/registry/vehicles/{plateColor}/{plate}',
      '/v1/registry/permits/{permitNo}',
      '/v1/registry/stations',
    ]) {
      expect({ path, tags: doc.paths[path]?.get?.tags }).toEqual({ path, tags: ['staff: registries'] });
    }
    expect(doc.paths['/v1/registry/vehicles/{plateColor}/{plate}']!.get!.responses!['404']!.description).toContain(
      'never registered',
    );
    // The read models say that a missing party or registration means 未登记.
    expect(doc.paths['/v1/listings']!.get!.responses!['200']!.description).toContain('null: 未登记');
    expect(doc.paths['/v1/public/postings']!.get!.responses!['200']!.description).toContain('未登记车辆');
  });

  it("reads a vehicle's registration with every record it had, oldest first; the plate as typed", async () => {
    const res = await get(`/v1/registry/vehicles/YELLOW/${encodeURIComponent('浙e·61001')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plate: PLATE,
      plateColor: 1,
      current: {
        plate: PLATE,
        plateColor: 1,
        owner: { name: '德清某某物流有限公司', type: 'COMPANY', idNo: '91330521MA2B3C4D5Q', phone: null },
        operatorId: '91330521MA2B3C4D5Q',
        transportCertNo: '浙交运管湖字330521000789号',
        certIssuedAt: '2025-02-28T16:00:00.000Z',
        registrationRegion: '330521',
        updatedAt: expect.any(String),
      },
      history: [
        {
          seq: expect.stringMatching(/^\d+$/),
          recordedAt: '2025-02-01T00:00:00.000Z',
          source: 'kafka',
          kafka: { topic: 'registry.vehicles.v1', partition: 3, offset: '10' },
          record: { vehicleKey: KEY, owner: { name: '张三', type: 'PERSON' } },
        },
        {
          seq: expect.stringMatching(/^\d+$/),
          recordedAt: '2025-03-01T00:00:00.000Z',
          source: 'csv',
          kafka: null,
          record: { vehicleKey: KEY, owner: { name: '德清某某物流有限公司', type: 'COMPANY' } },
        },
      ],
    });
    // The vehicle profile carries the same registration.
    expect((await get(`/v1/vehicles/1/${encodeURIComponent(PLATE)}`)).body.registration).toEqual(res.body.current);
  });

  it('reads a deleted registration as current null with its history; 404 for a vehicle never registered', async () => {
    const deleted = await get(`/v1/registry/vehicles/1/${encodeURIComponent('浙E61002')}`);
    expect(deleted).toMatchObject({ status: 200, body: { current: null } });
    expect(deleted.body.history.map((h: { record: unknown }) => h.record)).toEqual([
      { vehicleKey: '1:浙E61002' },
      null,
    ]);
    expect((await get(`/v1/vehicles/1/${encodeURIComponent('浙E61002')}`)).body.registration).toBeNull();

    const never = await get(`/v1/registry/vehicles/1/${encodeURIComponent('浙E69999')}`);
    expect(never).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    // Another colour is another vehicle.
    expect((await get(`/v1/registry/vehicles/0/${encodeURIComponent(PLATE)}`)).status).toBe(404);
    await expect400('/v1/registry/vehicles/PURPLE/浙E61001', 'plateColor');
    await expect400(`/v1/registry/vehicles/1/${encodeURIComponent("浙E61001' OR 1=1 --")}`, 'plate');
  });

  it('reads a permit, its history and the weighings that carried it with their classification and permitCheck', async () => {
    const res = await get(`/v1/registry/permits/${encodeURIComponent(PERMIT)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      permitNo: PERMIT,
      current: {
        permitNo: PERMIT,
        plate: PLATE,
        plateColor: 1,
        validFrom: '2025-12-31T16:00:00.000Z',
        validTo: '2026-12-31T15:59:59.000Z',
        maxGrossWeightKg: 60000,
        axles: 6,
        stationIds: ['330521001', '330522001'],
        status: 'REVOKED',
        version: expect.stringMatching(/^\d+$/),
      },
      history: [
        { source: 'kafka', record: { status: 'ISSUED' } },
        { source: 'cli', record: { status: 'REVOKED' } },
      ],
    });
    const [violation] = await s.query<{ id: string }>(`SELECT id::text FROM violations WHERE event_id = 'r-3'`);
    expect(res.body.weighings).toEqual({
      page: 1,
      pageSize: 50,
      total: 3,
      items: [
        {
          id: expect.any(String),
          eventId: 'r-3',
          stationId: '330521001',
          measuredAt: '2026-05-02T08:00:00.000Z',
          plate: PLATE,
          plateColor: 1,
          axles: 6,
          grossWeightKg: 58000,
          classification: 'VIOLATION',
          permitCheck: 'REVOKED',
          violationId: violation!.id,
        },
        expect.objectContaining({
          eventId: 'r-2',
          classification: 'VIOLATION',
          permitCheck: 'OFF_ROUTE',
          violationId: null,
        }),
        expect.objectContaining({
          eventId: 'r-1',
          classification: 'EXEMPT_PERMIT',
          permitCheck: null,
          violationId: null,
        }),
      ],
    });
    const paged = await get(`/v1/registry/permits/${encodeURIComponent(PERMIT)}?page=2&pageSize=2`);
    expect(paged.body.weighings).toMatchObject({ page: 2, pageSize: 2, total: 3, items: [{ eventId: 'r-1' }] });
    // The violation carries the permit and why it did not exempt.
    const violations = await get(`/v1/violations?plate=${encodeURIComponent(PLATE)}`);
    expect(violations.body.items).toEqual([
      expect.objectContaining({ eventId: 'r-3', permitNo: PERMIT, permitCheck: 'REVOKED' }),
    ]);
  });

  it('answers a number only weighings carried (UNKNOWN_PERMIT) with current null; 404 for a number nobody knows', async () => {
    const forged = await get(`/v1/registry/permits/${encodeURIComponent('伪造证0001')}`);
    expect(forged).toMatchObject({
      status: 200,
      body: {
        permitNo: '伪造证0001',
        current: null,
        history: [],
        weighings: { total: 1, items: [{ eventId: 'r-4', permitCheck: 'UNKNOWN_PERMIT' }] },
      },
    });
    const unknown = await get(`/v1/registry/permits/${encodeURIComponent('浙交超证0000000')}`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    await expect400(`/v1/registry/permits/${'x'.repeat(65)}`, 'permitNo');
    await expect400(`/v1/registry/permits/${encodeURIComponent(PERMIT)}?pageSize=501`, 'pageSize');
  });

  it('filters weighings by TOLERATED and shows the permit check on each weighing', async () => {
    const tolerated = await get(`/v1/weighings?plate=${encodeURIComponent(PLATE)}&classification=TOLERATED`);
    expect(tolerated.body).toMatchObject({
      total: 1,
      items: [{ eventId: 'r-5', classification: 'TOLERATED', overKg: 2450, permitCheck: null }],
    });
    const all = await get(`/v1/weighings?plate=${encodeURIComponent(PLATE)}`);
    expect(
      all.body.items.map((w: { eventId: string; permitCheck: string | null }) => [w.eventId, w.permitCheck]),
    ).toEqual([
      ['r-5', null],
      ['r-3', 'REVOKED'],
      ['r-2', 'OFF_ROUTE'],
      ['r-1', null],
      ['r-4', 'UNKNOWN_PERMIT'],
    ]);
  });

  it('lists the registered stations with kind, division, bounds, key state and last weighing; filters; pages', async () => {
    const res = await get('/v1/registry/stations');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      page: 1,
      pageSize: 50,
      total: 4,
      items: [
        {
          stationId: '330521001',
          name: '德清东收费站',
          divisionCode: '330521',
          kind: 'TOLL_ENTRY',
          activeFrom: '2024-12-31T16:00:00.000Z',
          activeTo: null,
          keyActive: true,
          lastWeighingAt: '2026-05-03T08:00:00.000Z',
          updatedAt: expect.any(String),
        },
        expect.objectContaining({
          stationId: '330521901',
          kind: 'WEIGH_STATION',
          keyActive: false,
          lastWeighingAt: null,
        }),
        expect.objectContaining({
          stationId: '330522001',
          activeTo: '2025-12-31T16:00:00.000Z',
          keyActive: false,
          lastWeighingAt: '2025-12-30T08:00:00.000Z',
        }),
        expect.objectContaining({
          stationId: '330523001',
          name: null,
          kind: null,
          lastWeighingAt: '2026-02-02T08:00:00.000Z',
        }),
      ],
    });
    const deqing = await get('/v1/registry/stations?region=330521&kind=TOLL_ENTRY');
    expect(deqing.body.items.map((st: { stationId: string }) => st.stationId)).toEqual(['330521001']);
    const second = await get('/v1/registry/stations?page=2&pageSize=3');
    expect(second.body).toMatchObject({ page: 2, pageSize: 3, total: 4, items: [{ stationId: '330523001' }] });
    expect((await get('/v1/registry/stations?page=5&pageSize=3')).body).toEqual({
      items: [],
      page: 5,
      pageSize: 3,
      total: 4,
    });
    await expect400('/v1/registry/stations?region=33%25', 'region');
    await expect400('/v1/registry/stations?kind=GATE', 'kind');
    await expect400('/v1/registry/stations?sort=name', 'sort');
  });

  it('counts a vehicle whose listing a permit withdrew as the recount does: that listing is no fresh start', async () => {
    // 浙E61003 was listed on three trips; a permit record then exempted the third weighing (its
    // violation is gone) and withdrew the listing (REVOKED, PERMIT_EXEMPTED). Two trips still count.
    const key = '1:浙E61003';
    const day = (d: number) => new Date(Date.now() - (30 - d) * 86_400_000).toISOString();
    const [listing] = await s.query<{ id: string }>(
      `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, expires_at, violation_count, ended_at,
         end_reason)
       VALUES ($1, '浙E61003', 1, 'REVOKED', $2, $3, 3, $4, 'PERMIT_EXEMPTED') RETURNING id::text`,
      [key, day(4), day(369), day(6)],
    );
    for (const [i, d] of [0, 2].entries()) {
      const [w] = await s.query<{ id: string }>(
        `INSERT INTO weighings (event_id, source, station_id, measured_at, plate, plate_color, vehicle_key, axles,
           combination, gross_weight_kg, cargo, classification, limit_kg, over_kg, suggested_fine_yuan)
         VALUES ($1, 'TOLL_ENTRY', '330521001', $2, '浙E61003', 1, $3, 2, false, 21000, 'LADEN', 'VIOLATION', 18000,
                 3000, 1500) RETURNING id::text`,
        [`px-${i}`, day(d), key],
      );
      await s.query(
        `INSERT INTO violations (id, weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg,
           limit_kg, over_kg, suggested_fine_yuan, trip_id)
         SELECT g, $1, $2, $3, '330521001', $4, 2, 21000, 18000, 3000, 1500, g FROM gen_random_uuid() AS g`,
        [w!.id, `px-${i}`, key, day(d)],
      );
    }
    const profile = await get(`/v1/vehicles/1/${encodeURIComponent('浙E61003')}`);
    expect(profile.body).toMatchObject({ state: 'WATCH', countInWindow: 2 });
    expect(profile.body.listings).toEqual([
      expect.objectContaining({ id: listing!.id, status: 'REVOKED', endReason: 'PERMIT_EXEMPTED', party: null }),
    ]);
    // /v1/stats agrees: the vehicle is on WATCH (德清, where its trips started).
    expect((await get('/v1/stats?region=330521')).body.asOfNow.watch).toBe(1);
  });
});
