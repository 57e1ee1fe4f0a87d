import { loadConfig } from '@oc/config';
import { citizenIdCheckChar } from '@oc/domain';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  migrate,
  OutboxRepository,
  RegistryRepository,
  WeighingRepository,
} from '@oc/persistence';
import { testAuditKeys, testServices } from '../../../../test/harness/services';
import { CreditRecountService } from '../credit-recount.service';
import { PermitReclassificationService } from '../permit-reclassification.service';
import { CsvHeaderError, RegistryCsvImportService } from './registry-csv-import.service';
import { RegistryUpdateService } from './registry-update.service';

const personId = (serial: number): string => {
  const first17 = `33050219800101${String(serial).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
};
const VEHICLES_HEADER =
  'plate,plateColor,ownerName,ownerType,ownerIdNo,ownerPhone,operatorId,transportCertNo,certIssuedAt,registrationRegion';

describe('RegistryCsvImportService (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_csv_import_${process.pid}`);
  let db: DatabaseConnection;
  let recount: CreditRecountService;
  let importer: RegistryCsvImportService;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'csv-import-it', poolSize: 4 }));
    const config = loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: '0' });
    const audit = new AuditLogRepository(db, testAuditKeys());
    const outbox = new OutboxRepository();
    recount = new CreditRecountService(config, new CreditRepository(), audit, outbox);
    importer = new RegistryCsvImportService(
      new RegistryUpdateService(
        db,
        new RegistryRepository(audit, outbox),
        new PermitReclassificationService(config, recount, audit),
        audit,
      ),
    );
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.ready()).query(sql, params) as Promise<T[]>;
  /** The file's text in chunks of 7 characters: records cross chunk boundaries as in a real stream. */
  const file = (text: string) => () =>
    (async function* () {
      for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
    })();

  it('imports the last row of each key, reports the earlier ones as superseded and the bad ones by line and column', async () => {
    const text = [
      VEHICLES_HEADER,
      `浙E70001,1,张一,PERSON,${personId(1)},,,,,330502`,
      `浙E70002,YELLOW,"李二, 湖州",PERSON,${personId(2)},0572-1234567,,,,330502`,
      `浙E70001,1,张三,PERSON,${personId(3)},,,,,330502`, // the same vehicle again: this row counts
      `浙E70003,1,王四,PERSON,330502198001010000,,,,,330502`, // wrong check character
      `浙E70004,9,赵五,PERSON,${personId(5)},,,,,Huzhou`, // two columns at fault
      `浙E70005,1,"unclosed,PERSON`,
    ].join('\r\n');
    const progress: string[] = [];
    const report = await importer.import('vehicles', {
      open: file(text),
      actor: 'cli:tester',
      progressEvery: 2,
      onProgress: (p) => progress.push(`${p.phase} ${p.rows}/${p.total ?? '?'}`),
    });
    expect(report).toMatchObject({ kind: 'vehicles', rows: 6, created: 2, updated: 0, unchanged: 0, refusedRows: 3 });
    expect(report.superseded).toEqual([{ line: 2, key: '1:浙E70001', byLine: 4 }]);
    expect(report.refused).toEqual([
      {
        line: 5,
        code: 'SCHEMA_INVALID',
        field: 'ownerIdNo',
        message: 'ownerIdNo must be an 18-character 公民身份号码 with a valid check character',
      },
      expect.objectContaining({ line: 6, code: 'SCHEMA_INVALID', field: 'plateColor' }),
      {
        line: 6,
        code: 'SCHEMA_INVALID',
        field: 'registrationRegion',
        message: 'registrationRegion must be a 6-digit division code',
      },
      { line: 7, code: 'CSV_MALFORMED', field: '(row)', message: 'the quoted field 3 is never closed' },
    ]);
    expect(progress).toEqual([
      'reading 2/?',
      'reading 4/?',
      'reading 6/?',
      'importing 2/6',
      'importing 4/6',
      'importing 6/6',
    ]);
    expect(
      await query(`SELECT vehicle_key, owner_name, owner_phone FROM registry_vehicles ORDER BY vehicle_key`),
    ).toEqual([
      { vehicle_key: '1:浙E70001', owner_name: '张三', owner_phone: null },
      { vehicle_key: '1:浙E70002', owner_name: '李二, 湖州', owner_phone: '0572-1234567' },
    ]);
    // The superseded row never reached the registry: its history holds the row that counts only.
    expect(
      await query(`SELECT record->'owner'->>'name' AS name FROM registry_history WHERE record_key = '1:浙E70001'`),
    ).toEqual([{ name: '张三' }]);

    const again = await importer.import('vehicles', { open: file(text), actor: 'cli:tester' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2, refusedRows: 3 });
    expect(await query(`SELECT count(*)::int AS n FROM registry_history`)).toEqual([{ n: 2 }]);
  });

  it('refuses a row the database cannot take (PROCESSING_FAILED) and stores the rest of its batch', async () => {
    const report = await importer.import('vehicles', {
      open: file(
        [
          VEHICLES_HEADER,
          `浙E70201,1,褚一,PERSON,${personId(21)},,,,,330502`,
          // Year 0000 passes the row's shape; Postgres has no year 0 (SQLSTATE 22008).
          `浙E70202,1,卫二,PERSON,${personId(22)},,,,0000-01-01T00:00:00Z,330502`,
          `浙E70203,1,蒋三,PERSON,${personId(23)},,,,,330502`,
          // A NUL byte (which no text column stores) is refused by the row's shape, naming the column.
          `浙E70204,1,沈\u0000四,PERSON,${personId(24)},,,,,330502`,
        ].join('\n'),
      ),
      actor: 'cli:tester',
    });
    expect(report).toMatchObject({ created: 2, refusedRows: 2 });
    expect(report.refused).toEqual([
      expect.objectContaining({ line: 3, code: 'PROCESSING_FAILED', field: '(row)' }),
      expect.objectContaining({ line: 5, code: 'SCHEMA_INVALID', field: 'ownerName' }),
    ]);
    expect(await query(`SELECT vehicle_key FROM registry_vehicles WHERE plate LIKE '浙E702%' ORDER BY 1`)).toEqual([
      { vehicle_key: '1:浙E70201' },
      { vehicle_key: '1:浙E70203' },
    ]);
  });

  it('refuses a file whose header is not the registry’s before importing anything', async () => {
    const wrong = importer.import('stations', {
      open: file('stationId,name,division,kind\n330500001,湖州东,330500,TOLL_ENTRY\n'),
      actor: 'cli:tester',
    });
    await expect(wrong).rejects.toThrow(CsvHeaderError);
    await expect(wrong).rejects.toThrow(
      'not a stations registry file: unknown column "division" (column 3); column "divisionCode" is missing',
    );
    await expect(importer.import('stations', { open: file(''), actor: 'cli:tester' })).rejects.toThrow(
      'the file is empty: expected the header stationId,name,divisionCode,kind,activeFrom,activeTo',
    );
    expect(await query(`SELECT station_id FROM stations`)).toEqual([]);
  });

  it('imports stations with any column order and optional columns left out', async () => {
    const report = await importer.import('stations', {
      open: file('kind,stationId,name,divisionCode\nTOLL_ENTRY,330521001,德清收费站,330521\n'),
      actor: 'cli:tester',
    });
    expect(report).toMatchObject({ created: 1, refusedRows: 0 });
    expect(await query(`SELECT station_id, name, division_code, kind, active_from FROM stations`)).toEqual([
      { station_id: '330521001', name: '德清收费站', division_code: '330521', kind: 'TOLL_ENTRY', active_from: null },
    ]);
  });

  it('reclassifies the stored weighings of an imported permit in the same transaction (a late permit exempts)', async () => {
    const ds = await db.ready();
    const measuredAt = new Date('2026-11-02T10:00:00+08:00');
    await ds.transaction(async (m) => {
      const { violations: created } = await new WeighingRepository().storeBatch(m, [
        {
          eventId: 'csv-permit-1',
          source: 'WEIGH_STATION',
          stationId: '330500001',
          laneId: null,
          measuredAt,
          plate: '浙E70100',
          plateColor: 1,
          vehicleKey: '1:浙E70100',
          axles: 6,
          combination: true,
          singleDriveAxle: false,
          grossWeightKg: 55000,
          cargo: 'LADEN',
          permitNo: '浙交超证CSV-1',
          evidence: null,
          classification: 'VIOLATION',
          limitKg: 49000,
          overKg: 6000,
          suggestedFineYuan: 3000,
          permitCheck: 'UNKNOWN_PERMIT',
          kafkaTopic: 't',
          kafkaPartition: 0,
          kafkaOffset: '1',
        },
      ]);
      await recount.recount(m, ['1:浙E70100'], {
        now: measuredAt,
        actor: 'system',
        newViolationIds: new Set(created.map((c) => c.id)),
      });
    });
    expect(await query(`SELECT event_id FROM violations WHERE event_id = 'csv-permit-1'`)).toHaveLength(1);

    const report = await importer.import('permits', {
      open: file(
        'permitNo,plate,plateColor,validFrom,validTo,maxGrossWeightKg,axles,stationIds,status\n' +
          '浙交超证CSV-1,浙E70100,1,2026-11-01T00:00:00+08:00,2026-11-30T23:59:59+08:00,56000,6,330500001;330500002,ISSUED\n' +
          '浙交超证CSV-2,浙E70101,1,2026-11-01T00:00:00+08:00,2026-11-30T23:59:59+08:00,heavy,,,ISSUED\n',
      ),
      actor: 'cli:tester',
    });
    expect(report).toMatchObject({ created: 1, refusedRows: 1 });
    expect(report.refused).toEqual([
      expect.objectContaining({ line: 3, field: 'maxGrossWeightKg', code: 'SCHEMA_INVALID' }),
    ]);
    expect(await query(`SELECT classification, permit_check FROM weighings WHERE event_id = 'csv-permit-1'`)).toEqual([
      { classification: 'EXEMPT_PERMIT', permit_check: null },
    ]);
    expect(await query(`SELECT 1 FROM violations WHERE event_id = 'csv-permit-1'`)).toEqual([]);
    expect(await query(`SELECT station_ids FROM registry_permits`)).toEqual([
      { station_ids: ['330500001', '330500002'] },
    ]);
    // The exemption is on the record (the permit's creation is in registry_history), the chain intact.
    const actions = await query<{ action: string }>(`SELECT action FROM audit_log ORDER BY seq`);
    expect(actions.map((a) => a.action)).toContain('VIOLATION_EXEMPTED');
    expect((await new AuditLogRepository(db, testAuditKeys()).verify()).ok).toBe(true);
    const [outbox] = await query<{ payload: { permit: { permitNo: string } } }>(
      `SELECT payload FROM outbox WHERE message_key = '浙交超证CSV-1' AND topic IS NULL`,
    );
    expect(outbox!.payload.permit.permitNo).toBe('浙交超证CSV-1');

    // Revoked: the change comes first in the chain, then what it caused (the violation back).
    const revoked = await importer.import('permits', {
      open: file(
        'permitNo,plate,plateColor,validFrom,validTo,maxGrossWeightKg,axles,stationIds,status\n' +
          '浙交超证CSV-1,浙E70100,1,2026-11-01T00:00:00+08:00,2026-11-30T23:59:59+08:00,56000,6,330500001;330500002,REVOKED\n',
      ),
      actor: 'cli:tester',
    });
    expect(revoked).toMatchObject({ updated: 1 });
    const chain = (await query<{ action: string }>(`SELECT action FROM audit_log ORDER BY seq`)).map((a) => a.action);
    expect(chain.lastIndexOf('REGISTRY_PERMIT_CHANGED')).toBeGreaterThan(-1);
    expect(chain.lastIndexOf('REGISTRY_PERMIT_CHANGED')).toBeLessThan(chain.lastIndexOf('VIOLATION_RECORDED'));
    expect(await query(`SELECT permit_check FROM violations WHERE event_id = 'csv-permit-1'`)).toEqual([
      { permit_check: 'REVOKED' },
    ]);
  });
});
