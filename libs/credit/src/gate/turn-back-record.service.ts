import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { parseGateDecision, topics, type TurnBackRecord } from '@oc/contracts';
import { vehicleKey } from '@oc/domain';
import { DeadLetter, deadLettersOf, KafkaBatch, publishDeadLetters } from '@oc/messaging';
import { DatabaseConnection } from '@oc/persistence';
import { deadLetterProcessingFailed, storeIsolatingPoison } from '../poison-batch';
import { IngestProducer } from '../weighing-ingest.service';

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
    const stored = await storeIsolatingPoison(
      rows,
      (items) => this.insert(items.map((r) => r.record)),
      deadLetterProcessingFailed(batch, dead),
      this.logger,
    );
    await publishDeadLetters(this.kafka.producer, this.dlqTopic, dead, failedAt);
    return stored.reduce((a, n) => a + n, 0);
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
