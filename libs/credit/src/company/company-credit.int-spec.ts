import { DataSource } from 'typeorm';
import { loadConfig } from '@oc/config';
import { DomainError, DomainErrorCode } from '@oc/domain';
import {
  AuditLogRepository,
  CompanyListingReadRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  ensureDatabase,
  migrate,
  MIGRATIONS,
  OutboxRepository,
} from '@oc/persistence';
import { companyIdNo } from '../../../../test/registry/support/registry-kafka';
import { testAuditKeys, testServices } from '../../../../test/harness/services';
import { storeViolations } from '../../../../test/harness/stored-violations';
import { CreditRecountService } from '../credit-recount.service';
import { CreditSchedulerService } from '../credit-scheduler.service';
import { NoticeServiceService } from '../due-process/notice-service.service';
import { ObjectionService } from '../due-process/objection.service';
import { CompanyCreditService } from './company-credit.service';
import { CompanyListingActionsService } from './company-listing-actions.service';

const sh = (local: string) => new Date(`${local}+08:00`);

/**
 * Company listings against real Postgres (SPEC §4.9 with §4.4, §4.10): a company of ten registered
 * trucks, two of them listed, becomes a candidate with its own notice and due process, and loses it
 * when a vehicle listing that was its ground is revoked. Clocks are explicit (the 2026 calendar).
 */
