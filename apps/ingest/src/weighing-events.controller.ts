import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@oc/contracts';
import { BatchOutcome, WeighingIngestService } from '@oc/credit';
import type { KafkaBatch } from '@oc/messaging';

/** Kafka entry point: one partition batch in, one call into the ingest service. */
@Controller()
export class WeighingEventsController {
  constructor(private readonly ingest: WeighingIngestService) {}

  @EventPattern(TOPIC.weighingEvents)
  handle(@Payload() batch: KafkaBatch): Promise<BatchOutcome> {
    return this.ingest.processBatch(batch);
  }
}
