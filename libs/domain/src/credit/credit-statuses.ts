/**
 * Every status union of the credit rules, defined once (docs/rules.md, "Listing lifecycle"): SQL CHECK
 * constraints, DTO validation, read models and the console import these, they never spell them out.
 */

/**
 * §4.4 违法失信清单. PENDING (拟列入): the threshold is reached and the party is being told; LISTED (在册)
 * and PUBLISHED (失信公示) are in effect; the rest are ends.
 */
export const LISTING_STATUSES = [
  'PENDING',
  'LISTED',
  'PUBLISHED',
  'REPAIRED',
  'EXPIRED',
  'REVOKED',
  'WITHDRAWN',
] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** A listing that stands: it holds the vehicle's trips; at most one per vehicle (the database enforces it). */
export const OPEN_LISTING_STATUSES = ['PENDING', 'LISTED', 'PUBLISHED'] as const;
export type OpenListingStatus = (typeof OPEN_LISTING_STATUSES)[number];

/** A listing in effect (§4.6): the only ones that turn a vehicle back. */
export const EFFECTIVE_LISTING_STATUSES = ['LISTED', 'PUBLISHED'] as const;
export type EffectiveListingStatus = (typeof EFFECTIVE_LISTING_STATUSES)[number];

export const ENDED_LISTING_STATUSES = ['REPAIRED', 'EXPIRED', 'REVOKED', 'WITHDRAWN'] as const;
export type EndedListingStatus = (typeof ENDED_LISTING_STATUSES)[number];

/** Ends made by a decision (repair, revocation, withdrawal): a fresh start of the count at that instant (§4.3). */
export const DECIDED_END_STATUSES = ['REPAIRED', 'REVOKED', 'WITHDRAWN'] as const;
export type DecidedEndStatus = (typeof DECIDED_END_STATUSES)[number];

export function isOpenListingStatus(status: string): status is OpenListingStatus {
  return (OPEN_LISTING_STATUSES as readonly string[]).includes(status);
}

export function isEffectiveListingStatus(status: string): status is EffectiveListingStatus {
  return status === 'LISTED' || status === 'PUBLISHED';
}

export function isDecidedEndStatus(status: string): status is DecidedEndStatus {
  return (DECIDED_END_STATUSES as readonly string[]).includes(status);
}

/** The vehicle profile's state (SPEC §6): WATCH is 预失信, PENDING 拟列入. */
export const VEHICLE_CREDIT_STATES = ['CLEAR', 'WATCH', 'PENDING', 'LISTED', 'PUBLISHED'] as const;
export type VehicleCreditState = (typeof VEHICLE_CREDIT_STATES)[number];

export const VIOLATION_STATUSES = ['OPEN', 'PROCESSED', 'REVOKED'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

/** §4.4 公示: a posting has its own life beside the listing's. */
export const POSTING_STATUSES = ['POSTED', 'WITHDRAWN', 'ARCHIVED'] as const;
export type PostingStatus = (typeof POSTING_STATUSES)[number];

/**
 * Why a posting came down. LISTING_EXPIRED only with POSTING_ENDS_WITH_LISTING=true (and for postings
 * carried over from versions that ended the posting with the listing).
 */
export const POSTING_END_REASONS = ['REPAIRED', 'REVOKED', 'CORRECTED', 'PERIOD_END', 'LISTING_EXPIRED'] as const;
export type PostingEndReason = (typeof POSTING_END_REASONS)[number];

/** §4.10 告知书: ISSUED until service is recorded; VOID when the listing ended before service. */
export const NOTICE_STATUSES = ['ISSUED', 'SERVED', 'VOID'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** §4.10 送达: by a delivery receipt of the notification channel, or recorded by staff. */
export const NOTICE_SERVICE_METHODS = ['RECEIPT', 'IN_PERSON', 'POST', 'ANNOUNCEMENT'] as const;
export type NoticeServiceMethod = (typeof NOTICE_SERVICE_METHODS)[number];

export const OBJECTION_TARGET_TYPES = ['WEIGHING', 'VIOLATION', 'LISTING', 'POSTING'] as const;
export type ObjectionTargetType = (typeof OBJECTION_TARGET_TYPES)[number];

export const OBJECTION_CHANNELS = ['IN_PERSON', 'POST', 'PHONE', 'ONLINE'] as const;
export type ObjectionChannel = (typeof OBJECTION_CHANNELS)[number];

export const OBJECTION_STATUSES = ['PENDING', 'UPHELD', 'REJECTED'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** A two-person decision (revocation proposal, credit repair): proposed, then approved or rejected. */
export const REVIEW_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** `credit.listing-events.v1` (SPEC §5). */
export const LISTING_EVENT_TYPES = [
  'PENDING',
  'LISTED',
  'PUBLISHED',
  'POSTING_WITHDRAWN',
  'REPAIRED',
  'EXPIRED',
  'REVOKED',
  'WITHDRAWN',
] as const;
export type ListingEventType = (typeof LISTING_EVENT_TYPES)[number];
