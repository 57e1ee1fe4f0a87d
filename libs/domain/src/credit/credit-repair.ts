import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { addDays, assertValidDate } from '../time/time';
import { isActiveListingStatus, type ListingStatus } from './listing-state-machine';

export const VIOLATION_STATUSES = ['OPEN', 'PROCESSED', 'REVOKED'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

export const CREDIT_REPAIR_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type CreditRepairStatus = (typeof CREDIT_REPAIR_STATUSES)[number];

export type CreditRepairRefusalCode = 'LISTING_NOT_ACTIVE' | 'VIOLATIONS_NOT_PROCESSED' | 'LISTING_TOO_RECENT';

export interface CreditRepairRefusal {
  code: CreditRepairRefusalCode;
  message: string;
}

export interface CreditRepairEligibilityInput {
  listingStatus: ListingStatus;
  listedAt: Date;
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
  if (!isActiveListingStatus(input.listingStatus)) {
    refusals.push({
      code: 'LISTING_NOT_ACTIVE',
      message: `the listing is ${input.listingStatus}, not LISTED or PUBLISHED`,
    });
  }
  const open = input.violationStatuses.filter((s) => s === 'OPEN').length;
  if (open > 0) {
    refusals.push({
      code: 'VIOLATIONS_NOT_PROCESSED',
      message: `${open} violation(s) of the listing not yet PROCESSED`,
    });
  }
  const earliest = addDays(input.listedAt, input.repairMinDays);
  if (input.now.getTime() < earliest.getTime()) {
    refusals.push({
      code: 'LISTING_TOO_RECENT',
      message: `credit repair is possible from ${earliest.toISOString()} (${input.repairMinDays} days after listing)`,
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

/** §4.8: the approver of a publication or a repair is never its proposer (a 403 at the HTTP edge). */
export function assertTwoPersonRule(proposer: string, approver: string): void {
  if (proposer === approver) {
    throw new DomainError(DomainErrorCode.TWO_PERSON_RULE, 'the approver must not be the proposer', [
      { field: 'approver', message: 'same person as the proposer' },
    ]);
  }
}
