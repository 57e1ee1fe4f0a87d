import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { addDays } from '../time/time';
import { assertTwoPersonRule } from './credit-repair';
import { auditEntry, type AuditContext, type CreditAuditAction, type CreditAuditEntry } from './credit-audit';
import type {
  CreditCommand,
  CreditPlanRules,
  DeadlineCalculator,
  DecisionContents,
  ListingNotice,
  ListingPosting,
  NoticeServiceWrite,
  PlanObjection,
  PublicationProposal,
} from './credit-plan';
import {
  isOpenListingStatus,
  type DecidedEndStatus,
  type ListingEventType,
  type ListingStatus,
  type ObjectionTargetType,
  type PostingEndReason,
} from './credit-statuses';
import { assertTransition } from './listing-state-machine';

/**
 * The due-process steps a vehicle listing and a company listing share (SPEC §4.4, §4.9, §4.10): the
 * notice's service and its period, the effect, an end with its notice voided and its posting withdrawn,
 * publication by two persons, the posting's own period. `planCredit` and `planCompanyCredit` each keep a
 * working copy of their subject's listings in a subclass; what differs is named in `ListingVocabulary`
 * and in the subclass's `event` and `snapshot`.
 */

/** The columns every listing's lifecycle reads. */
export interface LifecycleListing {
  id: string;
  status: ListingStatus;
  listedAt: Date;
  effectiveAt: Date | null;
  expiresAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  proposal: PublicationProposal | null;
  publishedAt: Date | null;
  posting: ListingPosting | null;
  notice: ListingNotice | null;
}

/** What the plan collects besides its listing rows, for both subjects. */
export interface LifecyclePlan {
  noticesToIssue: string[];
  noticeServices: NoticeServiceWrite[];
  voidedNotices: string[];
  audit: CreditAuditEntry[];
}

/** How one kind of listing names its steps on the record (docs/rules.md, the audit actions). */
export interface ListingVocabulary {
  /** In messages: "listing", "company listing". */
  noun: string;
  /** The field naming the listing in the entries of its notice and objections. */
  listingKey: 'listingId' | 'companyListingId';
  effective: CreditAuditAction;
  ends: Partial<Record<DecidedEndStatus | 'EXPIRED', CreditAuditAction>>;
  proposed: CreditAuditAction;
  published: CreditAuditAction;
  publicationRejected: CreditAuditAction;
  postingWithdrawn: CreditAuditAction;
  postingArchived: CreditAuditAction;
  /** Whether an end's event carries its reason (company events do; vehicle events never did). */
  endEventCarriesReason: boolean;
}

type PublicationCommand = Extract<CreditCommand, { type: 'PROPOSE_PUBLICATION' }>;
type PublicationReview = Extract<CreditCommand, { type: 'REVIEW_PUBLICATION' }>;
type NoticeService = Extract<CreditCommand, { type: 'SERVE_NOTICE' }>;

/** A plan's working copy of one subject's listings and objections, and the one place that records what changed. */
export abstract class ListingWork<L extends LifecycleListing, P extends LifecyclePlan> {
  protected readonly byId = new Map<string, L>();
  protected readonly objections: PlanObjection[];
  protected readonly created = new Set<string>();
  protected readonly changed = new Set<string>();
  protected readonly original: ReadonlyMap<string, L>;

  protected constructor(
    listings: readonly L[],
    objections: readonly PlanObjection[],
    /** The subject, in messages: a vehicle key or an operatorId. */
    protected readonly owner: string,
    private readonly terms: ListingVocabulary,
    readonly ctx: AuditContext,
    readonly plan: P,
  ) {
    for (const l of listings) this.byId.set(l.id, { ...l, notice: l.notice ? { ...l.notice } : null });
    this.objections = objections.map((o) => ({ ...o }));
    this.original = new Map(listings.map((l) => [l.id, l]));
  }

