import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { addDays, assertValidDate, MS_PER_DAY } from '../time/time';
import { assertTwoPersonRule } from './credit-repair';
import type { AuditContext, CreditAuditEntry } from './credit-audit';
import {
  noticeEffect,
  type CreditCommand,
  type CreditPlanRules,
  type DeadlineCalculator,
  type NoticeServiceWrite,
  type PlanObjection,
} from './credit-plan';
import {
  isEffectiveListingStatus,
  isOpenListingStatus,
  type ListingEventType,
  type ListingStatus,
} from './credit-statuses';
import { ListingWork, type LifecycleListing, type ListingVocabulary } from './listing-work';
import { standardCompanyDecisionContents } from './company-notice-document';

/**
 * 道路运输企业 listings (SPEC §4.9, docs/rules.md "Company listings"): a transport company whose
 * registered vehicles with a listing in effect exceed COMPANY_LISTING_PERCENT of its registered fleet
 * within the counting window (交办公路〔2017〕8号) becomes a candidate, with the same due process as a
 * vehicle (§4.4, §4.10: PENDING with a notice, objections, the notice period, LISTED, publication by two
 * persons, the posting's own period). It turns no truck back: the gate reads vehicle listings only.
 */
export interface CompanyCreditRules extends CreditPlanRules {
  /** COMPANY_LISTING_PERCENT (10): the share of the fleet that must be exceeded. */
  companyListingPercent: number;
}

/** A listing of one of the company's registered vehicles that took effect (the grounds). */
export interface CompanyGround {
  vehicleKey: string;
  listingId: string;
  status: ListingStatus;
  effectiveAt: Date;
}

export interface PlanCompanyListing extends LifecycleListing {
  /** The instant the share was first exceeded: the effect of the vehicle listing that crossed it. */
  listedAt: Date;
  /** Distinct vehicles with a listing in effect in the window ending at listedAt. */
  vehicleCount: number;
  /** The registered fleet when this was last counted. */
  fleetSize: number;
  vehicleListingIds: string[];
}

export interface CompanyCreditFacts {
  /** 统一社会信用代码 of the 道路运输企业 (the registry's operatorId). */
  operatorId: string;
  /** Vehicles the vehicle registry names with this operatorId now. */
  fleetSize: number;
  grounds: readonly CompanyGround[];
  listings: readonly PlanCompanyListing[];
  /** Objections against a company listing or its posting (listingId = the company listing). */
  objections: readonly PlanObjection[];
}

/** What staff (or the scheduler) do to a company listing: the vehicle commands that apply to it. */
export type CompanyCreditCommand =
  | Extract<
      CreditCommand,
      { type: 'PROPOSE_PUBLICATION' | 'REVIEW_PUBLICATION' | 'RECORD_OBJECTION' | 'SERVE_NOTICE' | 'SCHEDULED' }
    >
  | {
      type: 'DECIDE_OBJECTION';
      objectionId: string;
      handler: string;
      /** LISTING or POSTING: the company listing itself. */
      target: { type: 'LISTING' | 'POSTING'; id: string };
      listingId: string;
      uphold: boolean;
      reply: string;
    };

export interface CompanyPlanInput {
  facts: CompanyCreditFacts;
  rules: CompanyCreditRules;
  deadline: DeadlineCalculator;
  now: Date;
  actor: string;
  newId: () => string;
  command?: CompanyCreditCommand;
}

export interface CompanyListingWrite extends Omit<PlanCompanyListing, 'notice'> {
  operatorId: string;
}

/** `credit.company-listing-events.v1` (docs/contracts): a company listing's steps, for the credit platforms. */
export interface CompanyListingEvent {
  eventId: string;
  type: ListingEventType;
  companyListingId: string;
  operatorId: string;
  at: string;
  vehicleCount: number;
  fleetSize: number;
  reason?: string;
}

export interface CompanyCreditPlan {
  operatorId: string;
  createdListings: CompanyListingWrite[];
  changedListings: CompanyListingWrite[];
  /** Company listings created open: each needs its notice, numbered by the writer. */
  noticesToIssue: string[];
  noticeServices: NoticeServiceWrite[];
  voidedNotices: string[];
  events: CompanyListingEvent[];
  audit: CreditAuditEntry[];
}

export const GROUNDS_REMOVED = 'GROUNDS_REMOVED';
const OBJECTION_UPHELD = 'OBJECTION_UPHELD';

/**
 * Whether the share is exceeded, and since when (order-independent: from the effects alone). The
 * grounds are the vehicle listings that took effect and were not revoked or withdrawn (a repaired or
 * expired listing still happened); from `after` on, the first instant at which the distinct vehicles
 * with an effect in (t − COUNT_WINDOW_DAYS, t] exceed the percentage of the fleet.
 */
