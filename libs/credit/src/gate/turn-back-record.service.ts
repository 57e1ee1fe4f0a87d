import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { parseGateDecision, topics, type TurnBackRecord } from '@oc/contracts';
import { vehicleKey } from '@oc/domain';
import { DeadLetter, deadLettersOf, KafkaBatch, publishDeadLetters } from '@oc/messaging';
import { DatabaseConnection } from '@oc/persistence';
import { IngestProducer, isPoison } from '../weighing-ingest.service';

/**
 * Stores the gate's TURN_BACKs (劝返记录) from `gate.decisions.v1`, idempotent on decisionId. Like every
 * consumed topic (SPEC §3): a record that fails its shape, or that Postgres refuses for what it contains,
 * goes unchanged to `gate.decisions.v1.dlq` with the reasons; only outages are retried, so one bad record
 * never holds the partition (nor, through kafkajs' fetch loop, the weighings behind it).
 */
@Injectable()
export class TurnBackRecordService {
  private readonly logger = new Logger('TurnBackRecords');
  private readonly dlqTopic: string;

  constructor(
    config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly kafka: IngestProducer,
  ) {
    this.dlqTopic = topics(config.TOPIC_PREFIX).gateDecisionsDlq;
  }

  async recordBatch(batch: KafkaBatch): Promise<number> {
    const failedAt = new Date();
    const deadLetter = deadLettersOf(batch);
    const dead: DeadLetter[] = [];
    const rows: { record: TurnBackRecord; message: KafkaBatch['messages'][number] }[] = [];
    for (const message of batch.messages) {
      const parsed = parseGateDecision(message.value);
      if (!parsed.ok) dead.push(deadLetter(message, parsed.code, parsed.details));
      else if (parsed.record) rows.push({ record: parsed.record, message });
    }
    let stored = 0;
    try {
      stored = await this.insert(rows.map((r) => r.record));
    } catch (error) {
      if (!isPoison(error)) throw error;
      this.logger.warn(`gate decisions refused for their content (${(error as Error).message}); storing one by one`);
      for (const r of rows) {
        try {
          stored += await this.insert([r.record]);
        } catch (single) {
          if (!isPoison(single)) throw single;
          dead.push(
            deadLetter(r.message, 'PROCESSING_FAILED', [{ field: '(message)', message: (single as Error).message }]),
          );
        }
      }
    }
    await publishDeadLetters(this.kafka.producer, this.dlqTopic, dead, failedAt);
    return stored;
  }

  private async insert(rows: TurnBackRecord[]): Promise<number> {
    if (rows.length === 0) return 0;
    const ds = await this.db.ready();
    await ds.query(
      `INSERT INTO turn_backs (decision_id, station_id, lane_id, plate, plate_color, vehicle_key, reasons, at)
       SELECT decision_id, station_id, lane_id, plate, plate_color, vehicle_key, string_to_array(reasons, ','), at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::timestamptz[])
         AS t(decision_id, station_id, lane_id, plate, plate_color, vehicle_key, reasons, at)
       ON CONFLICT (decision_id) DO NOTHING`,
      [
        rows.map((r) => r.decisionId),
        rows.map((r) => r.stationId),
        rows.map((r) => r.laneId),
        rows.map((r) => r.plate),
        rows.map((r) => r.plateColor),
        rows.map((r) => vehicleKey(r.plateColor, r.plate)),
        rows.map((r) => r.reasons.join(',')),
        rows.map((r) => r.at.toISOString()),
      ],
    );
    return rows.length;
  }
}
