import { Injectable, Logger } from '@nestjs/common';
import { isPlateColorCode, vehicleKey } from '@oc/domain';
import { DatabaseConnection } from '@oc/persistence';
import type { KafkaBatch } from '@oc/messaging';

interface TurnBackRow {
  decisionId: string;
  stationId: string;
  laneId: string | null;
  plate: string;
  plateColor: number;
  reasons: string[];
  at: string;
}

function parseDecision(value: Buffer | null): TurnBackRow | null {
  try {
    const d = JSON.parse(value?.toString('utf8') ?? '') as Record<string, unknown>;
    const ok =
      typeof d.decisionId === 'string' &&
      d.decisionId.length <= 64 &&
      typeof d.stationId === 'string' &&
      typeof d.plate === 'string' &&
      isPlateColorCode(d.plateColor) &&
      d.decision === 'TURN_BACK' &&
      Array.isArray(d.reasons) &&
      d.reasons.every((r) => typeof r === 'string') &&
      typeof d.at === 'string' &&
      !Number.isNaN(Date.parse(d.at));
    if (!ok) return null;
    return {
      decisionId: d.decisionId as string,
      stationId: d.stationId as string,
      laneId: typeof d.laneId === 'string' ? d.laneId : null,
      plate: d.plate as string,
      plateColor: d.plateColor as number,
      reasons: d.reasons as string[],
      at: d.at as string,
    };
  } catch {
    return null;
  }
}

/** Stores the gate's TURN_BACKs (劝返记录) from `gate.decisions.v1`, idempotent on decisionId. */
@Injectable()
export class TurnBackRecordService {
  private readonly logger = new Logger('TurnBackRecords');
  constructor(private readonly db: DatabaseConnection) {}

  async recordBatch(batch: KafkaBatch): Promise<number> {
    const rows: TurnBackRow[] = [];
    for (const message of batch.messages) {
      const row = parseDecision(message.value);
      // Our own gate produces this topic; a malformed record is a bug to see in the logs, not data to keep.
      if (row) rows.push(row);
      else this.logger.warn(`skipped a malformed gate decision at ${batch.topic}/${batch.partition}/${message.offset}`);
    }
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
        rows.map((r) => vehicleKey(r.plateColor as Parameters<typeof vehicleKey>[0], r.plate)),
        rows.map((r) => r.reasons.join(',')),
        rows.map((r) => r.at),
      ],
    );
    return rows.length;
  }
}
