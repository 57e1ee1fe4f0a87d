import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { addDays } from '../time/time';

/** The counting and listing parameters of §4.3–4.4 (from configuration, §7). */
export interface CreditRules {
  /** LISTING_THRESHOLD (3): counted trips that create a listing. */
  listingThreshold: number;
  /** COUNT_WINDOW_DAYS (365): trips count in the half-open window (t − window, t]. */
  countWindowDays: number;
  /** TRIP_MERGE_MINUTES (60): violations within this of a trip's first violation are the same act. */
  tripMergeMinutes: number;
  /** LISTING_VALIDITY_DAYS (365): a listing expires at listedAt + validity. */
  listingValidityDays: number;
}

export const DEFAULT_CREDIT_RULES: Readonly<CreditRules> = {
  listingThreshold: 3,
  countWindowDays: 365,
  tripMergeMinutes: 60,
  listingValidityDays: 365,
};

export function assertCreditRules(rules: CreditRules): void {
  const problems: { field: string; message: string }[] = [];
  if (!Number.isInteger(rules.listingThreshold) || rules.listingThreshold < 1) {
    problems.push({ field: 'listingThreshold', message: 'must be an integer >= 1' });
  }
  for (const field of ['countWindowDays', 'listingValidityDays'] as const) {
    if (!Number.isFinite(rules[field]) || rules[field] <= 0) problems.push({ field, message: 'must be > 0' });
  }
  if (!Number.isFinite(rules.tripMergeMinutes) || rules.tripMergeMinutes < 0) {
    problems.push({ field: 'tripMergeMinutes', message: 'must be >= 0' });
  }
  if (problems.length > 0) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'invalid credit rules', problems);
  }
}

/** §4.4: the expiry instant is listedAt + LISTING_VALIDITY_DAYS, whenever the scheduler runs. */
export function listingExpiresAt(listedAt: Date, rules: Pick<CreditRules, 'listingValidityDays'>): Date {
  return addDays(listedAt, rules.listingValidityDays);
}
