import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import {
  DomainError,
  DomainErrorCode,
  workingDayDeadline,
  type ObjectionChannel,
  type ObjectionTargetType,
} from '@oc/domain';
import { CreditRepository, DatabaseConnection, ObjectionRepository, type ObjectionRecord } from '@oc/persistence';
import { CreditRecountService } from '../credit-recount.service';
import { CLOCK_SKEW_MS } from '../staff-clock';

export interface ObjectionInput {
  target: { type: ObjectionTargetType; id: string };
  grounds: string;
  channel: ObjectionChannel;
  attachments: string[];
  receivedAt?: Date;
}

/**
 * 异议 / 陈述申辩 (SPEC §4.10): the OFFICER who records an objection is its handler; it is due for an
 * answer within OBJECTION_REPLY_WORKING_DAYS of its receipt; a LEGAL_REVIEWER who is not the handler
 * decides it. Upheld: the violations it names are revoked and recounted, a pending listing it is about
 * withdrawn, a posting withdrawn as CORRECTED. While pending it holds a PENDING listing from effect.
 */
@Injectable()
export class ObjectionService {
  private readonly objections = new ObjectionRepository();

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly recount: CreditRecountService,
  ) {}

  async record(input: ObjectionInput, actor: string, now = new Date()): Promise<ObjectionRecord> {
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'receivedAt is not plausible', [
        { field: 'receivedAt', message: 'receivedAt must not be in the future' },
      ]);
    }
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const target = await this.objections.resolveTarget(m, input.target.type, input.target.id);
      if (!target) {
        throw new DomainError(
          DomainErrorCode.NOT_FOUND,
          `${input.target.type.toLowerCase()} ${input.target.id} not found`,
          [{ field: 'target.id', message: 'no such record' }],
        );
      }
      await this.credit.lockVehicles(m, [target.vehicleKey]);
      const id = randomUUID();
      const due = workingDayDeadline(receivedAt, this.config.OBJECTION_REPLY_WORKING_DAYS);
      await this.recount.execute(
        m,
        target.vehicleKey,
        {
          type: 'RECORD_OBJECTION',
          objection: { id, listingId: target.listingId, violationIds: target.violationIds, receivedAt },
          target: input.target,
        },
        { now, actor },
      );
      await this.objections.insert(m, {
        id,
        targetType: input.target.type,
        targetId: input.target.id,
        listingId: target.listingId,
        vehicleKey: target.vehicleKey,
        violationIds: target.violationIds,
        grounds: input.grounds,
        channel: input.channel,
        attachments: input.attachments,
        receivedAt,
        handler: actor,
        recordedAt: now,
        dueBy: due.ok ? due.dueBy : null,
        calendarMissing: !due.ok,
      });
      return (await this.objections.find(m, id))!;
    });
  }

  async review(
    id: string,
    input: { uphold: boolean; reply: string },
    actor: string,
    now = new Date(),
  ): Promise<ObjectionRecord> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const found = await this.objections.find(m, id);
      if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `objection ${id} not found`);
      await this.credit.lockVehicles(m, [found.vehicleKey]);
      const objection = (await this.objections.find(m, id))!;
      // The plan checks the status and the two-person rule (the handler never decides).
      await this.recount.execute(
        m,
        objection.vehicleKey,
        {
          type: 'DECIDE_OBJECTION',
          objectionId: id,
          handler: objection.handler,
          target: { type: objection.targetType, id: objection.targetId },
          listingId: objection.listingId,
          violationIds: objection.violationIds,
          uphold: input.uphold,
          reply: input.reply,
        },
        { now, actor },
      );
      await this.objections.decide(m, id, {
        status: input.uphold ? 'UPHELD' : 'REJECTED',
        decidedBy: actor,
        decidedAt: now,
        reply: input.reply,
      });
      return (await this.objections.find(m, id))!;
    });
  }
}