  /** The listing event of this subject's topic. */
  abstract event(type: ListingEventType, id: string, at: Date, reason?: string): void;
  /** What an audit entry records of a listing before and after a step. */
  abstract snapshot(l: L): Record<string, unknown>;
  /** What every snapshot holds: the status and the lifecycle's instants. */
  protected lifecycleSnapshot(l: L): Record<string, unknown> {
    return {
      status: l.status,
      listedAt: l.listedAt.toISOString(),
      effectiveAt: l.effectiveAt?.toISOString() ?? null,
      expiresAt: l.expiresAt?.toISOString() ?? null,
      endedAt: l.endedAt?.toISOString() ?? null,
    };
  }

  /** The objections that hold or date a listing (§4.10). */
  abstract objectionsOf(listingId: string): PlanObjection[];

  listings(): L[] {
    return [...this.byId.values()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  listing(id: string): L {
    const l = this.byId.get(id);
    if (!l) throw new DomainError(DomainErrorCode.NOT_FOUND, `${this.terms.noun} ${id} not found for ${this.owner}`);
    return l;
  }

  addObjection(objection: PlanObjection): void {
    this.objections.push({ ...objection });
  }

  decideObjection(id: string, status: 'UPHELD' | 'REJECTED'): void {
    const o = this.objections.find((x) => x.id === id);
    if (!o) throw new DomainError(DomainErrorCode.NOT_FOUND, `objection ${id} not found for ${this.owner}`);
    if (o.status !== 'PENDING') {
      throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `the objection is already ${o.status}`, [
        { field: 'status', message: o.status },
      ]);
    }
    o.status = status;
    o.decidedAt = this.ctx.at;
  }

  /**
   * §4.10: an objection to a decision is to one that still stands — a listing that has not ended, or a
   * posting still up. A listing that ended, or a posting withdrawn or archived, is answered by nothing an
   * upheld objection could change: it is refused with the reason (409), not recorded to no effect.
   */
  assertObjectionTarget(listingId: string, target: ObjectionTargetType): void {
    const l = this.listing(listingId);
    if (target === 'POSTING' && l.posting?.status !== 'POSTED') {
      throw new DomainError(
        DomainErrorCode.INVALID_TRANSITION,
        `nothing of this ${this.terms.noun} is posted (posting ${l.posting?.status ?? 'none'})`,
        [{ field: 'target.id', message: `posting ${l.posting?.status ?? 'none'}` }],
      );
    }
    if (target === 'LISTING' && !isOpenListingStatus(l.status)) {
      throw new DomainError(
        DomainErrorCode.INVALID_TRANSITION,
        `the ${this.terms.noun} is ${l.status}: an objection is to its posting, if one is up`,
        [{ field: 'target.id', message: l.status }],
      );
    }
  }

  change(id: string, patch: Partial<L>): void {
    this.byId.set(id, { ...this.listing(id), ...patch });
    if (!this.created.has(id)) this.changed.add(id);
  }

  audit(action: CreditAuditAction, entityId: string, change: Parameters<typeof auditEntry>[3]): void {
    this.plan.audit.push(auditEntry(this.ctx, action, entityId, change));
  }

  /** §4.4: in effect at the end of the notice period (or an objection's rejection); expiry counts from it. */
  takeEffect(id: string, effectiveAt: Date, afterObjection: boolean, rules: CreditPlanRules): void {
    const before = this.listing(id);
    assertTransition(before.status, 'TAKE_EFFECT');
    this.change(id, {
      status: 'LISTED',
      effectiveAt,
      expiresAt: addDays(effectiveAt, rules.listingValidityDays),
    } as Partial<L>);
    this.audit(this.terms.effective, id, {
      before: this.snapshot(before),
      after: this.snapshot(this.listing(id)),
      reason: afterObjection
        ? 'objection rejected after the notice period'
        : 'notice period ended with no objection pending',
    });
    this.event('LISTED', id, effectiveAt);
  }

  /** A decided end (or expiry): the listing's own entry and event, its unserved notice voided, then its posting. */
  end(
    id: string,
    status: DecidedEndStatus | 'EXPIRED',
    endedAt: Date,
    reason: string,
    postingReason: PostingEndReason,
  ): void {
    const before = this.listing(id);
    if (!isOpenListingStatus(before.status)) return;
    const action = this.terms.ends[status];
    if (!action) {
      throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `a ${this.terms.noun} cannot be ${status}`, [
        { field: 'status', message: before.status },
      ]);
    }
    if (status === 'WITHDRAWN') assertTransition(before.status, 'WITHDRAW');
    this.change(id, { status, endedAt, endReason: reason } as Partial<L>);
    this.audit(action, id, { before: this.snapshot(before), after: this.snapshot(this.listing(id)), reason });
    this.event(status, id, endedAt, this.terms.endEventCarriesReason ? reason : undefined);
    if (before.notice?.status === 'ISSUED') {
      this.plan.voidedNotices.push(before.notice.id);
      this.listing(id).notice = { ...before.notice, status: 'VOID' };
      this.audit('NOTICE_VOIDED', before.notice.id, {
        before: { status: 'ISSUED' },
        after: { status: 'VOID', [this.terms.listingKey]: id },
        reason: `${this.terms.noun} ${status} before service`,
      });
    }
    // The expiry of the listing ends the turn-back, not the posting (POSTING_ENDS_WITH_LISTING=false).
    if (status !== 'EXPIRED' && before.posting?.status === 'POSTED') this.withdrawPosting(id, postingReason, endedAt);
  }

