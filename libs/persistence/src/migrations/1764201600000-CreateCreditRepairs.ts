import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit repair requests (信用修复, SPEC §4.5) and what publication needs on listings: who proposed
 * it, the review, and until when the posting stays up.
 */
export class CreateCreditRepairs1764201600000 implements MigrationInterface {
  name = 'CreateCreditRepairs1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credit_repairs (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        listing_id      uuid        NOT NULL REFERENCES listings(id),
        status          text        NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
        applicant_name  text        NOT NULL,
        applicant_type  text        NOT NULL CHECK (applicant_type IN ('PERSON','COMPANY')),
        applicant_contact text      NOT NULL,
        commitment      boolean     NOT NULL,
        rectification   text        NOT NULL,
        attachments     text[]      NOT NULL DEFAULT '{}',
        submitted_by    text        NOT NULL,
        submitted_at    timestamptz NOT NULL,
        reviewed_by     text,
        reviewed_at     timestamptz,
        opinion         text
      )`);
    await q.query(`CREATE INDEX credit_repairs_status_idx ON credit_repairs (status, submitted_at)`);
    // One open request per listing at a time.
    await q.query(
      `CREATE UNIQUE INDEX credit_repairs_one_pending ON credit_repairs (listing_id) WHERE status = 'PENDING'`,
    );
    await q.query(`ALTER TABLE listings ADD COLUMN publication_ends_at timestamptz`);
    await q.query(`CREATE INDEX listings_published_idx ON listings (published_at) WHERE status = 'PUBLISHED'`);
    await q.query(`CREATE INDEX listings_plate_idx ON listings (plate)`);
    await q.query(`CREATE INDEX violations_station_measured_idx ON violations (station_id, measured_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS violations_station_measured_idx`);
    await q.query(`DROP INDEX IF EXISTS listings_plate_idx`);
    await q.query(`DROP INDEX IF EXISTS listings_published_idx`);
    await q.query(`ALTER TABLE listings DROP COLUMN IF EXISTS publication_ends_at`);
    await q.query(`DROP TABLE IF EXISTS credit_repairs`);
  }
}
