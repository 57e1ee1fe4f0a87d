import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { assertValidDate } from '../time/time';
import type { PlateColorCode } from '../plate/plate-color';
import { parseVehicleKey } from '../plate/vehicle-key';
import type { WorkingDayDeadline } from '../time/official-calendar';
import { assertTwoPersonRule } from './credit-repair';
import { auditEntry, type AuditContext, type CreditAuditEntry } from './credit-audit';
import type { CreditRules } from './credit-rules';
import {
  isDecidedEndStatus,
  isEffectiveListingStatus,
  isOpenListingStatus,
  type DecidedEndStatus,
  type EffectiveListingStatus,
  type ListingEventType,
  type ListingStatus,
  type NoticeServiceMethod,
  type NoticeStatus,
  type ObjectionStatus,
  type ObjectionTargetType,
  type PostingEndReason,
  type PostingStatus,
  type VehicleCreditState,
  type ViolationStatus,
} from './credit-statuses';
import { standardDecisionContents } from './notice-document';
import { deriveCredit, type DerivedListing, type ListingEffect, type ListingEnding } from './derive-credit';
import { assertTransition } from './listing-state-machine';
import { ListingWork, type LifecycleListing, type ListingVocabulary } from './listing-work';
import { reconcileListings, type ListingChange, type StoredListing } from './reconcile-listings';

/** §4.3–4.5 and §4.10 parameters (configuration, SPEC §7). */
export interface CreditPlanRules extends CreditRules {
  /** NOTICE_PERIOD_WORKING_DAYS (5); 0: a listing is in effect at listedAt (the notice is still issued). */
  noticePeriodWorkingDays: number;
  /** PUBLICATION_DAYS (730): a posting stays up this long from publication (交办公路〔2017〕8号). */
  publicationDays: number;
  /** POSTING_ENDS_WITH_LISTING (false): whether the listing's expiry also takes the posting down. */
  postingEndsWithListing: boolean;
}

/** A working-day deadline on the official calendar (§4.10); refused, never guessed, past the known years. */
export type DeadlineCalculator = (trigger: Date, workingDays: number) => WorkingDayDeadline;

export interface PlanViolation {
  id: string;
  eventId: string;
  measuredAt: Date;
  status: ViolationStatus;
  tripId: string | null;
  listingId: string | null;
}

/** 决定书 contents (§4.4): 事由, 依据, 惩戒措施, 移出条件和程序, 救济途径, and 信用修复告知 (§4.5). */
export interface DecisionContents {
  grounds: string;
  basis: string;
  measures: string;
  removal: string;
  remedies: string;
  repairNotice: string;
}

export interface PublicationProposal {
  decisionNo: string;
  legalBasis: string;
  contents: DecisionContents;
  proposedBy: string;
  proposedAt: string;
}

export interface ListingPosting {
  status: PostingStatus;
  /** publishedAt + PUBLICATION_DAYS. */
  until: Date;
  withdrawnAt: Date | null;
  reason: PostingEndReason | null;
}

export interface ListingNotice {
  id: string;
  status: NoticeStatus;
  servedAt: Date | null;
  /** 24:00 of the last working day of the notice period; null before service or without a calendar. */
  periodEndsAt: Date | null;
  calendarMissing: boolean;
}

/** A stored listing with everything its lifecycle depends on. */
export interface PlanListing extends LifecycleListing {
  violationCount: number;
}

/** An objection of the vehicle (§4.10), reduced to what holds or dates a listing. */
export interface PlanObjection {
  id: string;
  status: ObjectionStatus;
  /** The listing it is about (its target, or the listing of its target when recorded). */
  listingId: string | null;
  /** The violations it names (a violation target, or the violation of a weighing). */
  violationIds: readonly string[];
  /** Only an objection received before the notice period ended holds the listing (§4.10). */
  receivedAt: Date;
  decidedAt: Date | null;
}

export interface PlanVehicleState {
  state: VehicleCreditState;
  countInWindow: number;
  activeListingId: string | null;
}