describe('company listings (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_company_${process.pid}`);
  const config = loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: '5' });
  const operatorId = companyIdNo(7);
  let db: DatabaseConnection;
  let recount: CreditRecountService;
  let notices: NoticeServiceService;
  let objections: ObjectionService;
  let scheduler: CreditSchedulerService;
  let actions: CompanyListingActionsService;
  let reads: CompanyListingReadRepository;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'company-it', poolSize: 4 }));
    const credit = new CreditRepository();
    const audit = new AuditLogRepository(db, testAuditKeys());
    recount = new CreditRecountService(config, credit, audit, new OutboxRepository());
    const companies = new CompanyCreditService(config, credit, audit, new OutboxRepository());
    notices = new NoticeServiceService(db, credit, recount, companies);
    objections = new ObjectionService(config, db, credit, recount);
    scheduler = new CreditSchedulerService(db, recount, companies);
    actions = new CompanyListingActionsService(config, db, companies);
    reads = new CompanyListingReadRepository(db, config);
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await (await db.ready()).query(sql, params)) as T[];

  /** Ten trucks of the company (the first owned by the company itself, which names it). */
  async function registerFleet(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const plate = `浙E9${String(i).padStart(4, '0')}`;
      await query(
        `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no,
           operator_id, registration_region)
         VALUES ($1, $2, 1, $3, 'COMPANY', $4, $4, '330502')`,
        [`1:${plate}`, plate, '湖州顺达物流有限公司', operatorId],
      );
    }
  }

  let offset = 0;
  /** Three violating trips of one truck in September 2026, stored as ingest stores them. */
  async function threeTrips(plate: string): Promise<string> {
    return storeViolations(
      db,
      recount,
      plate,
      ['2026-09-01', '2026-09-10', '2026-09-20'].map((day) => sh(`${day}T10:00:00`)),
      { offset: () => String(++offset) },
    );
  }

  const vehicleNotice = async (key: string) =>
    (
      await query<{ id: string; listing_id: string }>(
        `SELECT n.id, n.listing_id FROM notices n JOIN listings l ON l.id = n.listing_id WHERE l.vehicle_key = $1`,
        [key],
      )
    )[0]!;
  const companyListing = async () => (await reads.list({ operatorId }, { page: 1, pageSize: 10 }, new Date())).items;

  it('two of ten trucks listed: a candidate with its notice; its period, an objection, publication by two persons; revoked with its grounds', async () => {
    await registerFleet();
    const a = await threeTrips('浙E90000');
    const b = await threeTrips('浙E90001');
    for (const key of [a, b]) {
      const n = await vehicleNotice(key);
      await notices.record(
        n.id,
        { method: 'IN_PERSON', servedAt: sh('2026-09-28T10:00:00') },
        'officer-a',
        sh('2026-09-28T10:05:00'),
      );
    }
    // Both vehicle listings take effect at 24:00 of 10 October; the scheduler then looks at their company.
    await scheduler.runDue(sh('2026-10-11T00:00:02'));
    const [candidate, ...more] = await companyListing();
    expect(more).toEqual([]);
    expect(candidate).toMatchObject({
      status: 'PENDING',
      listedAt: sh('2026-10-11T00:00:00').toISOString(),
      vehicleCount: 2,
      fleetSize: 10,
      party: { name: '湖州顺达物流有限公司', operatorId },
    });
    expect(candidate!.notice).toMatchObject({ status: 'ISSUED', noticeNo: '湖交超告〔2026〕3号' });
    expect(candidate!.notice!.document).toMatchObject({ kind: 'COMPANY', fleetSize: 10, serviceHint: 'TO_PARTY' });
    expect(candidate!.notice!.document.vehicles.map((v) => v.plate).sort()).toEqual(['浙E90000', '浙E90001']);
    expect(candidate!.notice!.document.grounds).toContain('超过10%');
    const outbox = await query<{ topic: string; payload: { event: { type?: string } } }>(
      `SELECT topic, payload FROM outbox WHERE message_key = $1 ORDER BY id`,
      [operatorId],
    );
    expect(outbox.map((o) => [o.topic, o.payload.event.type ?? 'notice'])).toEqual([
      ['it.credit.company-listing-events.v1', 'PENDING'],
      ['it.credit.company-notices.v1', 'notice'],
    ]);
    // It turns no truck back: the vehicles' own listings do; no vehicle state or cache entry names it.
    expect(await query(`SELECT 1 FROM vehicle_states WHERE active_listing_id = $1`, [candidate!.id])).toEqual([]);

    const id = candidate!.id;
    await notices.record(
      candidate!.notice!.id,
      { method: 'POST', servedAt: sh('2026-10-12T09:00:00') },
      'officer-a',
      sh('2026-10-12T09:05:00'),
    );
    const objectionAt = sh('2026-10-14T09:00:00');
    await actions.recordObjection(
      id,
      {
        targetType: 'LISTING',
        grounds: '登记车辆数有误',
        channel: 'IN_PERSON',
        attachments: [],
        receivedAt: objectionAt,
      },
      'officer-a',
      objectionAt,
    );
    // Period: 13–16 Oct, 19 Oct → 24:00 of the 19th; the pending objection holds it past that.
    await scheduler.runDue(sh('2026-10-21T08:00:00'));
    const held = (await companyListing())[0]!;
    expect(held).toMatchObject({ status: 'PENDING' });
    expect(held.notice!.periodEndsAt).toBe(sh('2026-10-20T00:00:00').toISOString());
    const objectionId = held.objections[0]!.id;
    await expect(
      actions.decideObjection(
        id,
        objectionId,
        { uphold: false, reply: '经核实，登记车辆10辆' },
        'officer-a',
        sh('2026-10-21T09:00:00'),
      ),
    ).rejects.toMatchObject({ code: DomainErrorCode.TWO_PERSON_RULE } as Partial<DomainError>);
    await actions.decideObjection(
      id,
      objectionId,
      { uphold: false, reply: '经核实，登记车辆10辆' },
      'legal-b',
      sh('2026-10-21T09:00:00'),
    );
    const effective = (await companyListing())[0]!;
    expect(effective).toMatchObject({ status: 'LISTED', effectiveAt: sh('2026-10-21T09:00:00').toISOString() });
    expect(effective.objections[0]).toMatchObject({ status: 'REJECTED', decidedBy: 'legal-b' });

    await actions.proposePublication(
      id,
      { decisionNo: '湖交超决〔2026〕9号', legalBasis: '交办公路〔2017〕8号' },
      'officer-a',
      sh('2026-10-22T09:00:00'),
    );
    await expect(
      actions.reviewPublication(id, { approve: true, opinion: '同意' }, 'officer-a', sh('2026-10-22T10:00:00')),
    ).rejects.toMatchObject({ code: DomainErrorCode.TWO_PERSON_RULE } as Partial<DomainError>);
    await actions.reviewPublication(id, { approve: true, opinion: '同意' }, 'legal-b', sh('2026-10-22T10:00:00'));
    expect((await companyListing())[0]).toMatchObject({ status: 'PUBLISHED', posting: { status: 'POSTED' } });

    // Truck B's listing is revoked on its objection: the company is left with one listed truck of ten.
    const bListing = (await vehicleNotice(b)).listing_id;
    const objection = await objections.record(
      { target: { type: 'LISTING', id: bListing }, grounds: '称重设备故障', channel: 'POST', attachments: [] },
      'officer-a',
      sh('2026-10-23T09:00:00'),
    );
    await objections.review(
      objection.id,
      { uphold: true, reply: '经核实设备故障' },
      'legal-b',
      sh('2026-10-23T10:00:00'),
    );
    await scheduler.runDue(sh('2026-10-23T10:00:05'));
    const revoked = (await companyListing())[0]!;
    expect(revoked).toMatchObject({
      status: 'REVOKED',
      endReason: 'GROUNDS_REMOVED',
      posting: { status: 'WITHDRAWN', reason: 'REVOKED' },
    });
    const events = await query<{ payload: { event: { type: string } } }>(
      `SELECT payload FROM outbox WHERE topic = 'it.credit.company-listing-events.v1' ORDER BY id`,
    );
    expect(events.map((e) => e.payload.event.type)).toEqual([
      'PENDING',
      'LISTED',
      'PUBLISHED',
      'REVOKED',
      'POSTING_WITHDRAWN',
    ]);
    const audit = await query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_type = 'company_listing' AND entity_id = $1 ORDER BY seq`,
      [id],
    );
    expect(audit.map((r) => r.action)).toEqual([
      'COMPANY_LISTING_CREATED',
      'COMPANY_LISTING_EFFECTIVE',
      'COMPANY_LISTING_PROPOSED',
      'COMPANY_LISTING_PUBLISHED',
      'COMPANY_LISTING_REVOKED',
      'COMPANY_POSTING_WITHDRAWN',
    ]);
  });
});

describe('the company-listings migration on a database built by the previous version', () => {
  const url = testServices().databaseUrlFor(`oc_it_company_upgrade_${process.pid}`);
  afterAll(() => dropDatabase(url));

  it('keeps every vehicle notice and objection, and refuses a notice that names no one', async () => {
    // The release before the company listings: every migration before theirs (later ones follow them).
    const at = MIGRATIONS.findIndex((m) => m.name === 'AddCompanyListings1764748800000');
    await ensureDatabase(url);
    const previous = new DataSource({
      type: 'postgres',
      url,
      migrations: MIGRATIONS.slice(0, at),
      migrationsTableName: 'schema_migrations',
    });
    await previous.initialize();
    await previous.runMigrations({ transaction: 'each' });
    const [listing] = (await previous.query(
      `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, violation_count)
       VALUES ('1:浙E83001', '浙E83001', 1, 'PENDING', now(), 3) RETURNING id`,
    )) as { id: string }[];
    await previous.query(
      `INSERT INTO notices (id, notice_no, year, seq, listing_id, vehicle_key, document, status, issued_at)
       VALUES (gen_random_uuid(), '湖交超告〔2026〕1号', 2026, 1, $1, '1:浙E83001', '{}', 'ISSUED', now())`,
      [listing!.id],
    );
    await previous.query(
      `INSERT INTO objections (id, target_type, target_id, listing_id, vehicle_key, grounds, channel, received_at,
         handler, recorded_at, status)
       VALUES (gen_random_uuid(), 'LISTING', $1::text, $1::uuid, '1:浙E83001', '异议', 'POST', now(), 'officer-a', now(), 'PENDING')`,
      [listing!.id],
    );
    await previous.destroy();

    expect(await migrate(url)).toEqual(MIGRATIONS.slice(at).map((m) => m.name));
    const check = new DataSource({ type: 'postgres', url });
    await check.initialize();
    try {
      expect(await check.query(`SELECT listing_id, vehicle_key, company_listing_id FROM notices`)).toEqual([
        { listing_id: listing!.id, vehicle_key: '1:浙E83001', company_listing_id: null },
      ]);
      expect(await check.query(`SELECT count(*)::int AS n FROM objections WHERE vehicle_key = '1:浙E83001'`)).toEqual([
        { n: 1 },
      ]);
      await expect(
        check.query(
          `INSERT INTO notices (id, notice_no, year, seq, document, status, issued_at)
           VALUES (gen_random_uuid(), '湖交超告〔2026〕2号', 2026, 2, '{}', 'ISSUED', now())`,
        ),
      ).rejects.toThrow(/notices_one_subject/);
    } finally {
      await check.destroy();
    }
  });
});
