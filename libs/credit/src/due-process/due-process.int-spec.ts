import { DataSource } from 'typeorm';
import { loadConfig } from '@oc/config';
import { DomainErrorCode } from '@oc/domain';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  ensureDatabase,
  migrate,
  MIGRATIONS,
  OutboxRepository,
  RevocationRepository,
  StaffQueryRepository,
} from '@oc/persistence';
import { testAuditKeys, testServices } from '../../../../test/harness/services';
import { storeViolations } from '../../../../test/harness/stored-violations';
import { CompanyCreditService } from '../company/company-credit.service';
import { CreditRecountService } from '../credit-recount.service';
import { CreditSchedulerService } from '../credit-scheduler.service';
import { ViolationActionsService } from '../violation-actions.service';
import { NoticeServiceService } from './notice-service.service';
import { ObjectionService } from './objection.service';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY = 86_400_000;

/**
 * Due process against real Postgres (SPEC §4.4, §4.10), the services built with their real
 * repositories and the 2026 official calendar; clocks are explicit, so the notice period's end is met
 * exactly. The apps' e2e tests (test/staff/due-process.e2e-spec.ts) follow the same story to the gate.
 */
describe('due process (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_due_${process.pid}`);
  const config = loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: '5' });
  let db: DatabaseConnection;
  let recount: CreditRecountService;
  let notices: NoticeServiceService;
  let objections: ObjectionService;
  let scheduler: CreditSchedulerService;
  let violations: ViolationActionsService;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'due-it', poolSize: 4 }));
    const credit = new CreditRepository();
    recount = new CreditRecountService(
      config,
      credit,
      new AuditLogRepository(db, testAuditKeys()),
      new OutboxRepository(),
    );
    const companies = new CompanyCreditService(
      config,
      credit,
      new AuditLogRepository(db, testAuditKeys()),
      new OutboxRepository(),
    );
    notices = new NoticeServiceService(db, credit, recount, companies);
    objections = new ObjectionService(config, db, credit, recount);
    scheduler = new CreditSchedulerService(db, recount, companies);
    violations = new ViolationActionsService(db, credit, recount, new RevocationRepository());
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await (await db.ready()).query(sql, params)) as T[];

  /** Three violating trips on 1, 10 and 20 September 2026, stored as ingest stores them. */
  async function threeTrips(plate: string, owner: string | null): Promise<string> {
    const key = `1:${plate}`;
    if (owner) {
      await query(
        `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
           operator_id, transport_cert_no, registration_region)
         VALUES ($1, $2, 1, $3, 'PERSON', '330521199001011235', '13800000000', NULL, '浙交运管湖字330500001', '330521')`,
        [key, plate, owner],
      );
    }
    await storeViolations(
      db,
      recount,
      plate,
      ['2026-09-01', '2026-09-10', '2026-09-20'].map((day) => sh(`${day}T10:00:00`)),
      { evidence: (i) => ({ imageUrls: [`https://evidence.example/${plate}/${i}.jpg`] }) },
    );
    return key;
  }

  const listingOf = async (key: string) =>
    (await query(`SELECT * FROM listings WHERE vehicle_key = $1 ORDER BY listed_at DESC LIMIT 1`, [key]))[0]!;
  const noticeOf = async (listingId: unknown) =>
    (await query(`SELECT * FROM notices WHERE listing_id = $1`, [listingId]))[0]!;
  const lastCacheEntry = async (key: string) => {
    const rows = await query<{ payload: { cache?: { listing: unknown } } }>(
      `SELECT payload FROM outbox WHERE message_key = $1 AND payload ? 'cache' ORDER BY id DESC LIMIT 1`,
      [key],
    );
    return rows[0]?.payload.cache ?? null;
  };

  it('three trips → PENDING with a numbered notice naming the registered owner; service on 28 Sep → in effect at 24:00 of 10 Oct', async () => {
    const key = await threeTrips('浙E81001', '张三');
    const pending = await listingOf(key);
    expect(pending).toMatchObject({ status: 'PENDING', effective_at: null, expires_at: null });
    expect(await lastCacheEntry(key)).toEqual(expect.objectContaining({ listing: null }));

    const notice = await noticeOf(pending.id);
    expect(notice).toMatchObject({ status: 'ISSUED', notice_no: '湖交超告〔2026〕1号', year: 2026, seq: 1 });
    expect(notice.party).toMatchObject({ ownerName: '张三', ownerType: 'PERSON' });
    const document = notice.document as {
      trips: { weighings: { eventId: string; evidence: unknown }[] }[];
      serviceHint: string;
    };
    expect(document.trips.map((t) => t.weighings.map((w) => w.eventId))).toEqual([
      ['浙E81001-0'],
      ['浙E81001-1'],
      ['浙E81001-2'],
    ]);
    expect(document.trips[0]!.weighings[0]!.evidence).toEqual({
      imageUrls: ['https://evidence.example/浙E81001/0.jpg'],
    });
    expect(document.serviceHint).toBe('TO_PARTY');
    const [message] = await query<{ payload: { event: { noticeNo: string; contactPhone: string } } }>(
      `SELECT payload FROM outbox WHERE topic = 'it.credit.notices.v1' AND message_key = $1`,
      [key],
    );
    expect(message!.payload.event).toMatchObject({ noticeNo: '湖交超告〔2026〕1号', contactPhone: '13800000000' });

    await notices.record(
      notice.id as string,
      { method: 'IN_PERSON', servedAt: sh('2026-09-28T15:30:00') },
      'officer-a',
      sh('2026-09-28T16:00:00'),
    );
    expect(await noticeOf(pending.id)).toMatchObject({
      status: 'SERVED',
      period_ends_at: sh('2026-10-11T00:00:00'),
      service_method: 'IN_PERSON',
      service_recorded_by: 'officer-a',
    });

    await scheduler.runDue(sh('2026-10-10T23:59:59.999'));
    expect(await listingOf(key)).toMatchObject({ status: 'PENDING' });
    // The scheduler notices late; the effect is the period's end all the same.
    await scheduler.runDue(sh('2026-10-11T00:00:07'));
    const effective = await listingOf(key);
    expect(effective).toMatchObject({
      status: 'LISTED',
      effective_at: sh('2026-10-11T00:00:00'),
      expires_at: new Date(sh('2026-10-11T00:00:00').getTime() + 365 * DAY),
    });
    expect(await lastCacheEntry(key)).toEqual(
      expect.objectContaining({ listing: expect.objectContaining({ status: 'LISTED' }) }),
    );
    // Publication is due seven working days after the effect, on the calendar (§4.4).
    const view = await new StaffQueryRepository(db, config).getListing(
      effective.id as string,
      sh('2026-10-12T09:00:00'),
    );
    expect(view).toMatchObject({ publicationDueBy: sh('2026-10-21T00:00:00').toISOString(), overdue: false });
  });

  it('an objection recorded in the period holds the listing; its handler cannot decide it; rejected, it takes effect at the decision', async () => {
    const key = await threeTrips('浙E81002', '李四');
    const listing = await listingOf(key);
    const notice = await noticeOf(listing.id);
    await notices.record(
      notice.id as string,
      { method: 'POST', servedAt: sh('2026-09-28T10:00:00') },
      'officer-a',
      sh('2026-09-28T11:00:00'),
    );
    const objection = await objections.record(
      {
        target: { type: 'LISTING', id: listing.id as string },
        grounds: '车辆当日未上高速',
        channel: 'IN_PERSON',
        attachments: [],
        receivedAt: sh('2026-10-09T09:00:00'),
      },
      'officer-a',
      sh('2026-10-09T09:05:00'),
    );
    // 5 working days after 9 Oct: 10 (Sat, 调休), 12, 13, 14, 15 → due 24:00 of 15 Oct.
    expect(objection).toMatchObject({ status: 'PENDING', handler: 'officer-a', dueBy: sh('2026-10-16T00:00:00') });

    await scheduler.runDue(sh('2026-10-14T08:00:00'));
    expect(await listingOf(key)).toMatchObject({ status: 'PENDING' });

    await expect(
      objections.review(objection.id, { uphold: false, reply: '称重数据准确' }, 'officer-a', sh('2026-10-14T09:00:00')),
    ).rejects.toMatchObject({
      code: DomainErrorCode.TWO_PERSON_RULE,
    });
    const decided = await objections.review(
      objection.id,
      { uphold: false, reply: '称重数据准确' },
      'legal-b',
      sh('2026-10-14T10:00:00'),
    );
    expect(decided).toMatchObject({ status: 'REJECTED', decidedBy: 'legal-b', reply: '称重数据准确' });
    expect(await listingOf(key)).toMatchObject({ status: 'LISTED', effective_at: sh('2026-10-14T10:00:00') });
  });

  it('an upheld objection withdraws the pending listing: it never turned anyone back', async () => {
    const key = await threeTrips('浙E81003', null);
    const listing = await listingOf(key);
    expect((await noticeOf(listing.id)).document).toMatchObject({ serviceHint: 'ANNOUNCEMENT', party: null });
    const objection = await objections.record(
      {
        target: {
          type: 'VIOLATION',
          id: (await query(`SELECT id FROM violations WHERE event_id = '浙E81003-2'`))[0]!.id as string,
        },
        grounds: '设备故障',
        channel: 'POST',
        attachments: [],
      },
      'officer-a',
      sh('2026-09-25T09:00:00'),
    );
    await objections.review(
      objection.id,
      { uphold: true, reply: '经核实设备当日故障，撤销该记录' },
      'legal-b',
      sh('2026-09-26T10:00:00'),
    );
    expect(await listingOf(key)).toMatchObject({ status: 'WITHDRAWN', end_reason: 'OBJECTION_UPHELD' });
    expect(await noticeOf(listing.id)).toMatchObject({ status: 'VOID' });
    const cacheListings = await query<{ l: unknown }>(
      `SELECT payload->'cache'->'listing' AS l FROM outbox WHERE message_key = $1 AND payload ? 'cache'`,
      [key],
    );
    expect(cacheListings.every((r) => r.l === null)).toBe(true);
  });

  it('a revocation proposal changes nothing; its proposer cannot approve it; approved by another, the listing ends', async () => {
    const key = await threeTrips('浙E81004', '王五');
    const listing = await listingOf(key);
    await notices.record(
      (await noticeOf(listing.id)).id as string,
      { method: 'IN_PERSON', servedAt: sh('2026-09-21T10:00:00') },
      'officer-a',
      sh('2026-09-21T11:00:00'),
    );
    await scheduler.runDue(sh('2026-10-01T00:00:00'));
    expect(await listingOf(key)).toMatchObject({ status: 'LISTED' });
    const [v] = await query<{ id: string }>(`SELECT id FROM violations WHERE event_id = '浙E81004-1'`);

    await violations.proposeRevocation(v!.id, { reason: '称重设备检定过期' }, 'officer-a', sh('2026-10-02T09:00:00'));
    expect(await listingOf(key)).toMatchObject({ status: 'LISTED' });
    expect((await query(`SELECT status FROM violations WHERE id = $1`, [v!.id]))[0]).toEqual({ status: 'OPEN' });
    await expect(
      violations.reviewRevocation(v!.id, { approve: true, opinion: '同意' }, 'officer-a', sh('2026-10-02T10:00:00')),
    ).rejects.toMatchObject({ code: DomainErrorCode.TWO_PERSON_RULE });
    const approved = await violations.reviewRevocation(
      v!.id,
      { approve: true, opinion: '同意' },
      'legal-b',
      sh('2026-10-02T10:00:00'),
    );
    expect(approved).toMatchObject({ status: 'APPROVED', reviewedBy: 'legal-b' });
    expect(await listingOf(key)).toMatchObject({ status: 'REVOKED', ended_at: sh('2026-10-02T10:00:00') });
    expect(await lastCacheEntry(key)).toEqual(expect.objectContaining({ listing: null }));
  });
});

