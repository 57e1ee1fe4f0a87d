/**
 * What the staff and public reads return (SPEC §6). Times are ISO 8601 strings (UTC, `Z` offset);
 * `violationCount` and `countInWindow` count acts (trips), not weighings.
 */

/** GET /v1/me: the staff member a token belongs to (the console's sign-in). */
export interface StaffIdentityView {
  sub: string;
  name?: string;
  roles: ('OFFICER' | 'LEGAL_REVIEWER' | 'REPAIR_REVIEWER' | 'ADMIN')[];
  /** When the token stops working (its `exp`). */
  expiresAt: string;
}

/** SPEC §6: every list is `{items, page, pageSize, total}`. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface PageRequest {
  /** 1-based. */
  page: number;
  /** 1..500 (SPEC §6). */
  pageSize: number;
}

// Spelled out, not imported from libs/domain: the console (apps/staff-api/web) compiles this file with
// its own tsconfig, without the @oc/* aliases. staff-mappers.ts checks that they equal the domain's.
export type ViolationStatus = 'OPEN' | 'PROCESSED' | 'REVOKED';
export type ListingStatus = 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';
export type CreditRepairStatus = 'PENDING' | 'APPROVED' | 'REJECTED';
export type VehicleCreditState = 'CLEAR' | 'WATCH' | 'LISTED' | 'PUBLISHED';

/** A publication proposal as stored on the listing (决定书文号, legal basis, optional party, who and when). */
export interface PublicationProposal {
  decisionNo: string;
  legalBasis: string;
  party?: { name: string; type: 'PERSON' | 'COMPANY' };
  proposedBy: string;
  proposedAt: string;
}

export interface ViolationView {
  id: string;
  eventId: string;
  plate: string;
  plateColor: number;
  stationId: string;
  measuredAt: string;
  axles: number;
  grossWeightKg: number;
  limitKg: number;
  overKg: number;
  suggestedFineYuan: number;
  tripId: string | null;
  listingId: string | null;
  status: ViolationStatus;
  caseNo?: string;
  fineYuan?: number;
  processedAt?: string;
  revokedReason?: string;
  revokedAt?: string;
  /** The weighing's evidence (images from the scale's cameras), when the station sent any. */
  evidence?: { imageUrls: string[]; deviceCertNo?: string };
}

export interface ListingView {
  id: string;
  plate: string;
  plateColor: number;
  status: ListingStatus;
  listedAt: string;
  expiresAt: string;
  violationCount: number;
  /** End of the PUBLICATION_DEADLINE_WORKING_DAYS-th working day after listing (Asia/Shanghai). */
  publicationDueBy: string;
  /** LISTED, never published, and past publicationDueBy (§4.4). */
  overdue: boolean;
  proposal?: PublicationProposal;
  publishedAt?: string;
  publicationEndsAt?: string;
  endedAt?: string;
  endReason?: string;
}

export interface ListingDetailView extends ListingView {
  /** The violations attached to the listing, newest first. */
  violations: ViolationView[];
}

export interface VehicleProfileView {
  plate: string;
  plateColor: number;
  state: VehicleCreditState;
  /** Counted trips in (now − COUNT_WINDOW_DAYS, now] after the last fresh start, derived as of now. */
  countInWindow: number;
  violations: ViolationView[];
  listings: ListingView[];
}

export interface WeighingView {
  id: string;
  eventId: string;
  source: string;
  stationId: string;
  laneId?: string;
  measuredAt: string;
  receivedAt: string;
  plate: string;
  plateColor: number;
  axles: number;
  combination: boolean;
  singleDriveAxle: boolean;
  grossWeightKg: number;
  cargo: string;
  permitNo?: string;
  classification: string;
  limitKg: number;
  overKg: number;
  suggestedFineYuan?: number;
}

export interface CreditRepairView {
  id: string;
  listingId: string;
  plate: string;
  plateColor: number;
  status: CreditRepairStatus;
  applicant: { name: string; type: 'PERSON' | 'COMPANY'; contact: string };
  commitment: boolean;
  rectification: string;
  attachments: string[];
  submittedBy: string;
  submittedAt: string;
  reviewedBy?: string;
  reviewedAt?: string;
  opinion?: string;
}

export interface AuditEntryView {
  seq: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

/**
 * GET /v1/stats. `asOfNow` is the state at the request; `period` counts events in [from, to).
 * See StatsRepository for the exact definition of every figure.
 */
export interface StatsView {
  region: string | null;
  asOfNow: {
    at: string;
    watch: number;
    listed: number;
    published: number;
    overduePublications: number;
    /** Every listing of the region by its current status (ended ones included). */
    listingsByStatus: Record<ListingStatus, number>;
  };
  period: {
    from: string;
    to: string;
    violations: number;
    warnings: number;
    turnBacks: number;
    casesProcessed: number;
    finesYuan: number;
    repaired: number;
    expired: number;
    revoked: number;
  };
}

/** GET /v1/stats/daily: one row per Asia/Shanghai calendar day of [from, to), oldest first, zeros included. */
export interface DailyStatsView {
  region: string | null;
  timeZone: 'Asia/Shanghai';
  from: string;
  to: string;
  items: {
    /** YYYY-MM-DD in Asia/Shanghai. */
    date: string;
    weighings: number;
    warnings: number;
    /** Violation records measured that day, REVOKED excluded (as /v1/stats counts them). */
    violations: number;
    turnBacks: number;
  }[];
}

/** GET /v1/stats/regions: /v1/stats for Huzhou as a whole and for each of its regions. */
export interface RegionStatsView {
  from: string;
  to: string;
  total: StatsView & { name: string };
  items: (StatsView & { name: string })[];
}

/** GET /v1/listings/:id/repair-eligibility: §4.5's conditions as of now, each unmet one with its code. */
export interface RepairEligibilityView {
  listingId: string;
  eligible: boolean;
  /** Codes: LISTING_NOT_ACTIVE, VIOLATIONS_NOT_PROCESSED (one per open violation), LISTING_TOO_RECENT, REPAIR_PENDING. */
  unmet: {
    code: string;
    message: string;
    /** VIOLATIONS_NOT_PROCESSED: the open violation. */
    violationId?: string;
    /** LISTING_TOO_RECENT: when a request becomes possible. */
    notBefore?: string;
  }[];
}

/** A public posting (失信公示): legal facts in full, natural persons' names masked, no staff ids. */
export interface PublicPostingView {
  plate: string;
  plateColor: number;
  listedAt: string;
  publishedAt: string;
  publicationEndsAt: string;
  violationCount: number;
  decisionNo: string | null;
  legalBasis: string | null;
  /** From the vehicle's latest credit-repair request; masked (张*) for a natural person; null if unknown. */
  ownerName: string | null;
}
