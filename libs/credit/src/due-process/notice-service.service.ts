import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, DomainErrorCode, type NoticeServiceMethod } from '@oc/domain';
import { CreditRepository, DatabaseConnection, NoticeRepository } from '@oc/persistence';
import { CompanyCreditService } from '../company/company-credit.service';
import { CreditRecountService } from '../credit-recount.service';
import { CLOCK_SKEW_MS } from '../staff-clock';

/**
 * 送达 of a notice (SPEC §4.10): recorded by staff (in person, by post, by announcement) or by a
 * delivery receipt of the notification channel. The notice period runs from the day after service; the
 * listing takes effect at its end unless an objection holds it (the credit plan decides, here and when
 * the scheduler looks).
 */
@Injectable()
export class NoticeServiceService {
  private readonly notices = new NoticeRepository();

  constructor(
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly recount: CreditRecountService,
    private readonly companies: CompanyCreditService,
  ) {}

  async record(
    noticeId: string,
    input: { method: NoticeServiceMethod; servedAt: Date; receiptId?: string },
    actor: string,
    now = new Date(),
  ): Promise<void> {
    if (input.servedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'servedAt is not plausible', [
        { field: 'servedAt', message: 'servedAt must not be in the future' },
      ]);
    }
    const ds = await this.db.ready();
    await ds.transaction(async (m) => this.recordIn(m, noticeId, input, actor, now));
  }

  /** Inside the caller's transaction (the receipt consumer runs a batch in one). */
  async recordIn(
    m: EntityManager,
    noticeId: string,
    input: { method: NoticeServiceMethod; servedAt: Date; receiptId?: string },
    actor: string,
    now: Date,
  ): Promise<void> {
    const found = await this.notices.vehicleOf(m, noticeId);
    if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `notice ${noticeId} not found`);
    // A company listing's notice (SPEC §4.9) is served the same way, under the company's lock.
    const operatorId = found.vehicleKey ? null : await this.companies.companies.operatorOfNotice(m, noticeId);
    if (operatorId) await this.companies.lock(m, [operatorId]);
    else await this.credit.lockVehicles(m, [found.vehicleKey!]);
    const issuedAt = await this.notices.issuedAt(m, noticeId);
    if (issuedAt && input.servedAt.getTime() < issuedAt.getTime()) {
      throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'servedAt is not plausible', [
        { field: 'servedAt', message: `servedAt must not be before the notice was issued (${issuedAt.toISOString()})` },
      ]);
    }
    const command = { type: 'SERVE_NOTICE', noticeId, servedAt: input.servedAt, method: input.method } as const;
    const options = { now, actor, service: { recordedBy: actor, receiptId: input.receiptId } };
    if (operatorId) {
      await this.companies.execute(m, operatorId, command, options);
      return;
    }
    await this.recount.execute(m, found.vehicleKey!, command, options);
  }
}
