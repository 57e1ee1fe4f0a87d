import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three registries of SPEC §4.9 (stations, vehicles, permits) with their history, the permit check
 * of each weighing and violation (§4.2), and the party of a listing as of its creation.
 *
 * - `stations` already held the gate's station keys; it becomes the station registry: a key belongs to a
 *   registered station (a tombstone deletes the station and its key). Existing rows keep their id as
 *   registration (division code from the first 6 digits, no bounds), as `station:add` registers.
 * - `registry_history` keeps every accepted record, a tombstone as a null record, so an owner change
 *   never loses the earlier owner (the change itself is audited too).
 * - `registry_permits.version` comes from one sequence: a permit deleted and issued again still gets a
 *   higher version, so the gate's cache (versioned per permit) never takes an older record back.
 */
export class CreateRegistries1764400000000 implements MigrationInterface {
  name = 'CreateRegistries1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stations
      ADD COLUMN division_code text,
      ADD COLUMN kind text CHECK (kind IN ('TOLL_ENTRY','WEIGH_STATION','MOBILE_UNIT')),
      ADD COLUMN active_from timestamptz,
      ADD COLUMN active_to timestamptz,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`UPDATE stations SET division_code = left(station_id, 6)`);
    await q.query(`ALTER TABLE stations ALTER COLUMN division_code SET NOT NULL`);

    await q.query(`
      CREATE TABLE registry_vehicles (
        vehicle_key         text        PRIMARY KEY,
        plate               text        NOT NULL,
        plate_color         smallint    NOT NULL,
        owner_name          text        NOT NULL,
        owner_type          text        NOT NULL CHECK (owner_type IN ('PERSON','COMPANY')),
        owner_id_no         text        NOT NULL,
        owner_phone         text,
        operator_id         text,
        transport_cert_no   text,
        cert_issued_at      timestamptz,
        registration_region text        NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    // A transport company's fleet (SPEC §4.9 company listings).
    await q.query(
      `CREATE INDEX registry_vehicles_operator_idx ON registry_vehicles (operator_id) WHERE operator_id IS NOT NULL`,
    );

    await q.query(`CREATE SEQUENCE registry_permit_version_seq`);
    await q.query(`
      CREATE TABLE registry_permits (
        permit_no           text        PRIMARY KEY,
        vehicle_key         text        NOT NULL,
        plate               text        NOT NULL,
        plate_color         smallint    NOT NULL,
        valid_from          timestamptz NOT NULL,
        valid_to            timestamptz NOT NULL,
        max_gross_weight_kg integer     NOT NULL,
        axles               smallint,
        station_ids         text[],
        status              text        NOT NULL CHECK (status IN ('ISSUED','REVOKED')),
        version             bigint      NOT NULL DEFAULT nextval('registry_permit_version_seq'),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX registry_permits_vehicle_idx ON registry_permits (vehicle_key)`);

    await q.query(`
      CREATE TABLE registry_history (
        seq             bigserial   PRIMARY KEY,
        registry        text        NOT NULL CHECK (registry IN ('stations','vehicles','permits')),
        record_key      text        NOT NULL,
        record          jsonb,
        source          text        NOT NULL,
        kafka_topic     text,
        kafka_partition integer,
        kafka_offset    bigint,
        recorded_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX registry_history_key_idx ON registry_history (registry, record_key, seq)`);

    // §4.2: why a permitNo did not exempt (UNKNOWN_PERMIT, OTHER_VEHICLE, …); null when none was given
    // or it did exempt. The index finds the weighings a permit record reclassifies.
    await q.query(`ALTER TABLE weighings ADD COLUMN permit_check text`);
    await q.query(`CREATE INDEX weighings_permit_idx ON weighings (permit_no) WHERE permit_no IS NOT NULL`);
    await q.query(`ALTER TABLE violations ADD COLUMN permit_no text, ADD COLUMN permit_check text`);

    // The party of a listing from the vehicle registry as of its creation; null = not registered.
    await q.query(`ALTER TABLE listings ADD COLUMN party jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings DROP COLUMN IF EXISTS party`);
    await q.query(`ALTER TABLE violations DROP COLUMN IF EXISTS permit_no, DROP COLUMN IF EXISTS permit_check`);
    await q.query(`DROP INDEX IF EXISTS weighings_permit_idx`);
    await q.query(`ALTER TABLE weighings DROP COLUMN IF EXISTS permit_check`);
    await q.query(`DROP TABLE IF EXISTS registry_history`);
    await q.query(`DROP TABLE IF EXISTS registry_permits`);
    await q.query(`DROP SEQUENCE IF EXISTS registry_permit_version_seq`);
    await q.query(`DROP TABLE IF EXISTS registry_vehicles`);
    await q.query(`ALTER TABLE stations
      DROP COLUMN IF EXISTS division_code, DROP COLUMN IF EXISTS kind, DROP COLUMN IF EXISTS active_from,
      DROP COLUMN IF EXISTS active_to, DROP COLUMN IF EXISTS updated_at`);
  }
}
