import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { admitRepeatedEvents } from '@oc/domain';
import {
  weighEventContentDifferences,
  weighEventContentHash,
  type WeighEventContent,
  type WeighEventEvidence,
} from '@oc/contracts';

/** A validated, classified weighing ready to store (one Kafka message). */
export interface NewWeighing extends WeighEventContent {
  eventId: string;
  source: string;
  stationId: string;
  laneId: string | null;
  measuredAt: Date;
  plate: string;
  plateColor: number;
  vehicleKey: string;
  axles: number;
  combination: boolean;
  singleDriveAxle: boolean;
  grossWeightKg: number;
  cargo: string;
  permitNo: string | null;
  evidence: WeighEventEvidence | null;
  classification: string;
  limitKg: number;
  overKg: number;
  suggestedFineYuan: number | null;
  /** Why the permitNo did not exempt this VIOLATION (SPEC §4.2); null otherwise. */
  permitCheck: string | null;
  kafkaTopic: string;
  kafkaPartition: number;
  kafkaOffset: string;
}

export interface InsertedViolation {
  id: string;
  eventId: string;
  vehicleKey: string;
  stationId: string;
  measuredAt: Date;
  overKg: number;
  suggestedFineYuan: number;
}

/**
 * A weighing not stored because its eventId is stored already (or earlier in the same batch) with other
 * content (SPEC §3: dead-lettered DUPLICATE_CONFLICT, the stored one stays).
 */
export interface DuplicateConflict {
  /** Index into the rows given to storeBatch. */
  index: number;
  eventId: string;
  /** The content fields that differ from the stored event's (WEIGH_EVENT_CONTENT_FIELDS). */
  differences: string[];
  /** Where the stored event came from. */
  storedFrom: { topic: string | null; partition: number | null; offset: string | null };
}

export interface StoredWeighings {
  /** The violations created now. */
  violations: InsertedViolation[];
  conflicts: DuplicateConflict[];
}

interface StoredContent {
  hash: string | null;
  content: WeighEventContent;
  from: DuplicateConflict['storedFrom'];
}

/** Equal hashes; where a row has none (written before the column existed), field by field. */
const sameContent = (a: StoredContent, b: StoredContent): boolean =>
  a.hash !== null && b.hash !== null
    ? a.hash === b.hash
    : weighEventContentDifferences(a.content, b.content).length === 0;

