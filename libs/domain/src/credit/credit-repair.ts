import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { addDays, assertValidDate } from '../time/time';
import {
  isEffectiveListingStatus,
  REVIEW_STATUSES,
  type ListingStatus,
  type ReviewStatus,
  type ViolationStatus,
} from './credit-statuses';

export const CREDIT_REPAIR_STATUSES = REVIEW_STATUSES;
export type CreditRepairStatus = ReviewStatus;

export type CreditRepairRefusalCode = 'LISTING_NOT_ACTIVE' | 'VIOLATIONS_NOT_PROCESSED' | 'LISTING_TOO_RECENT';

export interface CreditRepairRefusal {
  code: CreditRepairRefusalCode;
  message: string;
}

export interface CreditRepairEligibilityInput {
  listingStatus: ListingStatus;
  /** §4.4: the decision's effect; REPAIR_MIN_DAYS count from here. */
  effectiveAt: Date;
  /** Statuses of the violations the listing holds. */
  violationStatuses: readonly ViolationStatus[];
  /** REPAIR_MIN_DAYS (0). */
  repairMinDays: number;
  now: Date;
}

/**
 * §4.5 信用修复: a request is refused (409, with every reason) unless the listing is active, every
 * violation of it is PROCESSED (已处理) and it is at least REPAIR_MIN_DAYS old. A REVOKED violation does
 * not block: it is no longer a violation (the recount drops it from the listing anyway).
 * The signed commitment (信用承诺) is input validation, not a state precondition, so it is not here.
 */
export function creditRepairRefusals(input: CreditRepairEligibilityInput): CreditRepairRefusal[] {
  assertValidDate(input.now, 'now');
  const refusals: CreditRepairRefusal[] = [];
  if (!isEffectiveListingStatus(input.listingStatus)) {
    refusals.push({
      code: 'LISTING_NOT_ACTIVE',
      message: `the listing is ${input.listingStatus}, not in effect (LISTED or PUBLISHED)`,
    });
  }
  const open = input.violationStatuses.filter((s) => s === 'OPEN').length;
  if (open > 0) {
    refusals.push({
      code: 'VIOLATIONS_NOT_PROCESSED',
      message: `${open} violation(s) of the listing not yet PROCESSED`,
    });
  }
  const earliest = addDays(input.effectiveAt, input.repairMinDays);
  if (input.now.getTime() < earliest.getTime()) {
    refusals.push({
      code: 'LISTING_TOO_RECENT',
      message: `credit repair is possible from ${earliest.toISOString()} (${input.repairMinDays} days after the listing took effect)`,
    });
  }
  return refusals;
}

/** Throws DomainError REPAIR_REFUSED with the reasons as details when a repair request is refused. */
export function assertCreditRepairAllowed(input: CreditRepairEligibilityInput): void {
  const refusals = creditRepairRefusals(input);
  if (refusals.length > 0) {
    throw new DomainError(
      DomainErrorCode.REPAIR_REFUSED,
      'credit repair refused',
      refusals.map((r) => ({ field: r.code, message: r.message })),
    );
  }
}

/**
 * §4.8: the approver of a publication, a repair or a revocation is never its proposer, and an objection
 * is never decided by its handler (a 403 at the HTTP edge).
 */
export function assertTwoPersonRule(proposer: string, approver: string): void {
  if (proposer === approver) {
    throw new DomainError(DomainErrorCode.TWO_PERSON_RULE, 'the approver must not be the proposer', [
      { field: 'approver', message: 'same person as the proposer' },
    ]);
  }
}
