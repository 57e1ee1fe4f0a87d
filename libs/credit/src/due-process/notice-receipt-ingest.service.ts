import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { parseNoticeReceipt, topics, type Topics } from '@oc/contracts';
import { DomainError } from '@oc/domain';
import { DatabaseConnection } from '@oc/persistence';
import { DeadLetter, deadLettersOf, KafkaBatch, publishDeadLetters } from '@oc/messaging';
import { isPoison } from '../poison-batch';
import { IngestProducer } from '../weighing-ingest.service';
import { NoticeServiceService } from './notice-service.service';

export interface NoticeReceiptBatchOutcome {
  served: number;
  deadLettered: number;
}

/**
 * One partition batch of `credit.notice-receipts.v1` (SPEC §4.10) → the service of each notice it
 * proves, each in its own transaction under the vehicle lock. A receipt that fails its shape, names no
 * notice, or names one already served or void goes unchanged to `credit.notice-receipts.v1.dlq` with the
 * reason (SPEC §3), so every offset ends as a recorded service or a dead letter, and none holds the
 * partition.
 */
@Injectable()
export class NoticeReceiptIngestService {
  private readonly logger = new Logger('NoticeReceipts');
  private readonly names: Topics;

  constructor(
    config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly service: NoticeServiceService,
    private readonly kafka: IngestProducer,
  ) {
    this.names = topics(config.TOPIC_PREFIX);
  }

  async processBatch(batch: KafkaBatch): Promise<NoticeReceiptBatchOutcome> {
    const now = new Date();
    const dead: DeadLetter[] = [];
    const deadLetter = deadLettersOf(batch);
    let served = 0;
    const ds = await this.db.ready();
    for (const message of batch.messages) {
      const parsed = parseNoticeReceipt(message.key, message.value);
      if (!parsed.ok) {
        dead.push(deadLetter(message, parsed.code, parsed.details));
        continue;
      }
      const { receipt } = parsed;
      try {
        await ds.transaction((m) =>
          this.service.recordIn(
            m,
            receipt.noticeId,
            { method: 'RECEIPT', servedAt: receipt.deliveredAt, receiptId: receipt.receiptId },
            `receipt:${receipt.channel}`,
            now,
          ),
        );
        served++;
      } catch (error) {
        // A receipt the rules refuse (unknown notice, already served, implausible time) is that receipt's
        // fault; anything else (the database is down) is retried without committing.
        if (!(error instanceof DomainError) && !isPoison(error)) throw error;
        const code = error instanceof DomainError ? `RECEIPT_${error.code}` : 'PROCESSING_FAILED';
        const details =
          error instanceof DomainError && error.details.length > 0
            ? error.details.map((d) => ({ field: d.field ?? 'noticeId', message: d.message }))
            : [{ field: 'noticeId', message: (error as Error).message }];
        this.logger.warn(`receipt ${receipt.receiptId} dead-lettered: ${(error as Error).message}`);
        dead.push(deadLetter(message, code, details));
      }
    }
    await publishDeadLetters(this.kafka.producer, this.names.noticeReceiptsDlq, dead, now);
    return { served, deadLettered: dead.length };
  }
}