export interface VehicleCreditFacts {
  vehicleKey: string;
  violations: readonly PlanViolation[];
  listings: readonly PlanListing[];
  objections: readonly PlanObjection[];
  state: PlanVehicleState | null;
}

/**
 * What staff (or the scheduler) do to a vehicle's credit. Each is validated here against the facts as
 * they are under the vehicle lock; the proposer/handler fields carry the two-person rule (§4.8).
 */
export type CreditCommand =
  | {
      type: 'PROPOSE_PUBLICATION';
      listingId: string;
      decisionNo: string;
      legalBasis: string;
      contents?: DecisionContents;
    }
  | { type: 'REVIEW_PUBLICATION'; listingId: string; approve: boolean; opinion: string }
  | { type: 'APPROVE_REPAIR'; listingId: string; repairId: string; submittedBy: string; opinion: string }
  | { type: 'PROCESS_VIOLATION'; violationId: string; caseNo: string; fineYuan: number; processedAt: Date }
  | { type: 'PROPOSE_REVOCATION'; violationId: string; revocationId: string; reason: string }
  | {
      type: 'REVIEW_REVOCATION';
      violationId: string;
      revocationId: string;
      proposedBy: string;
      reason: string;
      approve: boolean;
      opinion: string;
    }
  | {
      type: 'RECORD_OBJECTION';
      objection: Omit<PlanObjection, 'status' | 'decidedAt'>;
      target: { type: ObjectionTargetType; id: string };
    }
  | {
      type: 'DECIDE_OBJECTION';
      objectionId: string;
      handler: string;
      target: { type: ObjectionTargetType; id: string };
      /** The listing the objection is about (its target, or the listing of its target); null if none. */
      listingId: string | null;
      /** Violations the objection names (its target, or those of a weighing): revoked when upheld. */
      violationIds: readonly string[];
      uphold: boolean;
      reply: string;
    }
  | { type: 'SERVE_NOTICE'; noticeId: string; servedAt: Date; method: NoticeServiceMethod }
  /** The scheduler: notice periods ending, expiry, postings' period end — the clock is the only input. */
  | { type: 'SCHEDULED' };

export interface CreditPlanInput {
  facts: VehicleCreditFacts;
  rules: CreditPlanRules;
  deadline: DeadlineCalculator;
  /** Processing time of this change. */
  now: Date;
  actor: string;
  /** The id of a new listing (the writer's UUID source: the domain draws no random numbers). */
  newId: () => string;
  command?: CreditCommand;
  /** Violations stored in this transaction: each gets its VIOLATION_RECORDED entry. */
  newViolationIds?: ReadonlySet<string>;
  /**
   * The end reason of listings this plan ends because their acts are gone (default
   * RECOUNT_BELOW_THRESHOLD); PERMIT_EXEMPTED when a permit record removed them (docs/rules.md).
   */
  revocationReason?: string;
}

/** A listing row as it is to be written (every mutable column). */
export interface ListingWrite extends Omit<PlanListing, 'notice'> {
  vehicleKey: string;
  plate: string;
  plateColor: number;
}

export interface ListingEvent {
  eventId: string;
  type: ListingEventType;
  listingId: string;
  plate: string;
  plateColor: number;
  at: string;
  violationCount: number;
  reason?: string;
}

export interface NoticeServiceWrite {
  noticeId: string;
  servedAt: Date;
  method: NoticeServiceMethod;
  periodEndsAt: Date | null;
  calendarMissing: boolean;
}

export interface CreditPlan {
  vehicleKey: string;
  /** New listings; each open one needs a notice (§4.10), issued by the writer with its number. */
  createdListings: ListingWrite[];
  changedListings: ListingWrite[];
  assignments: { id: string; tripId: string | null; listingId: string | null }[];
  revokedViolations: { id: string; reason: string; revokedAt: Date }[];
  processedViolations: { id: string; caseNo: string; fineYuan: number; processedAt: Date }[];
  /** 抄告 (§4.10): listings in effect whose every violation is now processed. */
  caseReferrals: string[];
  noticesToIssue: string[];
  noticeServices: NoticeServiceWrite[];
  voidedNotices: string[];
  /** Null when nothing the state holds changed. */
  state: PlanVehicleState | null;
  /** What the gate reads (§4.6): the listing in effect; written only for vehicles ever listed. */
  cache: { listing: CachedListing | null } | null;
  events: ListingEvent[];
  audit: CreditAuditEntry[];
}