export function deriveCompanyCandidacy(
  grounds: readonly CompanyGround[],
  fleetSize: number,
  rules: Pick<CompanyCreditRules, 'companyListingPercent' | 'countWindowDays'>,
  after: Date,
): { listedAt: Date; vehicleCount: number; vehicleListingIds: string[] } | null {
  if (fleetSize <= 0) return null;
  const windowMs = rules.countWindowDays * MS_PER_DAY;
  const valid = grounds
    .filter((g) => g.status !== 'REVOKED' && g.status !== 'WITHDRAWN' && g.effectiveAt.getTime() > after.getTime())
    .sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.listingId.localeCompare(b.listingId));
  for (const g of valid) {
    const t = g.effectiveAt.getTime();
    const inWindow = valid.filter((x) => x.effectiveAt.getTime() > t - windowMs && x.effectiveAt.getTime() <= t);
    const vehicles = new Set(inWindow.map((x) => x.vehicleKey));
    if (vehicles.size * 100 > rules.companyListingPercent * fleetSize) {
      return {
        listedAt: new Date(t),
        vehicleCount: vehicles.size,
        vehicleListingIds: inWindow.map((x) => x.listingId).sort(),
      };
    }
  }
  return null;
}

/**
 * The company's listings after a change: the command's own facts, the grounds (a candidacy created,
 * recounted, or ended when revocations took its grounds away), the effect at the end of the notice
 * period, expiry and the posting's period. Pure, like `planCredit`.
 */
export function planCompanyCredit(input: CompanyPlanInput): CompanyCreditPlan {
  const { facts, rules, now } = input;
  assertValidDate(now, 'now');
  const work = new CompanyWork(facts, { at: now, actor: input.actor });

  if (input.command) applyCompanyCommand(input.command, work, input);

  // Grounds first: a candidacy whose grounds are gone is withdrawn, it does not take effect.
  const ended = work.listings().filter((l) => !isOpenListingStatus(l.status) && l.endedAt);
  const freshStart = new Date(ended.reduce((max, l) => Math.max(max, l.endedAt!.getTime()), -8.64e15));
  const open = work.listings().find((l) => isOpenListingStatus(l.status)) ?? null;
  if (open) {
    const derived = deriveCompanyCandidacy(facts.grounds, facts.fleetSize, rules, freshStart);
    if (!derived) {
      work.end(open.id, open.status === 'PENDING' ? 'WITHDRAWN' : 'REVOKED', now, GROUNDS_REMOVED, 'REVOKED');
    } else if (
      derived.listedAt.getTime() !== open.listedAt.getTime() ||
      derived.vehicleCount !== open.vehicleCount ||
      facts.fleetSize !== open.fleetSize
    ) {
      work.change(open.id, { ...derived, fleetSize: facts.fleetSize });
      work.audit('COMPANY_LISTING_RECOUNTED', open.id, {
        before: work.snapshot(open),
        after: work.snapshot(work.listing(open.id)),
        reason: 'vehicle listings or the registered fleet changed',
      });
    }
  } else {
    const windowStart = new Date(now.getTime() - rules.countWindowDays * MS_PER_DAY);
    const after = new Date(Math.max(freshStart.getTime(), windowStart.getTime()));
    const derived = deriveCompanyCandidacy(facts.grounds, facts.fleetSize, rules, after);
    if (derived) work.create(derived, facts.fleetSize, input);
  }

  for (const l of work.listings()) {
    if (l.status === 'PENDING') {
      const effect = noticeEffect(l.notice, work.objectionsOf(l.id), now);
      if (effect) work.takeEffect(l.id, effect.at, effect.afterObjection, rules);
    }
  }
  for (const l of work.listings()) {
    if (isEffectiveListingStatus(l.status) && l.expiresAt && now.getTime() >= l.expiresAt.getTime()) {
      work.end(l.id, 'EXPIRED', l.expiresAt, 'EXPIRED', 'LISTING_EXPIRED');
    }
  }
  work.postings(rules);
  return work.finish();
}

function applyCompanyCommand(command: CompanyCreditCommand, work: CompanyWork, input: CompanyPlanInput): void {
  const { now, rules } = input;
  switch (command.type) {
    case 'PROPOSE_PUBLICATION':
      work.proposePublication(command, (l) => standardCompanyDecisionContents(l.vehicleCount, l.fleetSize, rules));
      return;
    case 'REVIEW_PUBLICATION':
      work.reviewPublication(command, rules);
      return;
    case 'RECORD_OBJECTION': {
      if (!command.objection.listingId) {
        throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'a company objection names its listing', [
          { field: 'target.id', message: 'must be a company listing' },
        ]);
      }
      work.assertObjectionTarget(command.objection.listingId, command.target.type);
      work.addObjection({ ...command.objection, status: 'PENDING', decidedAt: null });
      work.audit('OBJECTION_RECORDED', command.objection.id, {
        after: {
          status: 'PENDING',
          target: command.target,
          companyListingId: command.objection.listingId,
          receivedAt: command.objection.receivedAt.toISOString(),
        },
      });
      return;
    }
    case 'DECIDE_OBJECTION': {
      assertTwoPersonRule(command.handler, work.ctx.actor);
      const l = work.listing(command.listingId);
      work.decideObjection(command.objectionId, command.uphold ? 'UPHELD' : 'REJECTED');
      work.audit(command.uphold ? 'OBJECTION_UPHELD' : 'OBJECTION_REJECTED', command.objectionId, {
        before: { status: 'PENDING' },
        after: { status: command.uphold ? 'UPHELD' : 'REJECTED', companyListingId: l.id },
        reason: command.reply,
      });
      if (!command.uphold) return;
      if (isOpenListingStatus(l.status)) {
        work.end(l.id, l.status === 'PENDING' ? 'WITHDRAWN' : 'REVOKED', now, OBJECTION_UPHELD, 'CORRECTED');
      } else {
        work.withdrawPosting(l.id, 'CORRECTED', now);
      }
      return;
    }
    case 'SERVE_NOTICE':
      work.serveNotice(command, input.deadline, rules);
      return;
    case 'SCHEDULED':
      return;
  }
}

