import { RegistryChange, RegistryKind, validateRegistryRecord } from '@oc/contracts';
import { citizenIdCheckChar, creditCodeCheckChar } from '@oc/domain';
import { testAuditKeys, testServices } from '../../../../test/harness/services';
import { AuditLogRepository, AuditRow } from '../audit/audit-log.repository';
import { createDataSource } from '../data-source';
import { dropDatabase, migrate } from '../database-admin';
import { DatabaseConnection } from '../database.module';
import { OutboxRepository } from '../outbox/outbox.repository';
import { RegistryRepository, RegistrySource } from './registry.repository';

const personId = (serial: number): string => {
  const first17 = `33050219800101${String(serial).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
};
const companyId = (serial: number): string => {
  const first17 = `91330500MA2B${String(serial).padStart(5, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};

/** A record through the same validation as a Kafka message or a CSV row. */
function change<K extends RegistryKind>(kind: K, raw: Record<string, unknown>): RegistryChange<K> {
  const parsed = validateRegistryRecord(kind, raw);
  if (!parsed.ok) throw new Error(`test record refused: ${JSON.stringify(parsed.details)}`);
  return parsed.change;
}
const tombstone = <K extends RegistryKind>(kind: K, key: string): RegistryChange<K> => ({ kind, key, record: null });

const vehicle = (plate: string, owner: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  change('vehicles', { plate, plateColor: 1, owner, registrationRegion: '330502', ...extra });
const person = (name: string, serial: number) => ({ name, type: 'PERSON', idNo: personId(serial) });
const permit = (permitNo: string, extra: Record<string, unknown> = {}) =>
  change('permits', {
    permitNo,
    plate: '浙E60001',
    plateColor: 'YELLOW',
    validFrom: '2026-10-01T00:00:00+08:00',
    validTo: '2026-12-31T23:59:59+08:00',
    maxGrossWeightKg: 55000,
    axles: 6,
    stationIds: ['330500002', '330500001'],
    status: 'ISSUED',
    ...extra,
  });
const station = (stationId: string, extra: Record<string, unknown> = {}) =>
  change('stations', {
    stationId,
    name: '湖州东收费站',
    divisionCode: stationId.slice(0, 6),
    kind: 'TOLL_ENTRY',
    ...extra,
  });

const CSV: RegistrySource = { source: 'csv', actor: 'cli:tester' };

describe('RegistryRepository (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_registry_${process.pid}`);
  let db: DatabaseConnection;
  let repo: RegistryRepository;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'registry-it', poolSize: 4 }));
    repo = new RegistryRepository(new AuditLogRepository(db, testAuditKeys()), new OutboxRepository());
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const apply = async (changes: RegistryChange[], source: RegistrySource = CSV) =>
    (await db.ready()).transaction((m) => repo.apply(m, changes, source));
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.ready()).query(sql, params) as Promise<T[]>;
  const history = async (registry: RegistryKind, key: string) =>
    (await db.ready()).transaction((m) => repo.history(m, registry, key));
  const auditOf = (entityType: string, entityId: string) =>
    query<AuditRow>(`SELECT * FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq`, [
      entityType,
      entityId,
    ]);

  it('stores a batch and, applied again, changes nothing: no history row, no audit entry, no outbox row', async () => {
    const batch = [
      vehicle('浙E50001', person('张三', 1)),
      vehicle(
        '浙E50002',
        { name: '湖州顺达物流有限公司', type: 'COMPANY', idNo: companyId(1) },
        { operatorId: companyId(1) },
      ),
      permit('浙交超证I-0001'),
      station('330500001'),
    ];
    expect(await apply(batch)).toEqual({
      created: 4,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      superseded: 0,
      permitNos: ['浙交超证I-0001'],
    });
    const counts = async () =>
      (
        await query<{ history: string; audit: string; outbox: string }>(
          `SELECT (SELECT count(*) FROM registry_history) AS history, (SELECT count(*) FROM audit_log) AS audit,
                  (SELECT count(*) FROM outbox) AS outbox`,
        )
      )[0];
    const before = await counts();
    expect(before).toEqual({ history: '4', audit: '0', outbox: '1' });

    expect(await apply(batch)).toEqual({
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 4,
      superseded: 0,
      permitNos: [],
    });
    expect(await counts()).toEqual(before);

    const [stored] = await query(`SELECT * FROM registry_vehicles WHERE vehicle_key = '1:浙E50002'`);
    expect(stored).toMatchObject({
      plate: '浙E50002',
      plate_color: 1,
      owner_name: '湖州顺达物流有限公司',
      owner_type: 'COMPANY',
      owner_id_no: companyId(1),
      owner_phone: null,
      operator_id: companyId(1),
      registration_region: '330502',
    });
    const [p] = await query(`SELECT station_ids, status, axles, max_gross_weight_kg FROM registry_permits`);
    expect(p).toEqual({
      station_ids: ['330500001', '330500002'],
      status: 'ISSUED',
      axles: 6,
      max_gross_weight_kg: 55000,
    });
  });

  it('keeps the earlier owner in the history when the owner changes, and audits the change with before and after', async () => {
    const key = '1:浙E50010';
    await apply([vehicle('浙E50010', { ...person('李四', 2), phone: '0572-2345678' })]);
    const result = await apply([vehicle('浙 e50010', person('王五', 3))], {
      source: 'kafka',
      actor: 'system',
      kafka: [{ topic: 'registry.vehicles.v1', partition: 2, offset: '17' }],
    });
    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 0 });

    const [row] = await query<{ owner_name: string; owner_id_no: string }>(
      `SELECT owner_name, owner_id_no FROM registry_vehicles WHERE vehicle_key = $1`,
      [key],
    );
    expect(row).toEqual({ owner_name: '王五', owner_id_no: personId(3) });

    const entries = await history('vehicles', key);
    expect(entries.map((e) => [(e.record!.owner as { name: string }).name, e.source, e.kafka])).toEqual([
      ['李四', 'csv', null],
      ['王五', 'kafka', { topic: 'registry.vehicles.v1', partition: 2, offset: '17' }],
    ]);

    const audit = await auditOf('vehicle', key);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'REGISTRY_VEHICLE_CHANGED',
      actor: 'system',
      before: { vehicleKey: key, owner: { name: '李四', type: 'PERSON', idNo: personId(2), phone: '0572-2345678' } },
      after: { vehicleKey: key, owner: { name: '王五', type: 'PERSON', idNo: personId(3), phone: null } },
    });
    expect((await new AuditLogRepository(db, testAuditKeys()).verify()).ok).toBe(true);
  });

  it('lets the latest record of a key win within one batch', async () => {
    const result = await apply([
      vehicle('浙E50020', person('甲', 4)),
      vehicle('浙E50021', person('乙', 5)),
      vehicle('浙E50020', person('丙', 6)),
    ]);
    expect(result).toMatchObject({ created: 2, superseded: 1 });
    const rows = await query<{ vehicle_key: string; owner_name: string }>(
      `SELECT vehicle_key, owner_name FROM registry_vehicles WHERE vehicle_key IN ('1:浙E50020', '1:浙E50021') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { vehicle_key: '1:浙E50020', owner_name: '丙' },
      { vehicle_key: '1:浙E50021', owner_name: '乙' },
    ]);
    expect((await history('vehicles', '1:浙E50020')).map((e) => (e.record!.owner as { name: string }).name)).toEqual([
      '丙',
    ]);
  });

  it('deletes on a tombstone, keeps the deleted record in the history and audits the delete; a tombstone of an absent key changes nothing', async () => {
    const key = '1:浙E50030';
    await apply([vehicle('浙E50030', person('赵六', 7))]);
    expect(await apply([tombstone('vehicles', key), tombstone('vehicles', '1:浙E59999')])).toMatchObject({
      deleted: 1,
      unchanged: 1,
    });
    expect(await query(`SELECT 1 FROM registry_vehicles WHERE vehicle_key = $1`, [key])).toEqual([]);
    expect((await history('vehicles', key)).map((e) => e.record && (e.record.owner as { name: string }).name)).toEqual([
      '赵六',
      null,
    ]);
    expect(await history('vehicles', '1:浙E59999')).toEqual([]);
    const [entry] = await auditOf('vehicle', key);
    expect(entry).toMatchObject({ action: 'REGISTRY_VEHICLE_DELETED', after: null, before: { vehicleKey: key } });
  });

  it('gives a permit a higher version on every change, a delete and a re-issue included, with one outbox row each', async () => {
    const no = '浙交超证I-0100';
    const versionOf = async () => {
      const rows = await query<{ version: string }>(`SELECT version FROM registry_permits WHERE permit_no = $1`, [no]);
      return rows[0] ? Number(rows[0].version) : null;
    };
    await apply([permit(no)]);
    const v1 = (await versionOf())!;
    await apply([permit(no)]); // unchanged: same version
    expect(await versionOf()).toBe(v1);
    await apply([permit(no, { status: 'REVOKED' })]);
    const v2 = (await versionOf())!;
    expect(await apply([tombstone('permits', no)])).toMatchObject({ deleted: 1, permitNos: [no] });
    expect(await versionOf()).toBeNull();
    await apply([permit(no, { maxGrossWeightKg: 60000, stationIds: undefined, axles: undefined })]);
    const v4 = (await versionOf())!;
    expect(v2).toBeGreaterThan(v1);
    expect(v4).toBeGreaterThan(v2 + 1); // the delete took a version of its own

    const outbox = await query<{ topic: string | null; message_key: string; payload: { permit: unknown } }>(
      `SELECT topic, message_key, payload FROM outbox WHERE message_key = $1 ORDER BY id`,
      [no],
    );
    expect(outbox.map((o) => o.topic)).toEqual([null, null, null, null]);
    const entries = outbox.map((o) => o.payload.permit as { version: number; permit: Record<string, unknown> | null });
    expect(entries.map((e) => e.version)).toEqual([v1, v2, expect.any(Number), v4]);
    expect(entries[2]!.version).toBeGreaterThan(v2);
    expect(entries[2]!.version).toBeLessThan(v4);
    expect(entries[0]).toEqual({
      permitNo: no,
      version: v1,
      permit: {
        vehicleKey: '1:浙E60001',
        validFrom: '2026-09-30T16:00:00.000Z',
        validTo: '2026-12-31T15:59:59.000Z',
        maxGrossWeightKg: 55000,
        axles: 6,
        stationIds: ['330500001', '330500002'],
        status: 'ISSUED',
      },
    });
    expect(entries[1]!.permit).toMatchObject({ status: 'REVOKED' });
    expect(entries[2]!.permit).toBeNull();
    expect(entries[3]!.permit).toMatchObject({ maxGrossWeightKg: 60000, axles: null, stationIds: null });

    expect((await auditOf('permit', no)).map((a) => a.action)).toEqual([
      'REGISTRY_PERMIT_CHANGED',
      'REGISTRY_PERMIT_DELETED',
    ]);
  });

  it('updates a station without touching its gate key, and a station tombstone deletes the station with its key (audited)', async () => {
    const ds = await db.ready();
    await ds.transaction(async (m) => {
      expect(
        await repo.registerStation(m, { stationId: '330521001', name: null }, { source: 'cli', actor: 'cli:t' }),
      ).toBe(true);
      expect(
        await repo.registerStation(m, { stationId: '330521001', name: 'x' }, { source: 'cli', actor: 'cli:t' }),
      ).toBe(false);
    });
    await ds.query(`UPDATE stations SET key_hash = 'h-330521001' WHERE station_id = '330521001'`);
    expect((await history('stations', '330521001')).map((e) => [e.source, e.record])).toEqual([
      [
        'cli',
        { stationId: '330521001', name: null, divisionCode: '330521', kind: null, activeFrom: null, activeTo: null },
      ],
    ]);

    expect(
      await apply([station('330521001', { name: '德清北', activeFrom: '2026-01-01T00:00:00+08:00' })]),
    ).toMatchObject({ updated: 1 });
    const [row] = await query(
      `SELECT name, kind, division_code, active_from, key_hash FROM stations WHERE station_id = '330521001'`,
    );
    expect(row).toEqual({
      name: '德清北',
      kind: 'TOLL_ENTRY',
      division_code: '330521',
      active_from: new Date('2025-12-31T16:00:00Z'),
      key_hash: 'h-330521001',
    });

    expect(await apply([tombstone('stations', '330521001')])).toMatchObject({ deleted: 1 });
    expect(await query(`SELECT 1 FROM stations WHERE station_id = '330521001'`)).toEqual([]);
    expect((await auditOf('station', '330521001')).map((a) => [a.action, a.reason])).toEqual([
      ['REGISTRY_STATION_CHANGED', null],
      ['REGISTRY_STATION_DELETED', null],
      ['STATION_KEY_REVOKED', 'the station was deleted from the station registry'],
    ]);
  });

  it('stores a batch of 20,000 vehicles (multi-row statements, no parameter limit) and finds it unchanged after', async () => {
    const batch = Array.from({ length: 20_000 }, (_, i) =>
      vehicle(`浙F${String(i).padStart(5, '0')}`, person(`车主${i}`, i % 1000)),
    );
    expect(await apply(batch)).toMatchObject({ created: 20_000 });
    expect(await apply(batch)).toMatchObject({ unchanged: 20_000, created: 0, updated: 0 });
    const [{ n }] = await query<{ n: string }>(`SELECT count(*) AS n FROM registry_vehicles WHERE plate LIKE '浙F%'`);
    expect(n).toBe('20000');
  });
});