export interface CachedListing {
  id: string;
  status: EffectiveListingStatus;
  listedAt: string;
  violationCount: number;
}

const OBJECTION_UPHELD = 'OBJECTION_UPHELD';

/**
 * The end reason of a listing whose acts a later permit record exempted (docs/rules.md, permits): it
 * stays on record but is no fact of counting — not a fresh start, and its remaining violations are not
 * held by it — so that every arrival order of weighings and permits counts the same. The writer's
 * loadFacts leaves such listings out.
 */
export const PERMIT_EXEMPTED = 'PERMIT_EXEMPTED';

/**
 * The credit of one vehicle after a change (docs/rules.md): from its stored facts, the rules, the
 * clock and an optional command, everything to write — listing rows, each violation's trip and listing,
 * revocations, notices, the vehicle state, the gate's cache entry, the listing events and the audit
 * entries, in the order they happened. Pure: the application service locks, loads, calls this, writes.
 *
 * Steps: the command's own facts (a revocation, a repair's end, a served notice, a decided objection);
 * the lifecycle of a pending listing (§4.4: in effect at the end of its notice period unless an
 * objection holds it); the derivation from event time with its reconciliation; postings (§4.4: their
 * own period, withdrawn with a reason); the state and cache entry.
 */
export function planCredit(input: CreditPlanInput): CreditPlan {
  const { facts, rules, now } = input;
  assertValidDate(now, 'now');
  const identity = parseVehicleKey(facts.vehicleKey);
  if (!identity) throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `not a vehicle key: ${facts.vehicleKey}`);
  const ctx: AuditContext = { at: now, actor: input.actor };
  const plan: CreditPlan = {
    vehicleKey: facts.vehicleKey,
    createdListings: [],
    changedListings: [],
    assignments: [],
    revokedViolations: [],
    processedViolations: [],
    caseReferrals: [],
    noticesToIssue: [],
    noticeServices: [],
    voidedNotices: [],
    state: null,
    cache: null,
    events: [],
    audit: [],
  };
  const work = new Work(facts, identity, ctx, plan);

  for (const v of facts.violations) {
    if (input.newViolationIds?.has(v.id)) {
      plan.audit.push(
        auditEntry(ctx, 'VIOLATION_RECORDED', v.id, {
          after: {
            vehicleKey: facts.vehicleKey,
            eventId: v.eventId,
            measuredAt: v.measuredAt.toISOString(),
            status: v.status,
          },
        }),
      );
    }
  }
  // Listings the command itself ends (repair, an upheld objection on a listing), with their reason.
  const decidedEnds = new Map<string, { status: DecidedEndStatus; reason: string; postingReason: PostingEndReason }>();
  let objectionEnding = false;
  if (input.command) {
    const outcome = applyCommand(input.command, work, input);
    for (const [id, end] of outcome.ends) decidedEnds.set(id, end);
    objectionEnding = outcome.correction;
  }

  // The command's own ends first: a listing an upheld objection withdraws must not take effect now.
  for (const [id, end] of decidedEnds) work.end(id, end.status, now, end.reason, end.postingReason);

  // §4.4: a PENDING listing takes effect at the end of its period, or at an objection's rejection.
  for (const l of work.listings()) if (l.status === 'PENDING') takeEffectIfDue(l, work, input);

  // Event time (§4.3): trips, counting and listings derived afresh from the counted violations.
  const counted = work.violations.filter((v) => v.status !== 'REVOKED');
  const latest = counted.reduce((max, v) => Math.max(max, v.measuredAt.getTime()), 0);
  const derivationNow = new Date(Math.max(now.getTime(), latest));
  const immediateEffect = rules.noticePeriodWorkingDays === 0;
  const derive = (extraEndings: readonly ListingEnding[]) =>
    deriveCredit({
      violations: counted.map((v) => ({ id: v.id, eventId: v.eventId, measuredAt: v.measuredAt })),
      endings: [...work.endings(), ...extraEndings],
      effects: work.effects(),
      immediateEffect,
      rules,
      now: derivationNow,
    });
  const derivation = derive([]);
  const changes = reconcileListings(work.storedForReconcile(), derivation.listings, now);
  // A listing ended by this plan is a fresh start from now (§4.3): the count shown must not hold its trips.
  const endedHere = changes.flatMap((c) =>
    c.kind === 'REVOKE' ? [{ listingId: c.id, endedAt: c.endedAt, status: 'REVOKED' as const }] : [],
  );
  // A permit exemption is no fresh start: the count is the derivation's, as the next plan (which no
  // longer sees the exempted listing) will find it.
  const exemption = input.revocationReason === PERMIT_EXEMPTED;
  const counting = endedHere.length > 0 && !exemption ? derive(endedHere) : derivation;

  const idOf = new Map<DerivedListing, string>();
  for (const change of changes) applyChange(change, work, input, idOf, objectionEnding);
  assignViolations(derivation.listings, derivation.trips, idOf, work);
  work.postings(rules);

  // The state and what the gate sees.
  const open = work.listings().find((l) => isOpenListingStatus(l.status)) ?? null;
  const effective = open && isEffectiveListingStatus(open.status) ? open : null;
  const state: PlanVehicleState = {
    state: open ? (open.status as 'PENDING' | 'LISTED' | 'PUBLISHED') : counting.state === 'WATCH' ? 'WATCH' : 'CLEAR',
    countInWindow: counting.countInWindow,
    activeListingId: open?.id ?? null,
  };
  const previous = facts.state;
  const stateChanged =
    !previous ||
    previous.state !== state.state ||
    previous.countInWindow !== state.countInWindow ||
    previous.activeListingId !== state.activeListingId;
  work.finish();
  const anything = stateChanged || plan.createdListings.length + plan.changedListings.length + plan.events.length > 0;
  if (anything) {
    plan.state = state;
    // The gate reads a missing entry as "not listed": vehicles never listed need no cache entry.
    if (work.listings().length > 0) {
      plan.cache = {
        listing: effective
          ? {
              id: effective.id,
              status: effective.status as EffectiveListingStatus,
              listedAt: effective.listedAt.toISOString(),
              violationCount: effective.violationCount,
            }
          : null,
      };
    }
  }
  return plan;
}

