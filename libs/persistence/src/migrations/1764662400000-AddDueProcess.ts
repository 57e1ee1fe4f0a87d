import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  LISTING_STATUSES,
  NOTICE_SERVICE_METHODS,
  NOTICE_STATUSES,
  OBJECTION_CHANNELS,
  OBJECTION_STATUSES,
  OBJECTION_TARGET_TYPES,
  OPEN_LISTING_STATUSES,
  POSTING_END_REASONS,
  POSTING_STATUSES,
  REVIEW_STATUSES,
  VEHICLE_CREDIT_STATES,
} from '@oc/domain';

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(',');

/**
 * Due process (docs/rules.md, "Listing lifecycle"): a listing is PENDING until its notice period ends
 * (effective_at), a posting has its own life (posting_status, until publication_ends_at), and the
 * notices (告知书, numbered per year), objections (异议) and two-person revocations are tables of their own.
 *
 * Carried over: every existing listing took effect when it was created (the earlier versions had no
 * notice period), so effective_at = listed_at and its expiry stays (publication is due, as every
 * deadline, counted from effective_at when it is read). Postings: PUBLISHED ones are POSTED; a posting of a listing that has
 * ended came down with it in those versions (REPAIRED, REVOKED, or LISTING_EXPIRED: they behaved as
 * POSTING_ENDS_WITH_LISTING=true). Those listings have no notice: they predate it.
 */
export class AddDueProcess1764662400000 implements MigrationInterface {
  name = 'AddDueProcess1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings DROP CONSTRAINT IF EXISTS listings_status_check`);
    await q.query(
      `ALTER TABLE listings ADD CONSTRAINT listings_status_check CHECK (status IN (${list(LISTING_STATUSES)}))`,
    );
    await q.query(`ALTER TABLE listings
      ADD COLUMN effective_at timestamptz,
      ADD COLUMN posting_status text CHECK (posting_status IN (${list(POSTING_STATUSES)})),
      ADD COLUMN posting_withdrawn_at timestamptz,
      ADD COLUMN posting_reason text CHECK (posting_reason IN (${list(POSTING_END_REASONS)})),
      ALTER COLUMN expires_at DROP NOT NULL`);
    await q.query(`UPDATE listings SET effective_at = listed_at`);
    await q.query(`UPDATE listings SET posting_status = 'POSTED' WHERE status = 'PUBLISHED'`);
    await q.query(`
      UPDATE listings SET posting_status = 'WITHDRAWN', posting_withdrawn_at = ended_at,
        posting_reason = CASE status WHEN 'REPAIRED' THEN 'REPAIRED' WHEN 'REVOKED' THEN 'REVOKED' ELSE 'LISTING_EXPIRED' END
      WHERE published_at IS NOT NULL AND status IN ('REPAIRED','EXPIRED','REVOKED')`);

    // One open listing (pending or in effect) per vehicle: the gate and the cache rely on it.
    await q.query(`DROP INDEX IF EXISTS listings_one_active_per_vehicle`);
    await q.query(
      `CREATE UNIQUE INDEX listings_one_open_per_vehicle ON listings (vehicle_key) WHERE status IN (${list(OPEN_LISTING_STATUSES)})`,
    );
    await q.query(`CREATE INDEX listings_pending_idx ON listings (vehicle_key) WHERE status = 'PENDING'`);
    await q.query(
      `CREATE INDEX listings_posting_until_idx ON listings (publication_ends_at) WHERE posting_status IN ('POSTED','WITHDRAWN')`,
    );
    await q.query(
      `CREATE INDEX listings_unpublished_idx ON listings (effective_at) WHERE status = 'LISTED' AND published_at IS NULL`,
    );

    await q.query(`ALTER TABLE vehicle_states DROP CONSTRAINT IF EXISTS vehicle_states_state_check`);
    await q.query(
      `ALTER TABLE vehicle_states ADD CONSTRAINT vehicle_states_state_check CHECK (state IN (${list(VEHICLE_CREDIT_STATES)}))`,
    );

