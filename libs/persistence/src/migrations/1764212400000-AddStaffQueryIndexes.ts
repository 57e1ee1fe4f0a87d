import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes of the staff reads (SPEC §6): /stats, the weighings filter and the public postings' owner. */
export class AddStaffQueryIndexes1764212400000 implements MigrationInterface {
  name = 'AddStaffQueryIndexes1764212400000';

  async up(q: QueryRunner): Promise<void> {
    // /stats casesProcessed, finesYuan: processed_at in [from, to).
    await q.query(
      `CREATE INDEX IF NOT EXISTS violations_processed_idx ON violations (processed_at) WHERE status = 'PROCESSED'`,
    );
    // /stats watch: the first violation of each counted trip in the counting window.
    await q.query(
      `CREATE INDEX IF NOT EXISTS violations_trip_first_idx ON violations (measured_at, vehicle_key)
       WHERE trip_id = id AND status <> 'REVOKED'`,
    );
    // /stats repaired, expired, revoked: ended_at in [from, to).
    await q.query(`CREATE INDEX IF NOT EXISTS listings_ended_idx ON listings (ended_at) WHERE ended_at IS NOT NULL`);
    // /stats warnings and GET /weighings?classification=.
    await q.query(
      `CREATE INDEX IF NOT EXISTS weighings_classification_measured_idx ON weighings (classification, measured_at)`,
    );
    // Public postings: the latest repair request of a vehicle's listings.
    await q.query(`CREATE INDEX IF NOT EXISTS credit_repairs_listing_idx ON credit_repairs (listing_id, submitted_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'credit_repairs_listing_idx',
      'weighings_classification_measured_idx',
      'listings_ended_idx',
      'violations_trip_first_idx',
      'violations_processed_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
  }
}