type CommandOutcome = {
  ends: Map<string, { status: DecidedEndStatus; reason: string; postingReason: PostingEndReason }>;
  correction: boolean;
};

function applyCommand(command: CreditCommand, work: Work, input: CreditPlanInput): CommandOutcome {
  const { now } = input;
  const ends: CommandOutcome['ends'] = new Map();
  let correction = false;
  switch (command.type) {
    case 'PROPOSE_PUBLICATION':
      work.proposePublication(command, (l) => standardDecisionContents(l.violationCount, input.rules));
      break;
    case 'REVIEW_PUBLICATION':
      work.reviewPublication(command, input.rules);
      break;
    case 'APPROVE_REPAIR': {
      const l = work.listing(command.listingId);
      assertTransition(l.status, 'REPAIR');
      assertTwoPersonRule(command.submittedBy, work.ctx.actor);
      work.audit('REPAIR_APPROVED', command.repairId, {
        before: { status: 'PENDING' },
        after: { status: 'APPROVED', reviewedBy: work.ctx.actor, listingId: l.id },
        reason: command.opinion,
      });
      ends.set(l.id, { status: 'REPAIRED', reason: 'REPAIRED', postingReason: 'REPAIRED' });
      break;
    }
    case 'PROCESS_VIOLATION': {
      const v = work.violation(command.violationId);
      if (v.status !== 'OPEN') {
        throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `the violation is ${v.status}, not OPEN`, [
          { field: 'status', message: v.status },
        ]);
      }
      v.status = 'PROCESSED';
      const { caseNo, fineYuan, processedAt } = command;
      work.plan.processedViolations.push({ id: v.id, caseNo, fineYuan, processedAt });
      work.audit('VIOLATION_PROCESSED', v.id, {
        before: { status: 'OPEN' },
        after: { status: 'PROCESSED', caseNo, fineYuan, processedAt: processedAt.toISOString() },
      });
      // 62号令: the case is referred to the registration region once the listing's acts are all processed.
      const listing = v.listingId && work.has(v.listingId) ? work.listing(v.listingId) : null;
      const held = listing ? work.violations.filter((x) => x.listingId === listing.id && x.status !== 'REVOKED') : [];
      if (listing && isEffectiveListingStatus(listing.status) && held.every((x) => x.status === 'PROCESSED')) {
        work.plan.caseReferrals.push(listing.id);
        work.audit('CASE_REFERRED', listing.id, {
          after: { violationIds: held.map((x) => x.id) },
          reason: '该清单的违法行为已全部处理，抄告车籍地',
        });
      }
      break;
    }
    case 'PROPOSE_REVOCATION': {
      const v = work.violation(command.violationId);
      if (v.status === 'REVOKED') throw alreadyRevoked();
      // §4.4: nothing changes until a LEGAL_REVIEWER approves; the proposal is on the record.
      work.audit('REVOCATION_PROPOSED', command.revocationId, {
        after: { violationId: v.id, status: 'PENDING', violationStatus: v.status },
        reason: command.reason,
      });
      break;
    }
    case 'REVIEW_REVOCATION': {
      const v = work.violation(command.violationId);
      assertTwoPersonRule(command.proposedBy, work.ctx.actor);
      if (!command.approve) {
        work.audit('REVOCATION_REJECTED', command.revocationId, {
          before: { status: 'PENDING' },
          after: { status: 'REJECTED', violationId: v.id },
          reason: command.opinion,
        });
        break;
      }
      if (v.status === 'REVOKED') throw alreadyRevoked();
      work.audit('REVOCATION_APPROVED', command.revocationId, {
        before: { status: 'PENDING' },
        after: { status: 'APPROVED', violationId: v.id },
        reason: command.opinion,
      });
      work.revoke(v.id, command.reason);
      break;
    }
    case 'RECORD_OBJECTION': {
      // A pending objection holds a PENDING listing (§4.10): from here on it is one of the facts.
      const { listingId } = command.objection;
      if (listingId && (command.target.type === 'LISTING' || command.target.type === 'POSTING'))
        work.assertObjectionTarget(listingId, command.target.type);
      work.addObjection({ ...command.objection, status: 'PENDING', decidedAt: null });
      work.audit('OBJECTION_RECORDED', command.objection.id, {
        after: {
          status: 'PENDING',
          target: command.target,
          listingId: command.objection.listingId,
          violationIds: command.objection.violationIds,
          receivedAt: command.objection.receivedAt.toISOString(),
        },
      });
      break;
    }
    case 'DECIDE_OBJECTION': {
      assertTwoPersonRule(command.handler, work.ctx.actor);
      const listing = command.listingId ? work.listing(command.listingId) : null;
      // Decided now: it no longer holds the listing, and a rejection after the period dates its effect.
      work.decideObjection(command.objectionId, command.uphold ? 'UPHELD' : 'REJECTED');
      work.audit(command.uphold ? 'OBJECTION_UPHELD' : 'OBJECTION_REJECTED', command.objectionId, {
        before: { status: 'PENDING' },
        after: {
          status: command.uphold ? 'UPHELD' : 'REJECTED',
          revokedViolations: command.uphold ? command.violationIds : [],
        },
        reason: command.reply,
      });
      if (!command.uphold) break;
      correction = true;
      for (const id of command.violationIds) {
        if (work.violation(id).status !== 'REVOKED') work.revoke(id, `objection ${command.objectionId} upheld`);
      }
      // An objection against the decision itself (its listing or posting) ends the listing (docs/rules.md).
      const againstDecision = command.target.type === 'LISTING' || command.target.type === 'POSTING';
      if (listing && againstDecision && isOpenListingStatus(listing.status)) {
        ends.set(listing.id, {
          status: listing.status === 'PENDING' ? 'WITHDRAWN' : 'REVOKED',
          reason: OBJECTION_UPHELD,
          postingReason: 'CORRECTED',
        });
      } else if (listing && againstDecision && listing.posting?.status === 'POSTED') {
        work.withdrawPosting(listing.id, 'CORRECTED', now);
      }
      break;
    }
    case 'SERVE_NOTICE':
      work.serveNotice(command, input.deadline, input.rules);
      break;
    case 'SCHEDULED':
      break;
  }
  return { ends, correction };
}

