import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@oc/config';
import {
  DomainError,
  DomainErrorCode,
  workingDayDeadline,
  type DecisionContents,
  type ObjectionChannel,
} from '@oc/domain';
import { DatabaseConnection, ObjectionRepository } from '@oc/persistence';
import { CLOCK_SKEW_MS } from '../staff-clock';
import { CompanyCreditService } from './company-credit.service';

/**
 * Staff steps on a company listing (SPEC §4.9 with §4.4, §4.10): objections recorded by their handler
 * and decided by a LEGAL_REVIEWER who is not the handler, publication proposed by an OFFICER and
 * reviewed by another person. The plan of libs/domain checks every rule under the company's lock.
 */
@Injectable()
export class CompanyListingActionsService {
  private readonly objections = new ObjectionRepository();

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly companies: CompanyCreditService,
  ) {}

  private async locked<T>(
    companyListingId: string,
    work: (m: EntityManager, operatorId: string) => Promise<T>,
  ): Promise<T> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const operatorId = await this.companies.companies.operatorOf(m, companyListingId);
      if (!operatorId)
        throw new DomainError(DomainErrorCode.NOT_FOUND, `company listing ${companyListingId} not found`);
      await this.companies.lock(m, [operatorId]);
      return work(m, operatorId);
    });
  }

  proposePublication(
    id: string,
    input: { decisionNo: string; legalBasis: string; contents?: DecisionContents },
    actor: string,
    now = new Date(),
  ): Promise<void> {
    return this.locked(id, async (m, operatorId) => {
      await this.companies.execute(
        m,
        operatorId,
        { type: 'PROPOSE_PUBLICATION', listingId: id, ...input },
        { now, actor },
      );
    });
  }

  reviewPublication(
    id: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<void> {
    return this.locked(id, async (m, operatorId) => {
      await this.companies.execute(
        m,
        operatorId,
        { type: 'REVIEW_PUBLICATION', listingId: id, ...input },
        { now, actor },
      );
    });
  }

  /** An objection against the company listing (LISTING) or its posting (POSTING); returns its id. */
  recordObjection(
    id: string,
    input: {
      targetType: 'LISTING' | 'POSTING';
      grounds: string;
      channel: ObjectionChannel;
      attachments: string[];
      receivedAt?: Date;
    },
    actor: string,
    now = new Date(),
  ): Promise<string> {
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'receivedAt is not plausible', [
        { field: 'receivedAt', message: 'receivedAt must not be in the future' },
      ]);
    }
    return this.locked(id, async (m, operatorId) => {
      const objectionId = randomUUID();
      const due = workingDayDeadline(receivedAt, this.config.OBJECTION_REPLY_WORKING_DAYS);
      await this.companies.execute(
        m,
        operatorId,
        {
          type: 'RECORD_OBJECTION',
          objection: { id: objectionId, listingId: id, violationIds: [], receivedAt },
          target: { type: input.targetType, id },
        },
        { now, actor },
      );
      await this.companies.companies.insertObjection(m, {
        id: objectionId,
        targetType: input.targetType,
        targetId: id,
        companyListingId: id,
        operatorId,
        grounds: input.grounds,
        channel: input.channel,
        attachments: input.attachments,
        receivedAt,
        handler: actor,
        recordedAt: now,
        dueBy: due.ok ? due.dueBy : null,
        calendarMissing: !due.ok,
      });
      return objectionId;
    });
  }

  decideObjection(
    id: string,
    objectionId: string,
    input: { uphold: boolean; reply: string },
    actor: string,
    now = new Date(),
  ): Promise<void> {
    return this.locked(id, async (m, operatorId) => {
      const objection = await this.companies.companies.findObjection(m, objectionId);
      if (!objection || objection.companyListingId !== id) {
        throw new DomainError(
          DomainErrorCode.NOT_FOUND,
          `objection ${objectionId} not found for company listing ${id}`,
        );
      }
      await this.companies.execute(
        m,
        operatorId,
        {
          type: 'DECIDE_OBJECTION',
          objectionId,
          handler: objection.handler,
          target: { type: objection.targetType, id },
          listingId: id,
          uphold: input.uphold,
          reply: input.reply,
        },
        { now, actor },
      );
      await this.objections.decide(m, objectionId, {
        status: input.uphold ? 'UPHELD' : 'REJECTED',
        decidedBy: actor,
        decidedAt: now,
        reply: input.reply,
      });
    });
  }
}