describe('the due-process migration on a database built by the previous version', () => {
  const url = testServices().databaseUrlFor(`oc_it_due_upgrade_${process.pid}`);
  afterAll(() => dropDatabase(url));

  it('carries LISTED over as in effect since listedAt, and postings over with the reason they came down', async () => {
    await ensureDatabase(url);
    const previous = new DataSource({
      type: 'postgres',
      url,
      // Every migration before the due process one (later ones are applied with it below).
      migrations: MIGRATIONS.slice(
        0,
        MIGRATIONS.findIndex((m) => m.name === 'AddDueProcess1764662400000'),
      ),
      migrationsTableName: 'schema_migrations',
    });
    await previous.initialize();
    await previous.runMigrations({ transaction: 'each' });
    const listedAt = new Date('2026-03-02T02:00:00Z');
    const insert = (plate: string, status: string, publishedAt: Date | null, endedAt: Date | null) =>
      previous.query(
        `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, expires_at, violation_count,
           published_at, publication_ends_at, ended_at, end_reason)
         VALUES ($1, $2, 1, $3, $4, $5, 3, $6, $7, $8, $9) RETURNING id`,
        [
          `1:${plate}`,
          plate,
          status,
          listedAt,
          new Date(listedAt.getTime() + 365 * DAY),
          publishedAt,
          publishedAt ? new Date(publishedAt.getTime() + 730 * DAY) : null,
          endedAt,
          endedAt ? status : null,
        ],
      ) as Promise<{ id: string }[]>;
    const [listed] = await insert('浙E82001', 'LISTED', null, null);
    const [published] = await insert('浙E82002', 'PUBLISHED', new Date('2026-03-05T02:00:00Z'), null);
    const [repaired] = await insert(
      '浙E82003',
      'REPAIRED',
      new Date('2026-03-05T02:00:00Z'),
      new Date('2026-04-01T02:00:00Z'),
    );
    await previous.destroy();

    expect((await migrate(url))[0]).toBe('AddDueProcess1764662400000');
    const check = new DataSource({ type: 'postgres', url });
    await check.initialize();
    try {
      const rows = (await check.query(
        `SELECT id, status, effective_at, expires_at, posting_status, posting_reason, posting_withdrawn_at FROM listings`,
      )) as Record<string, unknown>[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(listed!.id)).toMatchObject({ status: 'LISTED', effective_at: listedAt, posting_status: null });
      expect(byId.get(published!.id)).toMatchObject({
        status: 'PUBLISHED',
        effective_at: listedAt,
        posting_status: 'POSTED',
      });
      expect(byId.get(repaired!.id)).toMatchObject({
        status: 'REPAIRED',
        posting_status: 'WITHDRAWN',
        posting_reason: 'REPAIRED',
        posting_withdrawn_at: new Date('2026-04-01T02:00:00Z'),
      });
      // The one-open-listing rule now covers PENDING as well.
      await expect(
        check.query(
          `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, violation_count) VALUES ('1:浙E82001', '浙E82001', 1, 'PENDING', now(), 3)`,
        ),
      ).rejects.toThrow(/listings_one_open_per_vehicle/);
    } finally {
      await check.destroy();
    }
  });
});