function alreadyRevoked(): DomainError {
  return new DomainError(DomainErrorCode.INVALID_TRANSITION, 'the violation is already revoked', [
    { field: 'status', message: 'REVOKED' },
  ]);
}

/**
 * §4.4: in effect when the notice period ended with no objection pending — at the end of the period, or
 * at the latest objection decision when that came later — whatever moment this runs. Without service,
 * or with the period past the known calendar, the listing waits (the notice shows why). Null: not yet.
 * Vehicle and company listings (§4.9) follow the same rule.
 */
export function noticeEffect(
  notice: ListingNotice | null,
  objections: readonly PlanObjection[],
  now: Date,
): { at: Date; afterObjection: boolean } | null {
  if (!notice || notice.status !== 'SERVED' || !notice.periodEndsAt) return null;
  const periodEnd = notice.periodEndsAt.getTime();
  // An objection received after the period is answered all the same, but no longer holds the effect.
  if (objections.some((o) => o.status === 'PENDING' && o.receivedAt.getTime() < periodEnd)) return null;
  if (now.getTime() < periodEnd) return null;
  // A decision of a holding objection after the period is the instant of the effect.
  const decided = objections
    .filter((o) => o.receivedAt.getTime() < periodEnd)
    .reduce((max, o) => Math.max(max, o.decidedAt?.getTime() ?? -Infinity), -Infinity);
  return { at: new Date(Math.max(periodEnd, decided)), afterObjection: decided > periodEnd };
}

