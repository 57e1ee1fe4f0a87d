import { MigrationInterface, QueryRunner } from 'typeorm';
import { LISTING_STATUSES, OPEN_LISTING_STATUSES, POSTING_END_REASONS, POSTING_STATUSES } from '@oc/domain';

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(',');

/**
 * Company listings (SPEC §4.9, docs/rules.md "Company listings"): a transport company with more than
 * COMPANY_LISTING_PERCENT of its registered fleet listed becomes a candidate with the due process of a
 * vehicle listing. Its own table (it turns no truck back, so the gate, the cache and the vehicle stats
 * never see it); its notices and objections are rows of the same tables as a vehicle's, naming the
 * company listing instead of a vehicle listing. company_credit_queue: operators whose facts changed
 * (a vehicle listing's effect or end, a registration), drained by the scheduler.
 */
export class AddCompanyListings1764748800000 implements MigrationInterface {
  name = 'AddCompanyListings1764748800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE company_listings (
        id                  uuid        PRIMARY KEY,
        operator_id         text        NOT NULL,
        party               jsonb       NOT NULL,
        status              text        NOT NULL CHECK (status IN (${list(LISTING_STATUSES)})),
        listed_at           timestamptz NOT NULL,
        effective_at        timestamptz,
        expires_at          timestamptz,
        ended_at            timestamptz,
        end_reason          text,
        vehicle_count       integer     NOT NULL,
        fleet_size          integer     NOT NULL,
        vehicle_listing_ids uuid[]      NOT NULL DEFAULT '{}',
        proposal            jsonb,
        published_at        timestamptz,
        publication_ends_at timestamptz,
        posting_status      text        CHECK (posting_status IN (${list(POSTING_STATUSES)})),
        posting_withdrawn_at timestamptz,
        posting_reason      text        CHECK (posting_reason IN (${list(POSTING_END_REASONS)})),
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX company_listings_one_open ON company_listings (operator_id) WHERE status IN (${list(OPEN_LISTING_STATUSES)})`,
    );
    await q.query(`CREATE INDEX company_listings_operator_idx ON company_listings (operator_id)`);
    await q.query(
      `CREATE INDEX company_listings_due_idx ON company_listings (status) WHERE status IN (${list(OPEN_LISTING_STATUSES)}) OR posting_status IN ('POSTED','WITHDRAWN')`,
    );
    await q.query(
      `CREATE TABLE company_credit_queue (operator_id text PRIMARY KEY, queued_at timestamptz NOT NULL DEFAULT now())`,
    );

    await q.query(`ALTER TABLE notices
      ALTER COLUMN listing_id DROP NOT NULL,
      ALTER COLUMN vehicle_key DROP NOT NULL,
      ADD COLUMN company_listing_id uuid UNIQUE REFERENCES company_listings(id),
      ADD COLUMN operator_id text,
      ADD CONSTRAINT notices_one_subject CHECK (
        (listing_id IS NOT NULL AND vehicle_key IS NOT NULL AND company_listing_id IS NULL)
        OR (company_listing_id IS NOT NULL AND operator_id IS NOT NULL AND listing_id IS NULL))`);
    await q.query(`ALTER TABLE objections
      ALTER COLUMN vehicle_key DROP NOT NULL,
      ADD COLUMN company_listing_id uuid REFERENCES company_listings(id),
      ADD COLUMN operator_id text,
      ADD CONSTRAINT objections_one_subject CHECK (
        (vehicle_key IS NOT NULL AND company_listing_id IS NULL)
        OR (company_listing_id IS NOT NULL AND operator_id IS NOT NULL AND vehicle_key IS NULL))`);
    await q.query(`CREATE INDEX objections_company_idx ON objections (operator_id) WHERE operator_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM objections WHERE company_listing_id IS NOT NULL`);
    await q.query(`DELETE FROM notices WHERE company_listing_id IS NOT NULL`);
    await q.query(`ALTER TABLE objections DROP CONSTRAINT objections_one_subject,
      DROP COLUMN company_listing_id, DROP COLUMN operator_id, ALTER COLUMN vehicle_key SET NOT NULL`);
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_one_subject,
      DROP COLUMN company_listing_id, DROP COLUMN operator_id,
      ALTER COLUMN listing_id SET NOT NULL, ALTER COLUMN vehicle_key SET NOT NULL`);
    await q.query(`DROP TABLE company_credit_queue`);
    await q.query(`DROP TABLE company_listings`);
  }
}
