import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's seal (SPEC §4.7, docs/operations.md "Audit key"): each entry's HMAC under
 * AUDIT_HMAC_KEY and the id of the key that made it (the key itself never reaches the database).
 * Entries written before this migration keep NULL: verification accepts unsealed entries only as the
 * prefix of the chain, before the first sealed one. audit_anchor_slots: one row per anchoring slot, so
 * that any number of ingest instances publish one anchor per AUDIT_ANCHOR_INTERVAL_MS; it coordinates,
 * it proves nothing (verification reads the anchors from Kafka, never from here).
 */
export class AddAuditSeal1764921600000 implements MigrationInterface {
  name = 'AddAuditSeal1764921600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN hmac text, ADD COLUMN hmac_key_id text`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_hmac_with_key
        CHECK ((hmac IS NULL) = (hmac_key_id IS NULL))`);
    await q.query(`
      CREATE TABLE audit_anchor_slots (
        slot_start      timestamptz PRIMARY KEY,
        seq             bigint      NOT NULL,
        hash            text        NOT NULL,
        anchored_at     timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_anchor_slots`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_hmac_with_key`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN IF EXISTS hmac_key_id, DROP COLUMN IF EXISTS hmac`);
  }
}
