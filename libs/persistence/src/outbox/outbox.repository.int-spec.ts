import { testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { dropDatabase, migrate } from '../database-admin';
import { DatabaseConnection } from '../database.module';
import { OutboxRepository } from './outbox.repository';

describe('OutboxRepository.prunePublished (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_outbox_${process.pid}`);
  let db: DatabaseConnection;
  const outbox = new OutboxRepository();

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'outbox-it', poolSize: 2 }));
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  // Issue 14: published rows were kept for ever, so the table grew with every listing step.
  it('deletes the rows published longer ago than the retention, and only those', async () => {
    const ds = await db.ready();
    await ds.transaction((m) =>
      outbox.add(
        m,
        ['old-1', 'old-2', 'recent', 'pending'].map((key) => ({ topic: 't', key, payload: { key } })),
      ),
    );
    await ds.query(
      `UPDATE outbox SET published_at = CASE message_key
         WHEN 'recent' THEN now() - interval '1 hour' ELSE now() - interval '25 hours' END
       WHERE message_key <> 'pending'`,
    );
    expect(await outbox.prunePublished(ds.manager, 24, 1)).toBe(1);
    expect(await outbox.prunePublished(ds.manager, 24)).toBe(1);
    expect(await outbox.prunePublished(ds.manager, 24)).toBe(0);
    const left = (await ds.query(`SELECT message_key FROM outbox ORDER BY id`)) as { message_key: string }[];
    expect(left.map((r) => r.message_key)).toEqual(['recent', 'pending']);
  });
});
