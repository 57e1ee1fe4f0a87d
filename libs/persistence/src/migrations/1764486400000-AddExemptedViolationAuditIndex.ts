import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A violation that a permit record later exempted is deleted (docs/rules.md, permits); its entries stay
 * in the audit chain, named by the vehicle in `before`. This index lets a vehicle's audit trail find
 * them without scanning the log.
 */
export class AddExemptedViolationAuditIndex1764486400000 implements MigrationInterface {
  name = 'AddExemptedViolationAuditIndex1764486400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS audit_log_exempted_vehicle_idx ON audit_log ((before->>'vehicleKey'))
       WHERE action = 'VIOLATION_EXEMPTED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_log_exempted_vehicle_idx`);
  }
}