function takeEffectIfDue(l: PlanListing, work: Work, input: CreditPlanInput): void {
  const effect = noticeEffect(l.notice, work.objectionsOf(l.id), input.now);
  if (effect) work.takeEffect(l.id, effect.at, effect.afterObjection, input.rules);
}

function applyChange(
  change: ListingChange,
  work: Work,
  input: CreditPlanInput,
  idOf: Map<DerivedListing, string>,
  correction: boolean,
): void {
  switch (change.kind) {
    case 'EXPIRE':
      work.end(change.id, 'EXPIRED', change.endedAt, 'EXPIRED', 'LISTING_EXPIRED');
      return;
    case 'REVOKE': {
      const l = work.listing(change.id);
      const reason = input.revocationReason ?? (correction ? OBJECTION_UPHELD : change.reason);
      // §4.4: a listing that never took effect is withdrawn, not revoked.
      const status: DecidedEndStatus = l.status === 'PENDING' ? 'WITHDRAWN' : 'REVOKED';
      work.end(change.id, status, change.endedAt, reason, correction ? 'CORRECTED' : 'REVOKED');
      return;
    }
    case 'UPDATE': {
      const d = change.derived;
      const before = work.listing(change.id);
      work.change(change.id, {
        listedAt: d.listedAt,
        expiresAt: d.expiresAt ?? before.expiresAt,
        violationCount: d.violationCount,
        endedAt: before.status === 'EXPIRED' ? d.endedAt : before.endedAt,
      });
      idOf.set(d, change.id);
      work.audit('LISTING_RECOUNTED', change.id, {
        before: work.snapshot(before),
        after: work.snapshot(work.listing(change.id)),
        reason: 'late or revoked violations changed the count',
      });
      return;
    }
    case 'CREATE': {
      const id = work.create(change.derived, input);
      idOf.set(change.derived, id);
      return;
    }
  }
}