const COMPANY_LISTING: ListingVocabulary = {
  noun: 'company listing',
  listingKey: 'companyListingId',
  effective: 'COMPANY_LISTING_EFFECTIVE',
  // A company listing is not repaired itself: it ends when its grounds go (GROUNDS_REMOVED).
  ends: {
    WITHDRAWN: 'COMPANY_LISTING_WITHDRAWN',
    REVOKED: 'COMPANY_LISTING_REVOKED',
    EXPIRED: 'COMPANY_LISTING_EXPIRED',
  },
  proposed: 'COMPANY_LISTING_PROPOSED',
  published: 'COMPANY_LISTING_PUBLISHED',
  publicationRejected: 'COMPANY_LISTING_PUBLICATION_REJECTED',
  postingWithdrawn: 'COMPANY_POSTING_WITHDRAWN',
  postingArchived: 'COMPANY_POSTING_ARCHIVED',
  endEventCarriesReason: true,
};

/** The company plan's working copy of its listings (listing-work.ts). */
class CompanyWork extends ListingWork<PlanCompanyListing, CompanyCreditPlan> {
  constructor(
    private readonly facts: CompanyCreditFacts,
    ctx: AuditContext,
  ) {
    super(facts.listings, facts.objections, facts.operatorId, COMPANY_LISTING, ctx, {
      operatorId: facts.operatorId,
      createdListings: [],
      changedListings: [],
      noticesToIssue: [],
      noticeServices: [],
      voidedNotices: [],
      events: [],
      audit: [],
    });
  }

  objectionsOf(listingId: string): PlanObjection[] {
    return this.objections.filter((o) => o.listingId === listingId);
  }

  event(type: ListingEventType, id: string, at: Date, reason?: string): void {
    const l = this.listing(id);
    this.plan.events.push({
      eventId: `${l.id}:${type}`,
      type,
      companyListingId: l.id,
      operatorId: this.facts.operatorId,
      at: at.toISOString(),
      vehicleCount: l.vehicleCount,
      fleetSize: l.fleetSize,
      ...(reason ? { reason } : {}),
    });
  }

  snapshot(l: PlanCompanyListing): Record<string, unknown> {
    return {
      operatorId: this.facts.operatorId,
      ...this.lifecycleSnapshot(l),
      vehicleCount: l.vehicleCount,
      fleetSize: l.fleetSize,
      vehicleListingIds: l.vehicleListingIds,
    };
  }

  create(
    derived: { listedAt: Date; vehicleCount: number; vehicleListingIds: string[] },
    fleetSize: number,
    input: CompanyPlanInput,
  ): void {
    const id = input.newId();
    // NOTICE_PERIOD_WORKING_DAYS=0: in effect at once, as a vehicle listing (the notice is still issued).
    const immediate = input.rules.noticePeriodWorkingDays === 0;
    const listing: PlanCompanyListing = {
      id,
      status: immediate ? 'LISTED' : 'PENDING',
      ...derived,
      effectiveAt: immediate ? derived.listedAt : null,
      expiresAt: immediate ? addDays(derived.listedAt, input.rules.listingValidityDays) : null,
      endedAt: null,
      endReason: null,
      fleetSize,
      proposal: null,
      publishedAt: null,
      posting: null,
      notice: null,
    };
    this.byId.set(id, listing);
    this.created.add(id);
    this.audit('COMPANY_LISTING_CREATED', id, {
      after: this.snapshot(listing),
      reason: `${derived.vehicleCount} of ${fleetSize} registered vehicles listed: above COMPANY_LISTING_PERCENT`,
    });
    this.plan.noticesToIssue.push(id);
    this.event(listing.status === 'PENDING' ? 'PENDING' : 'LISTED', id, derived.listedAt);
  }

  finish(): CompanyCreditPlan {
    const { created, changed } = this.rows((l): CompanyListingWrite => {
      const { notice: _notice, ...columns } = l;
      return { ...columns, operatorId: this.facts.operatorId };
    });
    this.plan.createdListings.push(...created);
    this.plan.changedListings.push(...changed);
    return this.plan;
  }
}