@Injectable()
export class WeighingRepository {
  /**
   * Stores weighings idempotently and creates a violation for each new VIOLATION, in one multi-row
   * statement. A repeated eventId (SPEC §3) is compared by its content hash (weigh-event-content.ts) with
   * the stored event, or with the first of the batch when the batch repeats it: the same content is a
   * no-op, other content a DuplicateConflict (the stored one stays). Rows are taken in the order given
   * (offset order), so the first to arrive is the one stored. The stored contents are read — a second
   * statement — only when the insert skipped an eventId, which a batch without repeats never does.
   */
  async storeBatch(manager: EntityManager, rows: NewWeighing[]): Promise<StoredWeighings> {
    if (rows.length === 0) return { violations: [], conflicts: [] };
    const hashes = rows.map(weighEventContentHash);
    const firstOf = new Map<string, number>();
    rows.forEach((r, i) => {
      if (!firstOf.has(r.eventId)) firstOf.set(r.eventId, i);
    });
    const firsts = [...firstOf.values()];
    const unique = firsts.length === rows.length ? rows : firsts.map((i) => rows[i]!);
    const uniqueHashes = firsts.length === rows.length ? hashes : firsts.map((i) => hashes[i]!);
    const col = <T>(pick: (w: NewWeighing) => T): T[] => unique.map(pick);
    const result = (await manager.query(
      `WITH input AS (
         SELECT * FROM unnest(
           $1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::smallint[], $8::text[],
           $9::smallint[], $10::boolean[], $11::boolean[], $12::integer[], $13::text[], $14::text[], $15::jsonb[],
           $16::text[], $17::integer[], $18::integer[], $19::integer[], $20::text[], $21::integer[], $22::bigint[], $23::text[],
           $24::bytea[])
         AS t(event_id, source, station_id, lane_id, measured_at, plate, plate_color, vehicle_key, axles, combination,
              single_drive_axle, gross_weight_kg, cargo, permit_no, evidence, classification, limit_kg, over_kg,
              suggested_fine_yuan, kafka_topic, kafka_partition, kafka_offset, permit_check, content_hash)
       ), stored AS (
         INSERT INTO weighings (event_id, source, station_id, lane_id, measured_at, plate, plate_color, vehicle_key, axles,
           combination, single_drive_axle, gross_weight_kg, cargo, permit_no, evidence, classification, limit_kg, over_kg,
           suggested_fine_yuan, kafka_topic, kafka_partition, kafka_offset, permit_check, content_hash)
         SELECT * FROM input ORDER BY event_id
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg, over_kg,
                   suggested_fine_yuan, classification, permit_no, permit_check
       ), created AS (
         INSERT INTO violations (weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg,
                                 limit_kg, over_kg, suggested_fine_yuan, permit_no, permit_check)
         SELECT id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg, over_kg,
                suggested_fine_yuan, permit_no, permit_check
         FROM stored WHERE classification = 'VIOLATION'
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id, event_id, vehicle_key, station_id, measured_at, over_kg, suggested_fine_yuan
       )
       SELECT false AS skipped, id, event_id, vehicle_key, station_id, measured_at, over_kg, suggested_fine_yuan
       FROM created
       UNION ALL
       SELECT true, NULL, i.event_id, NULL, NULL, NULL, NULL, NULL
       FROM input i WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.event_id = i.event_id)`,
      [
        col((w) => w.eventId),
        col((w) => w.source),
        col((w) => w.stationId),
        col((w) => w.laneId),
        col((w) => w.measuredAt.toISOString()),
        col((w) => w.plate),
        col((w) => w.plateColor),
        col((w) => w.vehicleKey),
        col((w) => w.axles),
        col((w) => w.combination),
        col((w) => w.singleDriveAxle),
        col((w) => w.grossWeightKg),
        col((w) => w.cargo),
        col((w) => w.permitNo),
        col((w) => (w.evidence == null ? null : JSON.stringify(w.evidence))),
        col((w) => w.classification),
        col((w) => w.limitKg),
        col((w) => w.overKg),
        col((w) => w.suggestedFineYuan),
        col((w) => w.kafkaTopic),
        col((w) => w.kafkaPartition),
        col((w) => w.kafkaOffset),
        col((w) => w.permitCheck),
        uniqueHashes.map((h) => `\\x${h}`),
      ],
    )) as {
      skipped: boolean;
      id: string;
      event_id: string;
      vehicle_key: string;
      station_id: string;
      measured_at: Date;
      over_kg: number;
      suggested_fine_yuan: number;
    }[];
    const violations: InsertedViolation[] = [];
    const skipped = new Set<string>();
    for (const r of result) {
      if (r.skipped) skipped.add(r.event_id);
      else
        violations.push({
          id: r.id,
          eventId: r.event_id,
          vehicleKey: r.vehicle_key,
          stationId: r.station_id,
          measuredAt: r.measured_at,
          overKg: r.over_kg,
          suggestedFineYuan: r.suggested_fine_yuan,
        });
    }
    if (skipped.size === 0 && firsts.length === rows.length) return { violations, conflicts: [] };

    // A new statement, hence a new snapshot: it sees a row that a concurrent batch (another partition,
    // another instance) committed while the insert above waited for it.
    const stored =
      skipped.size > 0 ? await this.storedContents(manager, [...skipped]) : new Map<string, StoredContent>();
    for (const id of skipped) {
      // Weighings are never deleted; a skipped eventId without a row is a race to retry, not content.
      if (!stored.has(id)) throw new Error(`weighing ${id} was skipped as stored but is not there`);
    }
    const arrivals: StoredContent[] = rows.map((row, i) => ({
      hash: hashes[i]!,
      content: row,
      from: { topic: row.kafkaTopic, partition: row.kafkaPartition, offset: row.kafkaOffset },
    }));
    const conflicts: DuplicateConflict[] = [];
    admitRepeatedEvents(arrivals, stored, (a) => a.content.eventId, sameContent).forEach((admission, i) => {
      if (admission.kind !== 'CONFLICT') return;
      const differences = weighEventContentDifferences(admission.with.content, rows[i]!);
      conflicts.push({
        index: i,
        eventId: rows[i]!.eventId,
        differences: differences.length > 0 ? differences : ['(content)'],
        storedFrom: admission.with.from,
      });
    });
    return { violations, conflicts };
  }

  /** The stored content of these eventIds, for the comparison of a repeat. */
  private async storedContents(manager: EntityManager, eventIds: string[]): Promise<Map<string, StoredContent>> {
    const rows = (await manager.query(
      `SELECT event_id, content_hash, source, station_id, lane_id, measured_at, plate, plate_color, axles, combination,
              single_drive_axle, gross_weight_kg, cargo, permit_no, evidence, kafka_topic, kafka_partition, kafka_offset
       FROM weighings WHERE event_id = ANY($1::text[])`,
      [eventIds],
    )) as {
      event_id: string;
      content_hash: Buffer | null;
      source: string;
      station_id: string;
      lane_id: string | null;
      measured_at: Date;
      plate: string;
      plate_color: number;
      axles: number;
      combination: boolean;
      single_drive_axle: boolean;
      gross_weight_kg: number;
      cargo: string;
      permit_no: string | null;
      evidence: WeighEventEvidence | null;
      kafka_topic: string | null;
      kafka_partition: number | null;
      kafka_offset: string | null;
    }[];
    return new Map(
      rows.map((r) => [
        r.event_id,
        {
          hash: r.content_hash?.toString('hex') ?? null,
          content: {
            eventId: r.event_id,
            source: r.source,
            stationId: r.station_id,
            laneId: r.lane_id,
            measuredAt: r.measured_at,
            plate: r.plate,
            plateColor: r.plate_color,
            axles: r.axles,
            combination: r.combination,
            singleDriveAxle: r.single_drive_axle,
            grossWeightKg: r.gross_weight_kg,
            cargo: r.cargo,
            permitNo: r.permit_no,
            evidence: r.evidence,
          },
          from: { topic: r.kafka_topic, partition: r.kafka_partition, offset: r.kafka_offset },
        },
      ]),
    );
  }
}
