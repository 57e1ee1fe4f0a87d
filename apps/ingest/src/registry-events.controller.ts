import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@oc/contracts';
import { RegistryBatchOutcome, RegistryIngestService } from '@oc/credit';
import type { KafkaBatch } from '@oc/messaging';

/** The registry topics (SPEC §4.9): one partition batch in, one call into the registry ingest. */
@Controller()
export class RegistryEventsController {
  constructor(private readonly registries: RegistryIngestService) {}

  @EventPattern(TOPIC.registryStations)
  stations(@Payload() batch: KafkaBatch): Promise<RegistryBatchOutcome> {
    return this.registries.processBatch('stations', batch);
  }

  @EventPattern(TOPIC.registryVehicles)
  vehicles(@Payload() batch: KafkaBatch): Promise<RegistryBatchOutcome> {
    return this.registries.processBatch('vehicles', batch);
  }

  @EventPattern(TOPIC.registryPermits)
  permits(@Payload() batch: KafkaBatch): Promise<RegistryBatchOutcome> {
    return this.registries.processBatch('permits', batch);
  }
}