/** Each violation's trip and listing; a revoked violation keeps its history. */
function assignViolations(
  derived: readonly DerivedListing[],
  trips: readonly { tripId: string; violationIds: string[] }[],
  idOf: Map<DerivedListing, string>,
  work: Work,
): void {
  for (const d of derived) if (d.listingId) idOf.set(d, d.listingId);
  // A derived listing without a change is its stored listing, unchanged: its violations already point at it.
  const currentListingOf = new Map(work.violations.map((v) => [v.id, v.listingId]));
  for (const d of derived) {
    if (!idOf.has(d)) {
      const current = d.violationIds.map((id) => currentListingOf.get(id)).find((id) => id && work.has(id));
      if (current) idOf.set(d, current);
    }
  }
  const tripOf = new Map<string, string>();
  for (const trip of trips) for (const id of trip.violationIds) tripOf.set(id, trip.tripId);
  const listingOf = new Map<string, string>();
  for (const d of derived) {
    const id = idOf.get(d);
    if (id) for (const v of d.violationIds) listingOf.set(v, id);
  }
  for (const v of work.violations) {
    if (v.status === 'REVOKED') continue;
    const tripId = tripOf.get(v.id) ?? null;
    const current = v.listingId && work.has(v.listingId) ? work.listing(v.listingId) : undefined;
    const frozenOwner =
      current && isDecidedEndStatus(current.status) && current.endReason !== PERMIT_EXEMPTED ? v.listingId : null;
    const listingId = listingOf.get(v.id) ?? frozenOwner;
    if (tripId !== v.tripId || listingId !== v.listingId) {
      work.plan.assignments.push({ id: v.id, tripId, listingId });
      if (tripId && tripId !== v.id && tripId !== v.tripId) {
        work.audit('VIOLATION_MERGED', v.id, {
          before: { tripId: v.tripId },
          after: { tripId },
          reason: 'same journey (TRIP_MERGE_MINUTES)',
        });
      }
    }
  }
}

const VEHICLE_LISTING: ListingVocabulary = {
  noun: 'listing',
  listingKey: 'listingId',
  effective: 'LISTING_EFFECTIVE',
  ends: {
    REPAIRED: 'LISTING_REPAIRED',
    REVOKED: 'LISTING_REVOKED',
    WITHDRAWN: 'LISTING_WITHDRAWN',
    EXPIRED: 'LISTING_EXPIRED',
  },
  proposed: 'LISTING_PROPOSED',
  published: 'LISTING_PUBLISHED',
  publicationRejected: 'LISTING_PUBLICATION_REJECTED',
  postingWithdrawn: 'POSTING_WITHDRAWN',
  postingArchived: 'POSTING_ARCHIVED',
  endEventCarriesReason: false,
};

/** The plan's working copy of the vehicle's facts: its listings (listing-work.ts) and its violations. */
class Work extends ListingWork<PlanListing, CreditPlan> {
  readonly violations: PlanViolation[];

  constructor(
    private readonly facts: VehicleCreditFacts,
    private readonly identity: { plate: string; plateColor: PlateColorCode },
    ctx: AuditContext,
    plan: CreditPlan,
  ) {
    super(facts.listings, facts.objections, facts.vehicleKey, VEHICLE_LISTING, ctx, plan);
    this.violations = facts.violations.map((v) => ({ ...v }));
  }

  violation(id: string): PlanViolation {
    const v = this.violations.find((x) => x.id === id);
    if (!v) throw new DomainError(DomainErrorCode.NOT_FOUND, `violation ${id} not found for ${this.facts.vehicleKey}`);
    return v;
  }

  /** The objections about a listing: against it, or naming one of its violations (§4.10). */
  objectionsOf(listingId: string): PlanObjection[] {
    const held = new Set(this.violations.filter((v) => v.listingId === listingId).map((v) => v.id));
    return this.objections.filter((o) => o.listingId === listingId || o.violationIds.some((id) => held.has(id)));
  }

