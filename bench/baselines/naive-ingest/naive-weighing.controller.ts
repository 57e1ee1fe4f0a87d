import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { loadConfigOrExit } from '@oc/config';
import { topics } from '@oc/contracts';
import { NaiveIngestService } from './naive-ingest.service';

// The pattern is the topic name, which carries the run's TOPIC_PREFIX: known only at start-up.
const WEIGHING_TOPIC = topics(loadConfigOrExit().TOPIC_PREFIX).weighingEvents;

/** Nest's built-in Kafka transport calls this once per message (eachMessage). */
@Controller()
export class NaiveWeighingController {
  constructor(private readonly ingest: NaiveIngestService) {}

  @EventPattern<string>(WEIGHING_TOPIC)
  handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.ingest.handle(payload, context);
  }
}