  withdrawPosting(id: string, reason: PostingEndReason, at: Date): void {
    const l = this.listing(id);
    if (l.posting?.status !== 'POSTED') return;
    const posting: ListingPosting = { ...l.posting, status: 'WITHDRAWN', withdrawnAt: at, reason };
    this.change(id, { posting } as Partial<L>);
    this.audit(this.terms.postingWithdrawn, id, {
      before: { posting: postingSnapshot(l.posting) },
      after: { posting: postingSnapshot(posting) },
      reason,
    });
    this.event('POSTING_WITHDRAWN', id, at, reason);
  }

  /** An OFFICER proposes publication (§4.4); the status stays, the proposal waits for review. */
  proposePublication(command: PublicationCommand, standardContents: (l: L) => DecisionContents): void {
    const l = this.listing(command.listingId);
    assertTransition(l.status, 'PROPOSE_PUBLICATION', { pendingProposal: l.proposal !== null });
    const proposal: PublicationProposal = {
      decisionNo: command.decisionNo,
      legalBasis: command.legalBasis,
      contents: command.contents ?? standardContents(l),
      proposedBy: this.ctx.actor,
      proposedAt: this.ctx.at.toISOString(),
    };
    this.audit(this.terms.proposed, l.id, {
      before: { status: l.status, proposal: null },
      after: { status: l.status, proposal },
    });
    this.change(l.id, { proposal } as Partial<L>);
  }

  /** A LEGAL_REVIEWER who is not the proposer publishes (失信公示) or rejects (§4.4, §4.8). */
  reviewPublication(command: PublicationReview, rules: CreditPlanRules): void {
    const l = this.listing(command.listingId);
    const now = this.ctx.at;
    assertTransition(l.status, command.approve ? 'APPROVE_PUBLICATION' : 'REJECT_PUBLICATION', {
      pendingProposal: l.status === 'LISTED' && l.proposal !== null,
    });
    // 两人规则 (§4.8): rejecting is a review decision too.
    assertTwoPersonRule(l.proposal!.proposedBy, this.ctx.actor);
    if (command.approve) {
      const until = addDays(now, rules.publicationDays);
      this.audit(this.terms.published, l.id, {
        before: { status: l.status, proposal: { ...l.proposal } },
        after: { status: 'PUBLISHED', publishedAt: now.toISOString(), postingUntil: until.toISOString() },
        reason: command.opinion,
      });
      this.change(l.id, {
        status: 'PUBLISHED',
        publishedAt: now,
        posting: { status: 'POSTED', until, withdrawnAt: null, reason: null },
      } as Partial<L>);
      this.event('PUBLISHED', l.id, now);
    } else {
      this.audit(this.terms.publicationRejected, l.id, {
        before: { status: l.status, proposal: { ...l.proposal } },
        after: { status: l.status, proposal: null },
        reason: command.opinion,
      });
      this.change(l.id, { proposal: null } as Partial<L>);
    }
  }