  event(type: ListingEventType, listingId: string, at: Date, reason?: string): void {
    const l = this.listing(listingId);
    this.plan.events.push({
      eventId: `${l.id}:${type}`,
      type,
      listingId: l.id,
      plate: this.identity.plate,
      plateColor: this.identity.plateColor,
      at: at.toISOString(),
      violationCount: l.violationCount,
      ...(reason ? { reason } : {}),
    });
  }

  snapshot(l: PlanListing): Record<string, unknown> {
    return { vehicleKey: this.facts.vehicleKey, ...this.lifecycleSnapshot(l), violationCount: l.violationCount };
  }

  revoke(violationId: string, reason: string): void {
    const v = this.violation(violationId);
    const before = v.status;
    v.status = 'REVOKED';
    this.plan.revokedViolations.push({ id: v.id, reason, revokedAt: this.ctx.at });
    this.audit('VIOLATION_REVOKED', v.id, { before: { status: before }, after: { status: 'REVOKED' }, reason });
  }

  create(d: DerivedListing, input: CreditPlanInput): string {
    const id = input.newId();
    const effective = d.effectiveAt !== null;
    const status: ListingStatus = d.status === 'EXPIRED' ? 'EXPIRED' : effective ? 'LISTED' : 'PENDING';
    const listing: PlanListing = {
      id,
      status,
      listedAt: d.listedAt,
      effectiveAt: d.effectiveAt,
      expiresAt: d.expiresAt,
      endedAt: d.status === 'EXPIRED' ? d.endedAt : null,
      endReason: d.status === 'EXPIRED' ? 'EXPIRED' : null,
      violationCount: d.violationCount,
      proposal: null,
      publishedAt: null,
      posting: null,
      notice: null,
    };
    this.byId.set(id, listing);
    this.created.add(id);
    this.audit('LISTING_CREATED', id, {
      after: this.snapshot(listing),
      reason: `${d.violationCount} acts reached LISTING_THRESHOLD`,
    });
    // §4.10: the notice is issued at once, also when the listing is in effect at once (period 0).
    if (status !== 'EXPIRED') this.plan.noticesToIssue.push(id);
    this.event(status === 'PENDING' ? 'PENDING' : 'LISTED', id, d.listedAt);
    if (status === 'EXPIRED') this.event('EXPIRED', id, d.endedAt!);
    return id;
  }

  /** Decided ends of the stored listings (the fresh starts of §4.3). */
  endings(): ListingEnding[] {
    return this.listings()
      .filter((l) => isDecidedEndStatus(l.status) && l.endedAt !== null)
      .map((l) => ({ listingId: l.id, endedAt: l.endedAt!, status: l.status as DecidedEndStatus }));
  }

  effects(): ListingEffect[] {
    return this.listings()
      .filter((l) => l.effectiveAt !== null)
      .map((l) => ({
        violationIds: this.violations.filter((v) => v.listingId === l.id).map((v) => v.id),
        effectiveAt: l.effectiveAt!,
      }));
  }

  storedForReconcile(): StoredListing[] {
    const counted = this.violations.filter((v) => v.status !== 'REVOKED');
    return this.listings()
      .filter((l) => !this.created.has(l.id))
      .map((l) => ({
        id: l.id,
        status: l.status,
        listedAt: l.listedAt,
        expiresAt: l.expiresAt,
        endedAt: l.endedAt,
        violationIds: counted.filter((v) => v.listingId === l.id).map((v) => v.id),
        violationCount: l.violationCount,
      }));
  }

  /** Moves the changed and created listings into the plan, as rows to write. */
  finish(): void {
    const { created, changed } = this.rows((l): ListingWrite => {
      const { notice: _notice, ...columns } = l;
      return {
        ...columns,
        vehicleKey: this.facts.vehicleKey,
        plate: this.identity.plate,
        plateColor: this.identity.plateColor,
      };
    });
    this.plan.createdListings.push(...created);
    this.plan.changedListings.push(...changed);
  }
}