    // 告知书 numbers run per year without gaps: one counter row per year, taken under its row lock.
    await q.query(`CREATE TABLE notice_numbers (year integer PRIMARY KEY, last integer NOT NULL)`);
    await q.query(`
      CREATE TABLE notices (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        notice_no       text        NOT NULL UNIQUE,
        year            integer     NOT NULL,
        seq             integer     NOT NULL,
        listing_id      uuid        NOT NULL UNIQUE REFERENCES listings(id),
        vehicle_key     text        NOT NULL,
        party           jsonb,
        document        jsonb       NOT NULL,
        status          text        NOT NULL CHECK (status IN (${list(NOTICE_STATUSES)})),
        issued_at       timestamptz NOT NULL,
        served_at       timestamptz,
        service_method  text        CHECK (service_method IN (${list(NOTICE_SERVICE_METHODS)})),
        service_recorded_by text,
        receipt_id      text        UNIQUE,
        period_ends_at  timestamptz,
        calendar_missing boolean    NOT NULL DEFAULT false,
        UNIQUE (year, seq)
      )`);
    await q.query(`CREATE INDEX notices_status_idx ON notices (status, issued_at)`);
    await q.query(`CREATE INDEX notices_period_end_idx ON notices (period_ends_at) WHERE status = 'SERVED'`);

    await q.query(`
      CREATE TABLE objections (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        target_type     text        NOT NULL CHECK (target_type IN (${list(OBJECTION_TARGET_TYPES)})),
        target_id       text        NOT NULL,
        listing_id      uuid        REFERENCES listings(id),
        vehicle_key     text        NOT NULL,
        violation_ids   uuid[]      NOT NULL DEFAULT '{}',
        grounds         text        NOT NULL,
        channel         text        NOT NULL CHECK (channel IN (${list(OBJECTION_CHANNELS)})),
        attachments     text[]      NOT NULL DEFAULT '{}',
        received_at     timestamptz NOT NULL,
        handler         text        NOT NULL,
        recorded_at     timestamptz NOT NULL,
        due_by          timestamptz,
        calendar_missing boolean    NOT NULL DEFAULT false,
        status          text        NOT NULL CHECK (status IN (${list(OBJECTION_STATUSES)})),
        decided_by      text,
        decided_at      timestamptz,
        reply           text
      )`);
    await q.query(`CREATE INDEX objections_status_due_idx ON objections (status, due_by)`);
    await q.query(`CREATE INDEX objections_vehicle_idx ON objections (vehicle_key)`);

    await q.query(`
      CREATE TABLE violation_revocations (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        violation_id    uuid        NOT NULL REFERENCES violations(id),
        vehicle_key     text        NOT NULL,
        reason          text        NOT NULL,
        with_case       boolean     NOT NULL DEFAULT false,
        status          text        NOT NULL CHECK (status IN (${list(REVIEW_STATUSES)})),
        proposed_by     text        NOT NULL,
        proposed_at     timestamptz NOT NULL,
        reviewed_by     text,
        reviewed_at     timestamptz,
        opinion         text
      )`);
    await q.query(
      `CREATE UNIQUE INDEX violation_revocations_one_pending ON violation_revocations (violation_id) WHERE status = 'PENDING'`,
    );
    await q.query(`CREATE INDEX violation_revocations_status_idx ON violation_revocations (status, proposed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['violation_revocations', 'objections', 'notices', 'notice_numbers']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    for (const index of [
      'listings_unpublished_idx',
      'listings_posting_until_idx',
      'listings_pending_idx',
      'listings_one_open_per_vehicle',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(
      `CREATE UNIQUE INDEX listings_one_active_per_vehicle ON listings (vehicle_key) WHERE status IN ('LISTED','PUBLISHED')`,
    );
    await q.query(`ALTER TABLE listings
      DROP COLUMN effective_at, DROP COLUMN posting_status,
      DROP COLUMN posting_withdrawn_at, DROP COLUMN posting_reason`);
  }
}
