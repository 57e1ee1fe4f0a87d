import { testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { dropDatabase, migrate } from '../database-admin';
import { postgresReplicas } from '../database-replicas';
import { DatabaseConnection } from '../database.module';
import { outboxBacklog } from './outbox-backlog';
import { OutboxRepository } from './outbox.repository';

describe('outboxBacklog and postgresReplicas (real Postgres, as the app role)', () => {
  const url = testServices().databaseUrlFor(`oc_it_outbox_backlog_${process.pid}`);
  let db: DatabaseConnection;
  const outbox = new OutboxRepository();

  beforeAll(async () => {
    await migrate(url);
    // The app role, as ingest and staff-api connect (docs/operations.md "Database roles").
    const appUrl = new URL(url);
    appUrl.username = 'overload_app';
    db = new DatabaseConnection(
      createDataSource({ databaseUrl: appUrl.toString(), applicationName: 'outbox-backlog-it', poolSize: 2 }),
    );
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  it('counts the unpublished rows (up to the cap) and ages the oldest of them; nothing waiting is 0 and 0', async () => {
    expect(await outboxBacklog(db)).toEqual({ unpublished: 0, oldestAgeSeconds: 0 });
    const ds = await db.ready();
    await ds.transaction((m) =>
      outbox.add(
        m,
        ['published', 'a', 'b', 'c'].map((key) => ({ topic: 't', key, payload: { key } })),
      ),
    );
    // The first row was relayed; the oldest waiting one was written two minutes ago.
    await ds.query(`UPDATE outbox SET published_at = now() WHERE message_key = 'published'`);
    await ds.query(`UPDATE outbox SET created_at = now() - interval '120 seconds' WHERE message_key = 'a'`);
    const backlog = await outboxBacklog(db);
    expect(backlog.unpublished).toBe(3);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(120);
    expect(backlog.oldestAgeSeconds).toBeLessThan(130);
    expect((await outboxBacklog(db, 2)).unpublished).toBe(2);
  });

  it('counts the standbys streaming from this server: none on the test server', async () => {
    expect(await postgresReplicas(db)).toBe(0);
  });
});
