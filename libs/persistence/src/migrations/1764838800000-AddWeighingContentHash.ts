import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The content hash of each weighing (SPEC §3; docs/rules.md "Repeated eventIds"): a repeated eventId
 * with the same content is a no-op, with other content it is dead-lettered DUPLICATE_CONFLICT. Every
 * field of the content is a stored column, so the rows already stored get their hash here, computed in
 * SQL exactly as canonicalWeighEventContent computes it in ingest (a test holds the two equal). The
 * column stays nullable: a row written by other means compares field by field. Stored as the 32 bytes
 * of the digest (bytea), half the size of its hex text, on the table ingest writes most.
 */
export class AddWeighingContentHash1764838800000 implements MigrationInterface {
  name = 'AddWeighingContentHash1764838800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE weighings ADD COLUMN content_hash bytea`);
    // One value of the canonical form: its UTF-8 length, a colon and the text; '~' for none.
    await q.query(`
      CREATE FUNCTION pg_temp.content_item(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN value IS NULL THEN '~' ELSE octet_length(value)::text || ':' || value END
      $$`);
    await q.query(`
      UPDATE weighings SET content_hash = sha256(convert_to(
        'weigh-event-content-v1;'
        || pg_temp.content_item(event_id)
        || pg_temp.content_item(source)
        || pg_temp.content_item(station_id)
        || pg_temp.content_item(lane_id)
        || pg_temp.content_item(floor(extract(epoch FROM measured_at) * 1000)::bigint::text)
        || pg_temp.content_item(plate)
        || pg_temp.content_item(plate_color::text)
        || pg_temp.content_item(axles::text)
        || pg_temp.content_item(combination::text)
        || pg_temp.content_item(single_drive_axle::text)
        || pg_temp.content_item(gross_weight_kg::text)
        || pg_temp.content_item(cargo)
        || pg_temp.content_item(permit_no)
        || CASE WHEN evidence IS NULL OR jsonb_typeof(evidence) = 'null' THEN '~~' ELSE
             CASE WHEN jsonb_typeof(evidence -> 'imageUrls') <> 'array' THEN '~' ELSE
               pg_temp.content_item(jsonb_array_length(evidence -> 'imageUrls')::text)
               || coalesce((SELECT string_agg(pg_temp.content_item(u), '' ORDER BY n)
                            FROM jsonb_array_elements_text(evidence -> 'imageUrls') WITH ORDINALITY AS e(u, n)), '')
             END
             || pg_temp.content_item(evidence ->> 'deviceCertNo')
           END,
        'UTF8'))`);
    await q.query(`DROP FUNCTION pg_temp.content_item(text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE weighings DROP COLUMN IF EXISTS content_hash`);
  }
}
