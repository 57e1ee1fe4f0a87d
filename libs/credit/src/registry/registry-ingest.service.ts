import { Injectable, Logger } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { AppConfig } from '@oc/config';
import { parseRegistryMessage, RegistryChange, RegistryKind, Topics, topics } from '@oc/contracts';
import { DeadLetter, deadLettersOf, KafkaBatch, publishDeadLetters } from '@oc/messaging';
import { RegistryApplyResult } from '@oc/persistence';
import { deadLetterProcessingFailed, storeIsolatingPoison } from '../poison-batch';
import { IngestProducer } from '../weighing-ingest.service';
import { RegistryUpdateService } from './registry-update.service';

export interface RegistryBatchOutcome extends Omit<RegistryApplyResult, 'permitNos'> {
  kind: RegistryKind;
  deadLettered: number;
}

/** `<topic>.dlq` of each registry (SPEC §3: every consumed topic has its dead-letter topic). */
const DLQ_TOPIC: Record<RegistryKind, keyof Topics> = {
  stations: 'registryStationsDlq',
  vehicles: 'registryVehiclesDlq',
  permits: 'registryPermitsDlq',
};

interface Received {
  change: RegistryChange;
  message: KafkaMessage;
}

/**
 * One partition batch of a registry topic (SPEC §4.9; compacted: the latest record per key, a tombstone
 * deletes) → the registry in one transaction; a record that fails its shape, or that sits under another
 * record's key, goes unchanged to `<topic>.dlq` with the SPEC §3 headers. The caller commits the offsets
 * after this resolves, so every offset ends as a stored record or a dead letter, and a bad record never
 * holds its partition.
 */
@Injectable()
export class RegistryIngestService {
  private readonly logger = new Logger('RegistryIngest');
  private readonly names: Topics;

  constructor(
    config: AppConfig,
    private readonly registry: RegistryUpdateService,
    private readonly kafka: IngestProducer,
  ) {
    this.names = topics(config.TOPIC_PREFIX);
  }

  async processBatch(kind: RegistryKind, batch: KafkaBatch): Promise<RegistryBatchOutcome> {
    const receivedAt = new Date();
    const received: Received[] = [];
    const dead: DeadLetter[] = [];
    const deadLetter = deadLettersOf(batch);
    for (const message of batch.messages) {
      const parsed = parseRegistryMessage(kind, message.key, message.value);
      if (parsed.ok) received.push({ change: parsed.change, message });
      else dead.push(deadLetter(message, parsed.code, parsed.details));
    }

    const outcome: RegistryBatchOutcome = {
      kind,
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      superseded: 0,
      deadLettered: 0,
    };
    const add = (r: RegistryApplyResult): void => {
      outcome.created += r.created;
      outcome.updated += r.updated;
      outcome.deleted += r.deleted;
      outcome.unchanged += r.unchanged;
      outcome.superseded += r.superseded;
    };
    // In offset order, so that the latest record of a key still wins when the batch is stored one by one.
    const results = await storeIsolatingPoison(
      received,
      (items) => this.store(items, batch, receivedAt),
      deadLetterProcessingFailed(batch, dead),
      this.logger,
    );
    results.forEach(add);
    await publishDeadLetters(this.kafka.producer, this.names[DLQ_TOPIC[kind]], dead, receivedAt);
    outcome.deadLettered = dead.length;
    return outcome;
  }

  private store(items: Received[], batch: KafkaBatch, now: Date): Promise<RegistryApplyResult> {
    return this.registry.apply(
      items.map((i) => i.change),
      {
        source: 'kafka',
        actor: 'system',
        now,
        kafka: items.map((i) => ({ topic: batch.topic, partition: batch.partition, offset: i.message.offset })),
      },
    );
  }
}
