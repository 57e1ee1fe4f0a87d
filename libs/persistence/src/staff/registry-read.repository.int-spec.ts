import type { DataSource } from 'typeorm';
import { testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { dropDatabase, migrate } from '../database-admin';
import { DatabaseConnection } from '../database.module';
import { RegistryReadRepository } from './registry-read.repository';

const t = (iso: string): Date => new Date(iso);

describe('RegistryReadRepository (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_registry_read_${process.pid}`);
  let db: DatabaseConnection;
  let ds: DataSource;
  let repository: RegistryReadRepository;

  const weighing = (
    eventId: string,
    stationId: string,
    measuredAt: Date,
    extra: { permitNo?: string; classification?: string; permitCheck?: string | null } = {},
  ) =>
    ds.query(
      `INSERT INTO weighings (event_id, source, station_id, measured_at, plate, plate_color, vehicle_key, axles,
         combination, gross_weight_kg, cargo, permit_no, classification, limit_kg, over_kg, suggested_fine_yuan,
         permit_check)
       VALUES ($1, 'TOLL_ENTRY', $2, $3, '浙E12345', 1, '1:浙E12345', 2, false, 21000, 'LADEN', $4, $5, 18000, 3000,
               1500, $6)
       RETURNING id`,
      [
        eventId,
        stationId,
        measuredAt.toISOString(),
        extra.permitNo ?? null,
        extra.classification ?? 'COMPLIANT',
        extra.permitCheck ?? null,
      ],
    ) as Promise<{ id: string }[]>;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(
      createDataSource({ databaseUrl: url, applicationName: 'registry-read-it', poolSize: 4 }),
    );
    ds = await db.ready();
    repository = new RegistryReadRepository(db);
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  it('lists stations by id with kind, bounds, key state and the last weighing, filtered and paged', async () => {
    await ds.query(
      `INSERT INTO stations (station_id, name, division_code, kind, active_from, active_to, key_hash, revoked_at) VALUES
         ('330521001', '德清东', '330521', 'TOLL_ENTRY', '2025-01-01T00:00:00+08:00', NULL, 'hash-1', NULL),
         ('330521002', '德清检测站', '330521', 'WEIGH_STATION', NULL, '2026-01-01T00:00:00+08:00', 'hash-2', now()),
         ('330522001', NULL, '330522', NULL, NULL, NULL, NULL, NULL)`,
    );
    await weighing('s-1', '330521001', t('2026-03-01T08:00:00Z'));
    await weighing('s-2', '330521001', t('2026-03-02T08:00:00Z'));
    await weighing('s-3', '330521001', t('2026-02-01T08:00:00Z')); // late upload: not the last
    await weighing('s-4', '330521002', t('2025-12-01T08:00:00Z'));
    // A station that is not (or no longer) registered is not listed, whatever it sent.
    await weighing('s-5', '330599001', t('2026-03-05T08:00:00Z'));

    const all = await repository.stations({}, { page: 1, pageSize: 50 });
    expect(all.total).toBe(3);
    expect(all.items).toEqual([
      {
        stationId: '330521001',
        name: '德清东',
        divisionCode: '330521',
        kind: 'TOLL_ENTRY',
        activeFrom: '2024-12-31T16:00:00.000Z',
        activeTo: null,
        keyActive: true,
        lastWeighingAt: '2026-03-02T08:00:00.000Z',
        updatedAt: expect.any(String),
      },
      expect.objectContaining({
        stationId: '330521002',
        kind: 'WEIGH_STATION',
        activeFrom: null,
        activeTo: '2025-12-31T16:00:00.000Z',
        keyActive: false, // revoked
        lastWeighingAt: '2025-12-01T08:00:00.000Z',
      }),
      expect.objectContaining({
        stationId: '330522001',
        name: null,
        kind: null,
        keyActive: false,
        lastWeighingAt: null,
      }),
    ]);
    expect(
      (await repository.stations({ region: '330522' }, { page: 1, pageSize: 50 })).items.map((s) => s.stationId),
    ).toEqual(['330522001']);
    expect(
      (await repository.stations({ region: '3305', kind: 'WEIGH_STATION' }, { page: 1, pageSize: 50 })).items.map(
        (s) => s.stationId,
      ),
    ).toEqual(['330521002']);
    const second = await repository.stations({}, { page: 2, pageSize: 2 });
    expect({ total: second.total, ids: second.items.map((s) => s.stationId) }).toEqual({
      total: 3,
      ids: ['330522001'],
    });
    // Past the end: no row carries the total, it is counted.
    expect(await repository.stations({}, { page: 9, pageSize: 2 })).toEqual({
      items: [],
      page: 9,
      pageSize: 2,
      total: 3,
    });
  });

  it('finds each last weighing through the (station_id, measured_at) index, never by scanning weighings', async () => {
    // Enough weighings that a scan would be the planner's choice if the query allowed nothing better.
    await ds.query(
      `INSERT INTO weighings (event_id, source, station_id, measured_at, plate, plate_color, vehicle_key, axles,
         combination, gross_weight_kg, cargo, classification, limit_kg, over_kg)
       SELECT 'bulk-' || i, 'TOLL_ENTRY', CASE WHEN i % 2 = 0 THEN '330521001' ELSE '330521002' END,
              timestamptz '2025-06-01T00:00:00Z' + i * interval '1 minute', '浙E12345', 1, '1:浙E12345', 2, false,
              15000, 'LADEN', 'COMPLIANT', 18000, -3000
       FROM generate_series(1, 30000) AS i`,
    );
    await ds.query('ANALYZE weighings');
    await ds.query('ANALYZE stations');
    const calls: [string, unknown[]][] = [];
    const spy = jest.spyOn(ds, 'query').mockImplementation(async function (this: DataSource, ...args: unknown[]) {
      calls.push([args[0] as string, (args[1] as unknown[]) ?? []]);
      spy.mockRestore();
      return ds.query(args[0] as string, args[1] as unknown[]);
    });
    const page = await repository.stations({}, { page: 1, pageSize: 50 });
    expect(calls).toHaveLength(1); // one statement: the page, its total and the last weighings
    expect(page.items.find((s) => s.stationId === '330521001')!.lastWeighingAt).toBe('2026-03-02T08:00:00.000Z');

    const [[sql, params]] = calls;
    const [{ 'QUERY PLAN': plan }] = (await ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as {
      'QUERY PLAN': unknown;
    }[];
    const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string }[] = [];
    const walk = (n: Record<string, unknown>): void => {
      nodes.push(n as (typeof nodes)[number]);
      for (const child of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((plan as { Plan: Record<string, unknown> }[])[0]!.Plan);
    expect(
      nodes.filter((n) => n['Relation Name'] === 'weighings').map((n) => [n['Node Type'], n['Index Name']]),
    ).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), 'weighings_station_measured_idx']]);
  });

  it("reads a vehicle's registration and history; a deleted one keeps its history; one never registered is null", async () => {
    await ds.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
         operator_id, transport_cert_no, cert_issued_at, registration_region)
       VALUES ('1:浙E12345', '浙E12345', 1, '张三', 'PERSON', '330521199001011235', '13800000000',
               '91330521MA2B3C4D5Q', '浙交运管湖字330521001234号', '2024-05-01T00:00:00+08:00', '330521')`,
    );
    await ds.query(
      `INSERT INTO registry_history (registry, record_key, record, source, kafka_topic, kafka_partition, kafka_offset) VALUES
         ('vehicles', '1:浙E12345', '{"owner":{"name":"李四"}}', 'kafka', 'registry.vehicles.v1', 2, 41),
         ('vehicles', '1:浙E12345', '{"owner":{"name":"张三"}}', 'csv', NULL, NULL, NULL),
         ('vehicles', '1:浙E67890', '{"owner":{"name":"王五"}}', 'kafka', 'registry.vehicles.v1', 0, 7),
         ('vehicles', '1:浙E67890', NULL, 'kafka', 'registry.vehicles.v1', 0, 9)`,
    );
    const registered = await repository.vehicle(1, '浙E12345');
    expect(registered).toEqual({
      plate: '浙E12345',
      plateColor: 1,
      current: {
        plate: '浙E12345',
        plateColor: 1,
        owner: { name: '张三', type: 'PERSON', idNo: '330521199001011235', phone: '13800000000' },
        operatorId: '91330521MA2B3C4D5Q',
        transportCertNo: '浙交运管湖字330521001234号',
        certIssuedAt: '2024-04-30T16:00:00.000Z',
        registrationRegion: '330521',
        updatedAt: expect.any(String),
      },
      history: [
        {
          seq: expect.any(String),
          recordedAt: expect.any(String),
          source: 'kafka',
          kafka: { topic: 'registry.vehicles.v1', partition: 2, offset: '41' },
          record: { owner: { name: '李四' } },
        },
        expect.objectContaining({ source: 'csv', kafka: null, record: { owner: { name: '张三' } } }),
      ],
    });
    expect(BigInt(registered!.history[0]!.seq)).toBeLessThan(BigInt(registered!.history[1]!.seq));
    expect(await repository.registration(1, '浙E12345')).toEqual(registered!.current);

    const deleted = await repository.vehicle(1, '浙E67890');
    expect(deleted).toMatchObject({
      current: null,
      history: [{ record: { owner: { name: '王五' } } }, { record: null }],
    });
    expect(await repository.vehicle(1, '浙E99999')).toBeNull();
    expect(await repository.vehicle(0, '浙E12345')).toBeNull(); // another colour is another vehicle
  });

  it('reads a permit with its history and the weighings that used it; a number only weighings carried; none', async () => {
    await ds.query(
      `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg,
         axles, station_ids, status)
       VALUES ('浙交超证000001', '1:浙E12345', '浙E12345', 1, '2026-01-01T00:00:00+08:00', '2026-06-30T23:59:59+08:00',
               60000, 6, '{330521001}', 'REVOKED')`,
    );
    await ds.query(
      `INSERT INTO registry_history (registry, record_key, record, source) VALUES
         ('permits', '浙交超证000001', '{"status":"ISSUED"}', 'kafka'),
         ('permits', '浙交超证000001', '{"status":"REVOKED"}', 'kafka')`,
    );
    const exempted = await weighing('p-1', '330521001', t('2026-02-01T08:00:00Z'), {
      permitNo: '浙交超证000001',
      classification: 'EXEMPT_PERMIT',
    });
    const [violating] = await weighing('p-2', '330521001', t('2026-03-01T08:00:00Z'), {
      permitNo: '浙交超证000001',
      classification: 'VIOLATION',
      permitCheck: 'REVOKED',
    });
    const [violation] = (await ds.query(
      `INSERT INTO violations (weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg,
         over_kg, suggested_fine_yuan, permit_no, permit_check)
       VALUES ($1, 'p-2', '1:浙E12345', '330521001', '2026-03-01T08:00:00Z', 2, 21000, 18000, 3000, 1500,
               '浙交超证000001', 'REVOKED')
       RETURNING id`,
      [violating!.id],
    )) as { id: string }[];
    await weighing('p-3', '330521001', t('2026-03-02T08:00:00Z'), {
      permitNo: '伪造证000009',
      classification: 'VIOLATION',
      permitCheck: 'UNKNOWN_PERMIT',
    });

    const permit = await repository.permit('浙交超证000001', { page: 1, pageSize: 50 });
    expect(permit).toMatchObject({
      permitNo: '浙交超证000001',
      current: {
        permitNo: '浙交超证000001',
        plate: '浙E12345',
        plateColor: 1,
        validFrom: '2025-12-31T16:00:00.000Z',
        validTo: '2026-06-30T15:59:59.000Z',
        maxGrossWeightKg: 60000,
        axles: 6,
        stationIds: ['330521001'],
        status: 'REVOKED',
        version: expect.stringMatching(/^\d+$/),
      },
      history: [{ record: { status: 'ISSUED' } }, { record: { status: 'REVOKED' } }],
      weighings: {
        total: 2,
        items: [
          { eventId: 'p-2', classification: 'VIOLATION', permitCheck: 'REVOKED', violationId: violation!.id },
          {
            eventId: 'p-1',
            classification: 'EXEMPT_PERMIT',
            permitCheck: null,
            violationId: null,
            id: exempted[0]!.id,
          },
        ],
      },
    });
    const paged = await repository.permit('浙交超证000001', { page: 2, pageSize: 1 });
    expect(paged!.weighings).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ eventId: 'p-1' }] });

    expect(await repository.permit('伪造证000009', { page: 1, pageSize: 50 })).toMatchObject({
      current: null,
      history: [],
      weighings: { total: 1, items: [{ eventId: 'p-3', permitCheck: 'UNKNOWN_PERMIT' }] },
    });
    expect(await repository.permit('从未出现', { page: 1, pageSize: 50 })).toBeNull();
  });
});
