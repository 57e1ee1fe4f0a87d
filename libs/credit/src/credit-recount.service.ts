import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { VehicleCacheEntry } from '@oc/cache';
import { AppConfig, creditPlanRulesFrom } from '@oc/config';
import { topics, type NoticeMessageV1 } from '@oc/contracts';
import {
  auditEntry,
  composeNoticeDocument,
  ENDED_LISTING_STATUSES,
  parseVehicleKey,
  planCredit,
  workingDayDeadline,
  type CreditCommand,
  type CreditPlan,
  type CreditPlanRules,
  type DeadlineCalculator,
} from '@oc/domain';
import {
  AuditEntryInput,
  AuditLogRepository,
  CompanyCreditRepository,
  CreditRepository,
  NoticeRepository,
  OutboxMessage,
  OutboxRepository,
  RegistryLookups,
  type NoticeInsert,
} from '@oc/persistence';

export interface RecountOptions {
  /** The clock of this change (processing time); derivation uses max(now, latest measuredAt). */
  now: Date;
  actor: string;
  /** Violations created in this transaction: each gets a "recorded" audit entry. */
  newViolationIds?: ReadonlySet<string>;
  /**
   * Entries of what changed the facts outside the credit rules (a permit record): appended first, in
   * the one append at the end (the chain lock is held only from there).
   */
  causeAudit?: AuditEntryInput[];
  /**
   * The end reason of listings this recount ends because their acts are gone (default
   * RECOUNT_BELOW_THRESHOLD); PERMIT_EXEMPTED when a permit record removed them.
   */
  revocationReason?: string;
  /** Who recorded a notice's service, and the receipt that proved it (SERVE_NOTICE). */
  service?: { recordedBy: string; receiptId?: string };
}

export interface RecountResult {
  listingsCreated: number;
  listingsEnded: number;
  vehiclesChanged: number;
  /** The plans, for the caller's answer (a staff action reads what it changed). */
  plans: CreditPlan[];
}

/**
 * The one write path of the credit rules (docs/rules.md): lock the vehicles (in key order), load their
 * facts, ask libs/domain `planCredit` what follows — with a staff or scheduler command, or none for new
 * weighings — and write the plan: listings, violations, notices, the vehicle state with its cache
 * version, the outbox rows and the audit entries. Ingest, the schedulers and every staff action come
 * through here; no rule is decided in this class.
 */
@Injectable()
export class CreditRecountService {
  private readonly rules: CreditPlanRules;
  private readonly topics: ReturnType<typeof topics>;
  private readonly deadline: DeadlineCalculator = (trigger, days) => workingDayDeadline(trigger, days);
  /** Stateless SQL reads of the registries. */
  private readonly lookups = new RegistryLookups();
  private readonly notices = new NoticeRepository();
  private readonly companies = new CompanyCreditRepository();

  constructor(
    private readonly config: AppConfig,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
  ) {
    this.rules = creditPlanRulesFrom(config);
    this.topics = topics(config.TOPIC_PREFIX);
  }

  /** Recounts the vehicles after new facts (weighings, permits) or as the scheduler's tick. */
  recount(manager: EntityManager, vehicleKeys: string[], options: RecountOptions): Promise<RecountResult> {
    return this.run(manager, vehicleKeys, undefined, options);
  }

  /** A staff command on one vehicle's credit, validated and planned under its lock. */
  async execute(
    manager: EntityManager,
    vehicleKey: string,
    command: CreditCommand,
    options: RecountOptions,
  ): Promise<CreditPlan> {
    const result = await this.run(manager, [vehicleKey], command, options);
    return result.plans[0]!;
  }

