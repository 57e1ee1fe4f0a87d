import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A validated, classified weighing ready to store (one Kafka message). */
export interface NewWeighing {
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
  evidence: unknown;
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

const col = <T>(rows: NewWeighing[], pick: (w: NewWeighing) => T): T[] => rows.map(pick);

@Injectable()
export class WeighingRepository {
  /**
   * Stores weighings idempotently (a repeated eventId is ignored, SPEC §3) and creates a violation for
   * each new VIOLATION, in two multi-row statements. Returns only the violations created now.
   */
  async insertBatch(manager: EntityManager, rows: NewWeighing[]): Promise<InsertedViolation[]> {
    if (rows.length === 0) return [];
    const inserted = (await manager.query(
      `WITH input AS (
         SELECT * FROM unnest(
           $1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::smallint[], $8::text[],
           $9::smallint[], $10::boolean[], $11::boolean[], $12::integer[], $13::text[], $14::text[], $15::jsonb[],
           $16::text[], $17::integer[], $18::integer[], $19::integer[], $20::text[], $21::integer[], $22::bigint[], $23::text[])
         AS t(event_id, source, station_id, lane_id, measured_at, plate, plate_color, vehicle_key, axles, combination,
              single_drive_axle, gross_weight_kg, cargo, permit_no, evidence, classification, limit_kg, over_kg,
              suggested_fine_yuan, kafka_topic, kafka_partition, kafka_offset, permit_check)
       ), stored AS (
         INSERT INTO weighings (event_id, source, station_id, lane_id, measured_at, plate, plate_color, vehicle_key, axles,
           combination, single_drive_axle, gross_weight_kg, cargo, permit_no, evidence, classification, limit_kg, over_kg,
           suggested_fine_yuan, kafka_topic, kafka_partition, kafka_offset, permit_check)
         SELECT DISTINCT ON (event_id) * FROM input ORDER BY event_id
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg, over_kg,
                   suggested_fine_yuan, classification, permit_no, permit_check
       )
       INSERT INTO violations (weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg,
                               limit_kg, over_kg, suggested_fine_yuan, permit_no, permit_check)
       SELECT id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg, over_kg, suggested_fine_yuan,
              permit_no, permit_check
       FROM stored WHERE classification = 'VIOLATION'
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id, event_id, vehicle_key, station_id, measured_at, over_kg, suggested_fine_yuan`,
      [
        col(rows, (w) => w.eventId),
        col(rows, (w) => w.source),
        col(rows, (w) => w.stationId),
        col(rows, (w) => w.laneId),
        col(rows, (w) => w.measuredAt.toISOString()),
        col(rows, (w) => w.plate),
        col(rows, (w) => w.plateColor),
        col(rows, (w) => w.vehicleKey),
        col(rows, (w) => w.axles),
        col(rows, (w) => w.combination),
        col(rows, (w) => w.singleDriveAxle),
        col(rows, (w) => w.grossWeightKg),
        col(rows, (w) => w.cargo),
        col(rows, (w) => w.permitNo),
        col(rows, (w) => (w.evidence == null ? null : JSON.stringify(w.evidence))),
        col(rows, (w) => w.classification),
        col(rows, (w) => w.limitKg),
        col(rows, (w) => w.overKg),
        col(rows, (w) => w.suggestedFineYuan),
        col(rows, (w) => w.kafkaTopic),
        col(rows, (w) => w.kafkaPartition),
        col(rows, (w) => w.kafkaOffset),
        col(rows, (w) => w.permitCheck),
      ],
    )) as {
      id: string;
      event_id: string;
      vehicle_key: string;
      station_id: string;
      measured_at: Date;
      over_kg: number;
      suggested_fine_yuan: number;
    }[];
    return inserted.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      vehicleKey: r.vehicle_key,
      stationId: r.station_id,
      measuredAt: r.measured_at,
      overKg: r.over_kg,
      suggestedFineYuan: r.suggested_fine_yuan,
    }));
  }
}
