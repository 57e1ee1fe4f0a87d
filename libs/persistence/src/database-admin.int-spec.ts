import { Client } from 'pg';
import { dropDatabase, migrate } from './database-admin';
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
