import { Client } from 'pg';
import { AUDIT_GENESIS_HASH, auditHash, auditKeyring } from '@oc/domain';
import { testAuditKeys, testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { DatabaseConnection } from '../database.module';
import { dropDatabase, migrate } from '../database-admin';
import { AuditKeys, AuditLogRepository } from './audit-log.repository';

describe('AuditLogRepository (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_audit_${process.pid}`);
  let db: DatabaseConnection;
  let repo: AuditLogRepository;

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'audit-it', poolSize: 4 }));
    repo = new AuditLogRepository(db, testAuditKeys());
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
    expect(await repo.verify([], undefined, 5)).toMatchObject({ ok: true, entries: 16, unsealedEntries: 0 });
    const rows = await ds.query(`SELECT hmac, hmac_key_id FROM audit_log`);
    expect(rows.every((r: { hmac: string; hmac_key_id: string }) => /^[0-9a-f]{64}$/.test(r.hmac))).toBe(true);
    expect(new Set(rows.map((r: { hmac_key_id: string }) => r.hmac_key_id))).toEqual(
      new Set([testAuditKeys().ring.current.id]),
    );
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
      const result = await repo.verify([], undefined, 4);
      expect(result.ok).toBe(false);
      expect(result.firstBroken).toEqual({
        seq: String(seq),
        code: 'HASH_MISMATCH',
        reason: 'hash does not match the entry content',
      });
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
      expect(await repo.verify([], undefined, 3)).toMatchObject({
        ok: false,
        entries: 3,
        firstBroken: { seq: next, code: 'LINK_BROKEN', reason: 'prevHash does not match the previous entry' },
      });
    } finally {
      await admin.end();
    }
  });
});

/** SPEC §4.7: a chain recomputed without AUDIT_HMAC_KEY does not verify; entries from before the seal do. */
describe('AuditLogRepository seal (real Postgres)', () => {
  const url = testServices().databaseUrlFor(`oc_it_audit_seal_${process.pid}`);
  let db: DatabaseConnection;
  let admin: Client;
  const entry = (i: number) => ({
    at: new Date(Date.UTC(2026, 10, 2, 0, 0, i)),
    actor: 'officer-a',
    action: 'VIOLATION_PROCESSED',
    entityType: 'violation',
    entityId: `v${i}`,
    before: { status: 'OPEN' },
    after: { status: 'PROCESSED', fineYuan: 100 * i },
    reason: null,
  });

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'audit-seal-it', poolSize: 2 }));
    admin = new Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  it('entries written before the seal are a verified prefix; later ones are sealed', async () => {
    // As the release before the seal wrote them: hash chain only, no HMAC.
    let prevHash = AUDIT_GENESIS_HASH;
    for (let i = 1; i <= 3; i++) {
      const e = entry(i);
      const hash = auditHash(prevHash, { ...e, at: e.at.toISOString() });
      await admin.query(
        `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, reason, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [e.at, e.actor, e.action, e.entityType, e.entityId, e.before, e.after, e.reason, prevHash, hash],
      );
      prevHash = hash;
    }
    const repo = new AuditLogRepository(db, testAuditKeys());
    const ds = await db.ready();
    for (let i = 4; i <= 12; i++) await ds.transaction((m) => repo.append(m, [entry(i)]));
    expect(await repo.verify()).toMatchObject({ ok: true, entries: 12, unsealedEntries: 3 });
  });

  it('the head and its slot: one claim per slot, whoever asks', async () => {
    const repo = new AuditLogRepository(db, testAuditKeys());
    const ds = await db.ready();
    const head = await repo.head(ds.manager);
    const [last] = (await admin.query(`SELECT seq, hash, hmac FROM audit_log ORDER BY seq DESC LIMIT 1`)).rows;
    expect(head).toEqual({ seq: String(last.seq), hash: last.hash, hmac: last.hmac });
    const slot = new Date(Date.UTC(2026, 11, 1, 8, 0));
    const claims = await Promise.all(
      [1, 2, 3].map(() => ds.transaction((m) => repo.claimAnchorSlot(m, slot, head, new Date()))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('a chain recomputed with SHA-256 after an edit (triggers disabled, as the owner) names the edited entry', async () => {
    const [{ seq }] = (await admin.query(`SELECT seq FROM audit_log ORDER BY seq OFFSET 6 LIMIT 1`)).rows;
    const rows = (await admin.query(`SELECT * FROM audit_log ORDER BY seq`)).rows;
    await admin.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    try {
      let prevHash = AUDIT_GENESIS_HASH;
      for (const r of rows) {
        const reason = String(r.seq) === String(seq) ? 'rewritten' : r.reason;
        const content = {
          at: (r.at as Date).toISOString(),
          actor: r.actor,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          before: r.before,
          after: r.after,
          reason,
        };
        const hash = auditHash(prevHash, content);
        await admin.query(`UPDATE audit_log SET reason = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [
          r.seq,
          reason,
          prevHash,
          hash,
        ]);
        prevHash = hash;
      }
    } finally {
      await admin.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    }
    expect(await new AuditLogRepository(db, testAuditKeys()).verify()).toMatchObject({
      ok: false,
      entries: 6,
      firstBroken: { seq: String(seq), code: 'HMAC_MISMATCH' },
    });
    // Whoever holds a retired key still verifies what it sealed; a key that sealed nothing here names the first.
    const rotated = new AuditKeys(
      auditKeyring('another-current-key-0123456789abcdef', [testAuditKeys().ring.current.secret]),
    );
    expect((await new AuditLogRepository(db, rotated).verify()).firstBroken).toMatchObject({ seq: String(seq) });
    const stranger = new AuditKeys(auditKeyring('a-key-that-sealed-nothing-0123456789'));
    expect((await new AuditLogRepository(db, stranger).verify()).firstBroken).toMatchObject({
      code: 'HMAC_KEY_UNKNOWN',
    });
  });
});
