import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, companyCreditRulesFrom } from '@oc/config';
import { topics, type CompanyNoticeMessageV1 } from '@oc/contracts';
import {
  auditEntry,
  composeCompanyNoticeDocument,
  planCompanyCredit,
  workingDayDeadline,
  type CompanyCreditCommand,
  type CompanyCreditPlan,
  type CompanyCreditRules,
  type DeadlineCalculator,
} from '@oc/domain';
import {
  AuditEntryInput,
  AuditLogRepository,
  CompanyCreditRepository,
  companyLockKey,
  CreditRepository,
  NoticeRepository,
  OutboxMessage,
  OutboxRepository,
  type CompanyNoticeInsert,
} from '@oc/persistence';

export interface CompanyRecountOptions {
  now: Date;
  actor: string;
  /** Who recorded a notice's service, and the receipt that proved it (SERVE_NOTICE). */
  service?: { recordedBy: string; receiptId?: string };
}

/**
 * The write path of company listings (SPEC §4.9, docs/rules.md "Company listings"), as the vehicle's:
 * lock the companies (in key order), load their facts, ask libs/domain `planCompanyCredit`, write the
 * plan — company listings, notices (numbered in the one yearly sequence of 告知书), the outbox rows
 * (`credit.company-listing-events.v1`, `credit.company-notices.v1`) and the audit entries.
 */
@Injectable()
export class CompanyCreditService {
  private readonly rules: CompanyCreditRules;
  private readonly topics: ReturnType<typeof topics>;
  private readonly deadline: DeadlineCalculator = (trigger, days) => workingDayDeadline(trigger, days);
  private readonly notices = new NoticeRepository();
  readonly companies = new CompanyCreditRepository();

  constructor(
    private readonly config: AppConfig,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
  ) {
    this.rules = companyCreditRulesFrom(config);
    this.topics = topics(config.TOPIC_PREFIX);
  }

  lock(manager: EntityManager, operatorIds: string[]): Promise<void> {
    return this.credit.lockVehicles(manager, operatorIds.map(companyLockKey));
  }

  /** Re-plans the companies after their facts changed, or as the scheduler's tick. */
  recount(manager: EntityManager, operatorIds: string[], options: CompanyRecountOptions): Promise<CompanyCreditPlan[]> {
    return this.run(manager, operatorIds, undefined, options);
  }

  async execute(
    manager: EntityManager,
    operatorId: string,
    command: CompanyCreditCommand,
    options: CompanyRecountOptions,
  ): Promise<CompanyCreditPlan> {
    return (await this.run(manager, [operatorId], command, options))[0]!;
  }

  private async run(
    manager: EntityManager,
    operatorIds: string[],
    command: CompanyCreditCommand | undefined,
    options: CompanyRecountOptions,
  ): Promise<CompanyCreditPlan[]> {
    const ids = [...new Set(operatorIds)].sort();
    if (ids.length === 0) return [];
    await this.lock(manager, ids);
    const facts = await this.companies.loadFacts(manager, ids);
    const plans = ids.map((id) =>
      planCompanyCredit({
        facts: facts.get(id)!,
        rules: this.rules,
        deadline: this.deadline,
        now: options.now,
        actor: options.actor,
        newId: randomUUID,
        command,
      }),
    );
    const created = plans.flatMap((p) => p.createdListings);
    const parties = created.length
      ? await this.companies.parties(manager, [...new Set(created.map((c) => c.operatorId))])
      : new Map();
    await this.companies.updateListings(
      manager,
      plans.flatMap((p) => p.changedListings),
    );
    await this.companies.insertListings(
      manager,
      created.map((c) => ({ ...c, party: parties.get(c.operatorId)! })),
    );
    await this.credit.writeNoticeSteps(manager, plans, {
      recordedBy: options.service?.recordedBy ?? options.actor,
      receiptId: options.service?.receiptId,
    });
    const issued = await this.issueNotices(manager, plans, parties, options.now);
    const outbox: OutboxMessage[] = plans.flatMap((p) =>
      p.events.map((event) => ({ topic: this.topics.companyListingEvents, key: p.operatorId, payload: { event } })),
    );
    outbox.push(...issued.messages);
    await this.outbox.add(manager, outbox);
    await this.audit.append(manager, [...plans.flatMap((p) => p.audit), ...issued.audit]);
    return plans;
  }

  /** 告知书 of the company listings the plans created, numbered with the vehicles' in one sequence. */
  private async issueNotices(
    manager: EntityManager,
    plans: CompanyCreditPlan[],
    parties: Map<string, CompanyNoticeInsert['party']>,
    issuedAt: Date,
  ): Promise<{ messages: OutboxMessage[]; audit: AuditEntryInput[] }> {
    const listings = plans.flatMap((p) => p.createdListings.filter((l) => p.noticesToIssue.includes(l.id)));
    if (listings.length === 0) return { messages: [], audit: [] };
    const vehicles = await this.companies.vehiclesOf(
      manager,
      listings.flatMap((l) => l.vehicleListingIds),
    );
    const numbers = await this.notices.takeNumbers(manager, issuedAt, listings.length);
    const rows: CompanyNoticeInsert[] = listings.map((l, i) => {
      const { year, seq, noticeNo } = numbers[i]!;
      const party = parties.get(l.operatorId)!;
      return {
        id: randomUUID(),
        noticeNo,
        year,
        seq,
        companyListingId: l.id,
        operatorId: l.operatorId,
        party,
        issuedAt,
        document: composeCompanyNoticeDocument({
          noticeNo,
          issuedAt,
          party,
          listedAt: l.listedAt,
          fleetSize: l.fleetSize,
          vehicles: l.vehicleListingIds.flatMap((listingId) => {
            const v = vehicles.get(listingId);
            return v
              ? [{ listingId, plate: v.plate, plateColor: v.plateColor, effectiveAt: v.effectiveAt.toISOString() }]
              : [];
          }),
          companyListingPercent: this.rules.companyListingPercent,
          countWindowDays: this.rules.countWindowDays,
          noticePeriodWorkingDays: this.rules.noticePeriodWorkingDays,
          objectionReplyWorkingDays: this.config.OBJECTION_REPLY_WORKING_DAYS,
          listingValidityDays: this.rules.listingValidityDays,
          publicationDays: this.rules.publicationDays,
        }),
      };
    });
    await this.companies.insertNotices(manager, rows);
    const messages: OutboxMessage[] = rows.map((n) => {
      const message: CompanyNoticeMessageV1 = {
        noticeId: n.id,
        noticeNo: n.noticeNo,
        companyListingId: n.companyListingId,
        operatorId: n.operatorId,
        issuedAt: n.issuedAt.toISOString(),
        document: n.document,
      };
      return { topic: this.topics.companyNotices, key: n.operatorId, payload: { event: message } };
    });
    const audit = rows.map((n) =>
      auditEntry({ at: issuedAt, actor: 'system' }, 'NOTICE_ISSUED', n.id, {
        after: { noticeNo: n.noticeNo, companyListingId: n.companyListingId, operatorId: n.operatorId, party: n.party },
      }),
    );
    return { messages, audit };
  }
}
