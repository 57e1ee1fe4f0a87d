import { loadConfig, overlimitRulesFrom } from '@oc/config';
import { classifyWeighing, type PermitRecord } from '@oc/domain';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  lockPermits,
  migrate,
  NewWeighing,
  OutboxRepository,
  RegistryLookups,
  StaffQueryRepository,
  WeighingRepository,
} from '@oc/persistence';
import { testAuditKeys, testServices } from '../../../test/harness/services';
import { CreditRecountService } from './credit-recount.service';
import { PermitReclassificationService } from './permit-reclassification.service';

const HOUR = 3_600_000;
const config = loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: '0' });
const t0 = new Date('2026-11-02T08:00:00+08:00');
let offset = 0;

/** A 2-axle weighing 3,000 kg over, classified as ingest would against the permit registry's answer. */
function weighing(
  eventId: string,
  plate: string,
  measuredAt: Date,
  permitNo: string,
  permit: PermitRecord | null = null,
): NewWeighing {
  const reading = {
    plate,
    vehicleKey: `1:${plate}`,
    source: 'WEIGH_STATION',
    stationId: '330500001',
    measuredAt,
    axles: 2,
    combination: false,
    singleDriveAxle: false,
    grossWeightKg: 21_000,
    permitNo,
  };
  const r = classifyWeighing(reading, overlimitRulesFrom(config), permit);
  return {
    ...reading,
    eventId,
    laneId: null,
    plateColor: 1,
    cargo: 'LADEN',
    evidence: null,
    classification: r.classification,
    limitKg: r.limitKg,
    overKg: r.overKg,
    suggestedFineYuan: r.suggestedFineYuan,
    permitCheck: r.permitCheck,
    kafkaTopic: 't',
    kafkaPartition: 0,
    kafkaOffset: String(++offset),
  };
}

