import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@oc/contracts';
import { BatchOutcome, TurnBackRecordService, WeighingIngestService } from '@oc/credit';
import type { KafkaBatch } from '@oc/messaging';

/** Kafka entry points: one partition batch in, one call into an application service. */
@Controller()
export class WeighingEventsController {
  constructor(
    private readonly ingest: WeighingIngestService,
    private readonly turnBacks: TurnBackRecordService,
  ) {}

  @EventPattern(TOPIC.weighingEvents)
  handle(@Payload() batch: KafkaBatch): Promise<BatchOutcome> {
    return this.ingest.processBatch(batch);
  }

  @EventPattern(TOPIC.gateDecisions)
  recordTurnBacks(@Payload() batch: KafkaBatch): Promise<number> {
    return this.turnBacks.recordBatch(batch);
  }
}
