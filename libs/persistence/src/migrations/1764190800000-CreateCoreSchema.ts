import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core schema: weighings as received, violations derived from them, listings (违法失信清单),
 * the per-vehicle state the gate cache mirrors, the append-only audit chain (执法全过程记录) and the
 * transactional outbox. Every query on the ingest and gate hot paths has an index here.
 */
export class CreateCoreSchema1764190800000 implements MigrationInterface {
  name = 'CreateCoreSchema1764190800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE weighings (
        id              bigserial PRIMARY KEY,
        event_id        text        NOT NULL UNIQUE,
        source          text        NOT NULL,
        station_id      text        NOT NULL,
        lane_id         text,
        measured_at     timestamptz NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        plate           text        NOT NULL,
        plate_color     smallint    NOT NULL,
        vehicle_key     text        NOT NULL,
        axles           smallint    NOT NULL,
        combination     boolean     NOT NULL,
        single_drive_axle boolean   NOT NULL DEFAULT false,
        gross_weight_kg integer     NOT NULL,
        cargo           text        NOT NULL,
        permit_no       text,
        evidence        jsonb,
        classification  text        NOT NULL,
        limit_kg        integer     NOT NULL,
        over_kg         integer     NOT NULL,
        suggested_fine_yuan integer,
        kafka_topic     text,
        kafka_partition integer,
        kafka_offset    bigint
      )`);
    await q.query(`CREATE INDEX weighings_vehicle_measured_idx ON weighings (vehicle_key, measured_at)`);
    await q.query(`CREATE INDEX weighings_measured_idx ON weighings (measured_at)`);
    await q.query(`CREATE INDEX weighings_station_measured_idx ON weighings (station_id, measured_at)`);

    await q.query(`
      CREATE TABLE listings (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        vehicle_key     text        NOT NULL,
        plate           text        NOT NULL,
        plate_color     smallint    NOT NULL,
        status          text        NOT NULL CHECK (status IN ('LISTED','PUBLISHED','REPAIRED','EXPIRED','REVOKED')),
        listed_at       timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        violation_count integer     NOT NULL,
        proposal        jsonb,
        published_at    timestamptz,
        ended_at        timestamptz,
        end_reason      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one active listing per vehicle: the gate and the cache rely on it.
    await q.query(
      `CREATE UNIQUE INDEX listings_one_active_per_vehicle ON listings (vehicle_key) WHERE status IN ('LISTED','PUBLISHED')`,
    );
    await q.query(`CREATE INDEX listings_vehicle_idx ON listings (vehicle_key, listed_at)`);
    await q.query(`CREATE INDEX listings_status_listed_idx ON listings (status, listed_at)`);
    await q.query(
      `CREATE INDEX listings_active_expiry_idx ON listings (expires_at) WHERE status IN ('LISTED','PUBLISHED')`,
    );

    await q.query(`
      CREATE TABLE violations (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        weighing_id     bigint      NOT NULL UNIQUE REFERENCES weighings(id),
        event_id        text        NOT NULL UNIQUE,
        vehicle_key     text        NOT NULL,
        station_id      text        NOT NULL,
        measured_at     timestamptz NOT NULL,
        axles           smallint    NOT NULL,
        gross_weight_kg integer     NOT NULL,
        limit_kg        integer     NOT NULL,
        over_kg         integer     NOT NULL,
        suggested_fine_yuan integer NOT NULL,
        trip_id         uuid,
        listing_id      uuid        REFERENCES listings(id),
        status          text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','PROCESSED','REVOKED')),
        case_no         text,
        fine_yuan       integer,
        processed_at    timestamptz,
        revoked_reason  text,
        revoked_at      timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX violations_vehicle_measured_idx ON violations (vehicle_key, measured_at)`);
    await q.query(`CREATE INDEX violations_listing_idx ON violations (listing_id)`);
    await q.query(`CREATE INDEX violations_status_measured_idx ON violations (status, measured_at)`);

    await q.query(`
      CREATE TABLE vehicle_states (
        vehicle_key     text        PRIMARY KEY,
        plate           text        NOT NULL,
        plate_color     smallint    NOT NULL,
        state           text        NOT NULL CHECK (state IN ('CLEAR','WATCH','LISTED','PUBLISHED')),
        count_in_window integer     NOT NULL,
        active_listing_id uuid      REFERENCES listings(id),
        version         bigint      NOT NULL DEFAULT 1,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX vehicle_states_state_idx ON vehicle_states (state)`);

    await q.query(`
      CREATE TABLE audit_log (
        seq             bigserial   PRIMARY KEY,
        at              timestamptz NOT NULL,
        actor           text        NOT NULL,
        action          text        NOT NULL,
        entity_type     text        NOT NULL,
        entity_id       text        NOT NULL,
        before          jsonb,
        after           jsonb,
        reason          text,
        prev_hash       text        NOT NULL,
        hash            text        NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, seq)`);
    // 执法全过程记录: the log is append-only; the database itself refuses to rewrite history.
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);

    await q.query(`
      CREATE TABLE outbox (
        id              bigserial   PRIMARY KEY,
        topic           text,
        message_key     text        NOT NULL,
        payload         jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        published_at    timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE stations (
        station_id      text        PRIMARY KEY,
        name            text,
        key_hash        text        UNIQUE,
        created_at      timestamptz NOT NULL DEFAULT now(),
        revoked_at      timestamptz
      )`);

    await q.query(`
      CREATE TABLE turn_backs (
        decision_id     text        PRIMARY KEY,
        station_id      text        NOT NULL,
        lane_id         text,
        plate           text        NOT NULL,
        plate_color     smallint    NOT NULL,
        vehicle_key     text        NOT NULL,
        reasons         text[]      NOT NULL,
        at              timestamptz NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX turn_backs_at_idx ON turn_backs (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'turn_backs',
      'stations',
      'outbox',
      'audit_log',
      'vehicle_states',
      'violations',
      'listings',
      'weighings',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_log_refuse_change()`);
  }
}
