import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@oc/contracts';
import { NoticeReceiptBatchOutcome, NoticeReceiptIngestService } from '@oc/credit';
import type { KafkaBatch } from '@oc/messaging';

/** `credit.notice-receipts.v1` (SPEC §4.10): one partition batch in, one call into the receipt ingest. */
@Controller()
export class NoticeReceiptsController {
  constructor(private readonly receipts: NoticeReceiptIngestService) {}

  @EventPattern(TOPIC.noticeReceipts)
  receive(@Payload() batch: KafkaBatch): Promise<NoticeReceiptBatchOutcome> {
    return this.receipts.processBatch(batch);
  }
}