  /** §4.10: the service starts the notice period, to 24:00 of its last working day (or "calendar missing"). */
  serveNotice(command: NoticeService, deadline: DeadlineCalculator, rules: CreditPlanRules): void {
    const l = this.listings().find((x) => x.notice?.id === command.noticeId);
    if (!l || !l.notice) throw new DomainError(DomainErrorCode.NOT_FOUND, `notice ${command.noticeId} not found`);
    if (l.notice.status !== 'ISSUED') {
      throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `the notice is already ${l.notice.status}`, [
        { field: 'status', message: l.notice.status },
      ]);
    }
    const period = deadline(command.servedAt, rules.noticePeriodWorkingDays);
    const service: NoticeServiceWrite = {
      noticeId: command.noticeId,
      servedAt: command.servedAt,
      method: command.method,
      periodEndsAt: period.ok ? period.dueBy : null,
      calendarMissing: !period.ok,
    };
    l.notice = {
      ...l.notice,
      status: 'SERVED',
      servedAt: command.servedAt,
      periodEndsAt: service.periodEndsAt,
      calendarMissing: service.calendarMissing,
    };
    this.plan.noticeServices.push(service);
    this.audit('NOTICE_SERVED', command.noticeId, {
      before: { status: 'ISSUED' },
      after: {
        status: 'SERVED',
        [this.terms.listingKey]: l.id,
        method: command.method,
        servedAt: command.servedAt.toISOString(),
        periodEndsAt: service.periodEndsAt?.toISOString() ?? null,
        calendarMissing: service.calendarMissing,
      },
    });
  }

  /**
   * §4.4 公示: a posting stays up until publishedAt + PUBLICATION_DAYS whatever becomes of the listing
   * (unless POSTING_ENDS_WITH_LISTING), is withdrawn at once on a repair, revocation or correction, and
   * is archived (kept, not public) at the end of its period.
   */
  postings(rules: CreditPlanRules): void {
    const now = this.ctx.at;
    for (const l of this.listings()) {
      if (!l.posting) continue;
      if (l.posting.status === 'POSTED' && l.status === 'EXPIRED' && rules.postingEndsWithListing) {
        this.withdrawPosting(l.id, 'LISTING_EXPIRED', l.endedAt ?? now);
      }
      const current = this.listing(l.id).posting!;
      const archived = archivedPosting(current, now);
      if (archived) {
        if (current.status === 'POSTED') this.event('POSTING_WITHDRAWN', l.id, archived.withdrawnAt!, archived.reason!);
        this.change(l.id, { posting: archived } as Partial<L>);
        this.audit(this.terms.postingArchived, l.id, {
          before: { posting: postingSnapshot(current) },
          after: { posting: postingSnapshot(archived) },
          reason: archived.reason,
        });
      }
    }
  }

  /** The created listings and the changed ones whose columns differ from the stored row, as rows to write. */
  protected rows<W>(row: (l: L) => W): { created: W[]; changed: W[] } {
    const created = [...this.created].map((id) => row(this.listing(id)));
    const changed: W[] = [];
    for (const id of this.changed) {
      const now = row(this.listing(id));
      const was = this.original.get(id);
      if (was && JSON.stringify(row(was)) === JSON.stringify(now)) continue;
      changed.push(now);
    }
    return { created, changed };
  }
}

/** The posting archived at the end of its period (kept, not public), or null while it runs (§4.4). */
export function archivedPosting(p: ListingPosting, now: Date): ListingPosting | null {
  if (p.status === 'ARCHIVED' || now.getTime() < p.until.getTime()) return null;
  return { ...p, status: 'ARCHIVED', withdrawnAt: p.withdrawnAt ?? p.until, reason: p.reason ?? 'PERIOD_END' };
}

export function postingSnapshot(p: ListingPosting): Record<string, unknown> {
  return {
    status: p.status,
    until: p.until.toISOString(),
    withdrawnAt: p.withdrawnAt?.toISOString() ?? null,
    reason: p.reason,
  };
}
