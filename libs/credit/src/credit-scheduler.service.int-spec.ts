import { loadConfig } from '@oc/config';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  migrate,
  OutboxRepository,
} from '@oc/persistence';
import { testAuditKeys, testServices } from '../../../test/harness/services';
import { storeViolations } from '../../../test/harness/stored-violations';
import { CompanyCreditService } from './company/company-credit.service';
import { CreditRecountService } from './credit-recount.service';
import { CreditSchedulerService } from './credit-scheduler.service';

const DAY = 86_400_000;

describe('CreditSchedulerService (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_expiry_${process.pid}`);
  let db: DatabaseConnection;
  let recount: CreditRecountService;
  let companies: CompanyCreditService;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'expiry-it', poolSize: 4 }));
    const audit = new AuditLogRepository(db, testAuditKeys());
    const config = loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: '0' });
    recount = new CreditRecountService(config, new CreditRepository(), audit, new OutboxRepository());
    companies = new CompanyCreditService(config, new CreditRepository(), audit, new OutboxRepository());
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  async function listVehicle(plate: string, thirdTrip: Date): Promise<void> {
    const trips = [10, 5, 0].map((daysBefore) => new Date(thirdTrip.getTime() - daysBefore * DAY));
    await storeViolations(db, recount, plate, trips, { together: true, recountAfterMs: 0 });
  }

  it('ends a listing at listedAt + 365 days, once, even with two schedulers running at the same moment', async () => {
    const listedAt = new Date('2025-06-01T02:00:00Z');
    await listVehicle('浙E60001', listedAt);
    const ds = await db.ready();
    const [before] = await ds.query(`SELECT status FROM listings WHERE vehicle_key = '1:浙E60001'`);
    expect(before.status).toBe('LISTED');

    const expiry = new CreditSchedulerService(db, recount, companies);
    const runAt = new Date(listedAt.getTime() + 400 * DAY); // the scheduler notices 35 days late
    const ended = await Promise.all([expiry.runDue(runAt), expiry.runDue(runAt)]);
    expect(ended[0]! + ended[1]!).toBe(1);

    const [after] = await ds.query(
      `SELECT status, ended_at, end_reason FROM listings WHERE vehicle_key = '1:浙E60001'`,
    );
    expect(after).toEqual({
      status: 'EXPIRED',
      ended_at: new Date(listedAt.getTime() + 365 * DAY),
      end_reason: 'EXPIRED',
    });
    const [state] = await ds.query(
      `SELECT state, active_listing_id FROM vehicle_states WHERE vehicle_key = '1:浙E60001'`,
    );
    expect(state).toEqual({ state: 'CLEAR', active_listing_id: null });
    const audits = await ds.query(`SELECT action FROM audit_log WHERE action = 'LISTING_EXPIRED'`);
    expect(audits).toHaveLength(1);
    const [event] = await ds.query(
      `SELECT payload FROM outbox WHERE topic = 'it.credit.listing-events.v1' AND payload->'event'->>'type' = 'EXPIRED'`,
    );
    expect(event.payload.event).toMatchObject({
      type: 'EXPIRED',
      at: new Date(listedAt.getTime() + 365 * DAY).toISOString(),
      plate: '浙E60001',
    });
    expect(event.payload.cache).toMatchObject({ vehicleKey: '1:浙E60001', listing: null });
  });

  // §4.4 and libs/domain (deriveCredit expires a listing when expiresAt <= now): the listing has ended
  // at expires_at itself, not only after it; the gate agrees (it turns back only while expiresAt > now).
  it('leaves a listing at expires_at − 1 ms and ends it at expires_at exactly', async () => {
    // Ahead of the wall clock, so that the other tests' runs never find it due.
    const listedAt = new Date('2031-03-01T02:00:00.123Z');
    await listVehicle('浙E60003', listedAt);
    const ds = await db.ready();
    const [listing] = await ds.query(`SELECT id, expires_at FROM listings WHERE vehicle_key = '1:浙E60003'`);
    const expiresAt = listing.expires_at as Date;
    expect(expiresAt).toEqual(new Date(listedAt.getTime() + 365 * DAY));
    const expiry = new CreditSchedulerService(db, recount, companies);
    const status = async () =>
      (await ds.query(`SELECT status, ended_at FROM listings WHERE id = $1`, [listing.id]))[0] as {
        status: string;
        ended_at: Date | null;
      };

    expect(await expiry.runDue(new Date(expiresAt.getTime() - 1))).toBe(0);
    expect(await status()).toEqual({ status: 'LISTED', ended_at: null });

    expect(await expiry.runDue(expiresAt)).toBe(1);
    expect(await status()).toEqual({ status: 'EXPIRED', ended_at: expiresAt });
  });

  it('leaves a listing that is not due yet', async () => {
    const listedAt = new Date(Date.now() - 10 * DAY);
    await listVehicle('浙E60002', listedAt);
    expect(await new CreditSchedulerService(db, recount, companies).runDue(new Date())).toBe(0);
  });
});