  private async run(
    manager: EntityManager,
    vehicleKeys: string[],
    command: CreditCommand | undefined,
    options: RecountOptions,
  ): Promise<RecountResult> {
    const keys = [...new Set(vehicleKeys)].sort();
    const result: RecountResult = { listingsCreated: 0, listingsEnded: 0, vehiclesChanged: 0, plans: [] };
    if (keys.length === 0) return result;
    // Lock, load, plan.
    await this.credit.lockVehicles(manager, keys);
    // Without a command, only a PENDING listing reads the objections (whether one holds it).
    const facts = await this.credit.loadFacts(manager, keys, { objections: command ? 'all' : 'of-pending-listings' });
    const plans = keys.map((key) =>
      planCredit({
        facts: facts.get(key)!,
        rules: this.rules,
        deadline: this.deadline,
        now: options.now,
        actor: options.actor,
        newId: randomUUID,
        command,
        newViolationIds: options.newViolationIds,
        revocationReason: options.revocationReason,
      }),
    );
    // Write.
    const created = plans.flatMap((p) => p.createdListings);
    // §4.9: the party as the vehicle registry names it at the listing's creation (and its phone, for the notice).
    const registrations = await this.lookups.registrations(manager, [...new Set(created.map((c) => c.vehicleKey))]);
    await this.credit.revokeViolations(
      manager,
      plans.flatMap((p) => p.revokedViolations),
    );
    await this.credit.processViolations(
      manager,
      plans.flatMap((p) => p.processedViolations),
    );
    await this.credit.updateListings(
      manager,
      plans.flatMap((p) => p.changedListings),
    );
    // Copied into the row: a later owner change does not rewrite whom this listing named.
    await this.credit.insertListings(
      manager,
      created.map((c) => ({ ...c, party: registrations.get(c.vehicleKey)?.party ?? null })),
    );
    await this.credit.assignViolations(
      manager,
      plans.flatMap((p) => p.assignments),
    );
    await this.credit.writeNoticeSteps(manager, plans, {
      recordedBy: options.service?.recordedBy ?? options.actor,
      receiptId: options.service?.receiptId,
    });
    const issued = await this.issueNotices(manager, plans, registrations, options.now);
    const changed = plans.filter((p) => p.state !== null);
    const versions = await this.credit.saveStates(
      manager,
      changed.map((p) => {
        const identity = parseVehicleKey(p.vehicleKey)!;
        return { vehicleKey: p.vehicleKey, plate: identity.plate, plateColor: identity.plateColor, ...p.state! };
      }),
    );

    const outbox: OutboxMessage[] = [];
    for (const p of changed) {
      const cache: VehicleCacheEntry | null = p.cache
        ? { vehicleKey: p.vehicleKey, version: versions.get(p.vehicleKey)!, listing: p.cache.listing }
        : null;
      if (p.events.length === 0 && cache) outbox.push({ topic: null, key: p.vehicleKey, payload: { cache } });
      p.events.forEach((event, i) =>
        outbox.push({
          topic: this.topics.listingEvents,
          key: p.vehicleKey,
          // The vehicle's final cache entry rides on its last event, so the gate never sees a middle state.
          payload: i === p.events.length - 1 && cache ? { event, cache } : { event },
        }),
      );
    }
    outbox.push(...issued.messages);
    for (const p of plans) {
      for (const listingId of p.caseReferrals) {
        const referral = {
          referralId: `${listingId}:REFERRAL`,
          at: options.now.toISOString(),
          ...(await this.credit.referralOf(manager, listingId)),
        };
        outbox.push({ topic: this.topics.caseReferrals, key: p.vehicleKey, payload: { event: referral } });
      }
    }
    await this.outbox.add(manager, outbox);
    // §4.9: a vehicle listing that took effect or was revoked changes its company's grounds. A vehicle
    // listed here at once whose registration was just read and not found has no company to queue.
    const createdKeys = new Set(created.map((c) => c.vehicleKey));
    await this.companies.queueCompaniesOfVehicles(
      manager,
      plans
        .filter((p) => p.events.some((e) => e.type === 'LISTED' || e.type === 'REVOKED'))
        .map((p) => p.vehicleKey)
        .filter((key) => !createdKeys.has(key) || registrations.has(key)),
    );
    await this.audit.append(manager, [
      ...(options.causeAudit ?? []),
      ...plans.flatMap((p) => p.audit),
      ...issued.audit,
    ]);

    result.plans = plans;
    result.listingsCreated = created.length;
    const ends: readonly string[] = ENDED_LISTING_STATUSES;
    result.listingsEnded = plans.reduce((n, p) => n + p.events.filter((e) => ends.includes(e.type)).length, 0);
    result.vehiclesChanged = changed.length;
    return result;
  }

  /**
   * 告知书 (SPEC §4.10) for each listing the plans created open: numbered in this transaction, with
   * the party of the registry and the counted trips with their weighings and evidence, and put on
   * `credit.notices.v1` through the outbox.
   */
  private async issueNotices(
    manager: EntityManager,
    plans: CreditPlan[],
    registrations: Map<string, { party: NonNullable<NoticeInsert['party']>; phone: string | null }>,
    issuedAt: Date,
  ): Promise<{ messages: OutboxMessage[]; audit: AuditEntryInput[] }> {
    const listings = plans.flatMap((p) => p.createdListings.filter((l) => p.noticesToIssue.includes(l.id)));
    if (listings.length === 0) return { messages: [], audit: [] };
    const grounds = await this.notices.groundsOf(
      manager,
      listings.map((l) => l.id),
    );
    const numbers = await this.notices.takeNumbers(manager, issuedAt, listings.length);
    const rows: NoticeInsert[] = listings.map((l, i) => {
      const { year, seq, noticeNo } = numbers[i]!;
      const party = registrations.get(l.vehicleKey)?.party ?? null;
      return {
        id: randomUUID(),
        noticeNo,
        year,
        seq,
        listingId: l.id,
        vehicleKey: l.vehicleKey,
        party,
        issuedAt,
        document: composeNoticeDocument({
          noticeNo,
          issuedAt,
          plate: l.plate,
          plateColor: l.plateColor,
          listedAt: l.listedAt,
          party,
          trips: grounds.get(l.id) ?? [],
          noticePeriodWorkingDays: this.rules.noticePeriodWorkingDays,
          objectionReplyWorkingDays: this.config.OBJECTION_REPLY_WORKING_DAYS,
          listingValidityDays: this.rules.listingValidityDays,
          publicationDays: this.rules.publicationDays,
          listingThreshold: this.rules.listingThreshold,
        }),
      };
    });
    await this.notices.insert(manager, rows);
    const messages: OutboxMessage[] = rows.map((n) => {
      const message: NoticeMessageV1 = {
        noticeId: n.id,
        noticeNo: n.noticeNo,
        listingId: n.listingId,
        plate: n.document.vehicle.plate,
        plateColor: n.document.vehicle.plateColor,
        issuedAt: n.issuedAt.toISOString(),
        contactPhone: registrations.get(n.vehicleKey)?.phone ?? null,
        document: n.document,
      };
      return { topic: this.topics.notices, key: n.vehicleKey, payload: { event: message } };
    });
    const audit = rows.map((n) =>
      auditEntry({ at: issuedAt, actor: 'system' }, 'NOTICE_ISSUED', n.id, {
        after: { noticeNo: n.noticeNo, listingId: n.listingId, vehicleKey: n.vehicleKey, party: n.party },
      }),
    );
    return { messages, audit };
  }
}