describe('PermitReclassificationService (real Postgres): a permit record after its weighings', () => {
  const url = testServices().databaseUrlFor(`oc_it_permits_${process.pid}`);
  let db: DatabaseConnection;
  let recount: CreditRecountService;
  let reclassification: PermitReclassificationService;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'permits-it', poolSize: 4 }));
    const audit = new AuditLogRepository(db, testAuditKeys());
    recount = new CreditRecountService(config, new CreditRepository(), audit, new OutboxRepository());
    reclassification = new PermitReclassificationService(config, recount, audit);
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await (await db.ready()).query(sql, params)) as T[];

  async function store(rows: NewWeighing[]): Promise<void> {
    const ds = await db.ready();
    await ds.transaction(async (m) => {
      const { violations: created } = await new WeighingRepository().storeBatch(m, rows);
      await recount.recount(
        m,
        created.map((c) => c.vehicleKey),
        { now: t0, actor: 'system', newViolationIds: new Set(created.map((c) => c.id)) },
      );
    });
  }

  /** Stores the permit record as the registry would (exclusive lock, new version) and reclassifies. */
  async function recordPermit(permitNo: string, plate: string, status: 'ISSUED' | 'REVOKED', maxKg = 30_000) {
    const ds = await db.ready();
    return ds.transaction(async (m) => {
      await lockPermits(m, [permitNo], 'exclusive');
      await m.query(
        `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg, status)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7)
         ON CONFLICT (permit_no) DO UPDATE SET status = EXCLUDED.status, max_gross_weight_kg = EXCLUDED.max_gross_weight_kg,
           version = nextval('registry_permit_version_seq')`,
        [
          permitNo,
          `1:${plate}`,
          plate,
          new Date(t0.getTime() - 24 * HOUR),
          new Date(t0.getTime() + 30 * 24 * HOUR),
          maxKg,
          status,
        ],
      );
      return reclassification.reclassify(m, [permitNo], { now: t0, actor: 'system' });
    });
  }

  const vehicle = async (plate: string) => {
    const [state] = await query<{ state: string; count_in_window: number }>(
      `SELECT state, count_in_window FROM vehicle_states WHERE vehicle_key = $1`,
      [`1:${plate}`],
    );
    const listings = await query<{ status: string; end_reason: string | null }>(
      `SELECT status, end_reason FROM listings WHERE vehicle_key = $1 ORDER BY created_at`,
      [`1:${plate}`],
    );
    const weighings = await query<{ classification: string; permit_check: string | null }>(
      `SELECT classification, permit_check FROM weighings WHERE vehicle_key = $1 ORDER BY measured_at`,
      [`1:${plate}`],
    );
    const violations = await query<{ permit_check: string | null }>(
      `SELECT permit_check FROM violations WHERE vehicle_key = $1 ORDER BY measured_at`,
      [`1:${plate}`],
    );
    return { state, listings, weighings, violations };
  };

  it('a permit that covers three listed trips exempts them and ends the listing; its revocation counts them again', async () => {
    const plate = '浙E40001';
    await store([0, 3, 6].map((h, i) => weighing(`p1-${i}`, plate, new Date(t0.getTime() + h * HOUR), 'P-40001')));
    const listed = await vehicle(plate);
    expect(listed.state).toEqual({ state: 'LISTED', count_in_window: 3 });
    expect(listed.violations.map((v) => v.permit_check)).toEqual([
      'UNKNOWN_PERMIT',
      'UNKNOWN_PERMIT',
      'UNKNOWN_PERMIT',
    ]);

    expect(await recordPermit('P-40001', plate, 'ISSUED')).toEqual({
      reclassified: 3,
      violationsAdded: 0,
      violationsRemoved: 3,
    });
    const exempt = await vehicle(plate);
    expect(exempt.state).toEqual({ state: 'CLEAR', count_in_window: 0 });
    expect(exempt.weighings.map((w) => w.classification)).toEqual(['EXEMPT_PERMIT', 'EXEMPT_PERMIT', 'EXEMPT_PERMIT']);
    expect(exempt.violations).toEqual([]);
    // The listing stays on record, ended (it did turn the truck back while it stood).
    expect(exempt.listings).toEqual([{ status: 'REVOKED', end_reason: 'PERMIT_EXEMPTED' }]);
    const [exempted] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'VIOLATION_EXEMPTED'`,
    );
    expect(exempted!.n).toBe(3);
    // The vehicle's audit trail still shows the removed violations: recorded, then exempted.
    const trail = await new StaffQueryRepository(db, config).findVehicleAudit(`1:${plate}`, { page: 1, pageSize: 100 });
    const actions = trail.items.map((e) => e.action);
    expect(actions.filter((a) => a === 'VIOLATION_RECORDED')).toHaveLength(3);
    expect(actions.filter((a) => a === 'VIOLATION_EXEMPTED')).toHaveLength(3);
    expect(actions.indexOf('VIOLATION_EXEMPTED')).toBeGreaterThan(actions.lastIndexOf('VIOLATION_RECORDED'));

    // The same record again changes nothing.
    expect(await recordPermit('P-40001', plate, 'ISSUED')).toEqual({
      reclassified: 0,
      violationsAdded: 0,
      violationsRemoved: 0,
    });

    expect(await recordPermit('P-40001', plate, 'REVOKED')).toMatchObject({ reclassified: 3, violationsAdded: 3 });
    const revoked = await vehicle(plate);
    expect(revoked.violations.map((v) => v.permit_check)).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);
    // Counted as if the permit had never exempted them: the withdrawn listing is no fresh start.
    expect(revoked.state).toEqual({ state: 'LISTED', count_in_window: 3 });
    expect(revoked.listings).toEqual([
      { status: 'REVOKED', end_reason: 'PERMIT_EXEMPTED' },
      { status: 'LISTED', end_reason: null },
    ]);
  });

  it('a lower permitted weight turns exemptions into violations naming OVER_PERMITTED_WEIGHT', async () => {
    const plate = '浙E40002';
    await recordPermit('P-40002', plate, 'ISSUED');
    const ds = await db.ready();
    const permits = await new RegistryLookups().permits(ds.manager, ['P-40002']);
    await store([weighing('p2-0', plate, t0, 'P-40002', permits.get('P-40002')!)]);
    expect((await vehicle(plate)).weighings).toEqual([{ classification: 'EXEMPT_PERMIT', permit_check: null }]);
    await recordPermit('P-40002', plate, 'ISSUED', 20_000);
    const after = await vehicle(plate);
    expect(after.weighings).toEqual([{ classification: 'VIOLATION', permit_check: 'OVER_PERMITTED_WEIGHT' }]);
    expect(after.state).toEqual({ state: 'WATCH', count_in_window: 1 });
  });

  it('keeps a violation staff already processed and puts the finding on the record', async () => {
    const plate = '浙E40003';
    await store([weighing('p3-0', plate, t0, 'P-40003')]);
    await query(
      `UPDATE violations SET status = 'PROCESSED', case_no = 'HZ-1', fine_yuan = 1500 WHERE event_id = 'p3-0'`,
    );
    expect(await recordPermit('P-40003', plate, 'ISSUED')).toEqual({
      reclassified: 0,
      violationsAdded: 0,
      violationsRemoved: 0,
    });
    expect((await vehicle(plate)).violations).toHaveLength(1);
    const [found] = await query<{ reason: string }>(
      `SELECT reason FROM audit_log WHERE action = 'VIOLATION_PERMIT_FOUND'`,
    );
    expect(found!.reason).toMatch(/P-40003 now covers this weighing/);
  });
});
