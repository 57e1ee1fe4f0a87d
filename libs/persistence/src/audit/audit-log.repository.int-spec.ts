import { Client } from 'pg';
import { testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { DatabaseConnection } from '../database.module';
import { dropDatabase, migrate } from '../database-admin';
import { AuditLogRepository } from './audit-log.repository';

describe('AuditLogRepository (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_audit_${process.pid}`);
  let db: DatabaseConnection;
  let repo: AuditLogRepository;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'audit-it', poolSize: 4 }));
    repo = new AuditLogRepository(db);
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const entry = (i: number) => ({
    at: new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
    actor: i % 2 ? 'system' : 'officer-a',
    action: 'LISTING_CREATED',
    entityType: 'listing',
    entityId: `l${i}`,
    before: null,
    after: { status: 'LISTED', violationCount: i, 中文: '浙E12345' },
    reason: i % 3 ? null : 'threshold',
  });

  it('chains entries appended by concurrent transactions and verifies them', async () => {
    const ds = await db.ready();
    await Promise.all(
      Array.from({ length: 8 }, (_, t) => ds.transaction((m) => repo.append(m, [entry(t * 2), entry(t * 2 + 1)]))),
    );
    expect(await repo.verify(5)).toEqual({ ok: true, entries: 16 });
    const ds2 = await db.ready();
    const [row] = await ds2.query(`SELECT after FROM audit_log WHERE entity_id = 'l3'`);
    expect(row.after).toEqual(entry(3).after); // jsonb keeps the entry as hashed
  });

  it('names the first entry changed behind the application’s back', async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const [{ seq }] = (await admin.query(`SELECT seq FROM audit_log ORDER BY seq OFFSET 5 LIMIT 1`)).rows;
      await admin.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await admin.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = $1`, [seq]);
      await admin.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      const result = await repo.verify(4);
      expect(result.ok).toBe(false);
      expect(result.firstBroken).toEqual({ seq: String(seq), reason: 'hash does not match the entry content' });
    } finally {
      await admin.end();
    }
  });

  // A deleted entry leaves every remaining entry intact: only the link breaks, so the verification must
  // name the entry after the gap by its prevHash (docs/operations.md: it names the first altered entry).
  it('names the entry after one deleted behind the application’s back', async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      // The fourth and fifth entries: the gap falls on a page boundary of verify(3), so the link is
      // also checked across pages. The entry changed by the previous test (the sixth) comes later.
      const rows = (await admin.query(`SELECT seq FROM audit_log ORDER BY seq OFFSET 3 LIMIT 2`)).rows as {
        seq: string;
      }[];
      const [deleted, next] = rows.map((r) => String(r.seq));
      await admin.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await admin.query(`DELETE FROM audit_log WHERE seq = $1`, [deleted]);
      await admin.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      expect(await admin.query(`SELECT 1 FROM audit_log WHERE seq = $1`, [deleted])).toMatchObject({ rowCount: 0 });
      expect(await repo.verify(3)).toEqual({
        ok: false,
        entries: 3,
        firstBroken: { seq: next, reason: 'prevHash does not match the previous entry' },
      });
    } finally {
      await admin.end();
    }
  });
});
