import { Client } from 'pg';
import { createDataSource } from './data-source';
import { dropDatabase, ensureDatabase, migrate } from './database-admin';
import { DEFAULT_DATABASE_ROLES } from './database-roles';
import { testServices } from '../../../test/harness/services';

describe('migrate (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_migrate_${process.pid}`);
  afterAll(() => dropDatabase(url));

  it('creates the database, applies every migration once, and keeps the audit log append-only', async () => {
    const first = await migrate(url);
    expect(first).toContain('CreateCoreSchema1764190800000');
    expect(await migrate(url)).toEqual([]);

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, prev_hash, hash)
         VALUES (now(), 'system', 'TEST', 'test', '1', '', 'h1')`,
      );
      await expect(client.query(`UPDATE audit_log SET actor = 'x'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});

describe('migrate on a database migrated before the roles existed (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_migrate_takeover_${process.pid}`);
  afterAll(() => dropDatabase(url));

  it('hands every object to the owner role and grants the app role, audit_log append-only', async () => {
    await ensureDatabase(url);
    // As the releases before the roles did: every migration run by the administrator, who owns it all.
    const before = createDataSource({ databaseUrl: url, applicationName: 'old-migrate', poolSize: 1 });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.destroy();

    expect(await migrate(url)).toEqual([]);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')
         UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'public'::regnamespace`,
      );
      expect(rows).toEqual([{ owner: DEFAULT_DATABASE_ROLES.owner }]);
    } finally {
      await admin.end();
    }
    const appUrl = new URL(url);
    appUrl.username = DEFAULT_DATABASE_ROLES.app;
    const app = new Client({ connectionString: appUrl.toString() });
    await app.connect();
    try {
      await app.query(
        `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, prev_hash, hash)
         VALUES (now(), 'system', 'TEST', 'test', '1', '', 'h1')`,
      );
      await expect(app.query(`UPDATE audit_log SET actor = 'x'`)).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`ALTER TABLE audit_log DISABLE TRIGGER ALL`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
  });
});
