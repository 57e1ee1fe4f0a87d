/**
 * What the staff and public reads return (SPEC §6). Times are ISO 8601 strings (UTC, `Z` offset);
 * `violationCount` and `countInWindow` count acts (trips), not weighings.
 */

/** GET /v1/me: the staff member a token belongs to (the console's sign-in). */
export interface StaffIdentityView {
  sub: string;
  name?: string;
  roles: ('OFFICER' | 'LEGAL_REVIEWER' | 'REPAIR_REVIEWER' | 'ADMIN')[];
  /** Division-code prefixes of the staff member's jurisdiction (SPEC §4.8); null: the whole city. */
  regions: readonly string[] | null;
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

/** true when A and B are the same union: the compile-time check that a spelled-out union stays its source's. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The credit statuses come from their one definition, by a relative path: the console (apps/staff-api/web)
// compiles this file with its own tsconfig, without the @oc/* aliases, and that file imports nothing.
// The other codes are spelled out; staff-mappers.ts checks that they equal the domain's.
import type {
  ListingStatus,
  NoticeServiceMethod,
  NoticeStatus,
  ObjectionChannel,
  ObjectionStatus,
  ObjectionTargetType,
  PostingEndReason,
  PostingStatus,
  ReviewStatus,
  VehicleCreditState,
  ViolationStatus,
} from '../../../domain/src/credit/credit-statuses';
import type { NoticeDocument } from '../../../domain/src/credit/notice-document';
import type { CompanyNoticeDocument, CompanyParty } from '../../../domain/src/credit/company-notice-document';
import type { PublicationProposal as DecisionProposal } from '../../../domain/src/credit/credit-plan';

export type {
  ListingStatus,
  NoticeServiceMethod,
  NoticeStatus,
  ObjectionChannel,
  ObjectionStatus,
  ObjectionTargetType,
  PostingEndReason,
  PostingStatus,
  ReviewStatus,
  VehicleCreditState,
  ViolationStatus,
};
export type CreditRepairStatus = ReviewStatus;
export type WeighingClassification =
  'COMPLIANT' | 'TOLERATED' | 'WARNING' | 'VIOLATION' | 'EXEMPT_PERMIT' | 'UNIDENTIFIED';
/** SPEC §4.2: why a weighing's permitNo did not exempt it, the first failed condition in this order. */
export type PermitCheck =
  'UNKNOWN_PERMIT' | 'REVOKED' | 'OTHER_VEHICLE' | 'NOT_VALID_AT_TIME' | 'OVER_PERMITTED_WEIGHT' | 'OFF_ROUTE';
export type GateReason = 'OVERLIMIT' | 'DISHONESTY_LIST' | 'EXEMPT_EMPTY' | 'WITHIN_TOLERANCE';
export type OwnerType = 'PERSON' | 'COMPANY';
export type StationKind = 'TOLL_ENTRY' | 'WEIGH_STATION' | 'MOBILE_UNIT';
export type PermitStatus = 'ISSUED' | 'REVOKED';

/**
 * The party of a listing (当事人, SPEC §4.9): the vehicle registry's record as of the listing's creation,
 * kept on the listing so that a later change of owner does not rewrite a decision already taken.
 * Staff see it in full; the public posting shows a natural person's name masked and never the id number.
 */
export interface ListingPartyView {
  ownerName: string;
  ownerType: OwnerType;
  /** 身份证号 (PERSON) or 统一社会信用代码 (COMPANY). */
  ownerIdNo: string;
  /** The 道路运输企业's 统一社会信用代码. */
  operatorId: string | null;
  /** 道路运输证号. */
  transportCertNo: string | null;
  /** 车籍地: the division code of the registration. */
  registrationRegion: string;
}

/**
 * A publication proposal as stored on the listing (决定书文号, legal basis, who and when). The party named
 * in the decision is the listing's own `party`, from the vehicle registry.
 */
export interface PublicationProposal {
  decisionNo: string;
  legalBasis: string;
  /** 决定书 contents (§4.4): 事由, 依据, 惩戒措施, 移出条件和程序, 救济途径. */
  contents?: Record<string, string>;
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
  /** The permit number the weighing carried (超限运输车辆通行证), null when none. */
  permitNo: string | null;
  /** Why that permit did not exempt the weighing (§4.2); null when it carried none. */
  permitCheck: PermitCheck | null;
  /** The weighing's evidence (images from the scale's cameras), when the station sent any. */
  evidence?: { imageUrls: string[]; deviceCertNo?: string };
}

export interface ListingView {
  id: string;
  plate: string;
  plateColor: number;
  status: ListingStatus;
  /** The trip that reached the threshold (§4.4). */
  listedAt: string;
  /** When it took effect (end of the notice period, or an objection's rejection); absent while PENDING. */
  effectiveAt?: string;
  /** effectiveAt + LISTING_VALIDITY_DAYS; absent while PENDING. */
  expiresAt?: string;
  violationCount: number;
  /** 当事人 from the vehicle registry as of the listing's creation; null: the vehicle was not registered (未登记). */
  party: ListingPartyView | null;
  /** The 告知书 of this listing; null for listings made before notices existed. */
  noticeId: string | null;
  noticeNo?: string;
  /**
   * 24:00 of the PUBLICATION_DEADLINE_WORKING_DAYS-th working day after effectiveAt on the official
   * calendar (§4.10); absent while PENDING, null when the calendar does not reach it yet.
   */
  publicationDueBy?: string | null;
  /** The publication deadline falls past the known calendar: staff must add the year (docs/calendar.md). */
  calendarMissing?: boolean;
  /** LISTED, never published, and past publicationDueBy (§4.4). */
  overdue: boolean;
  proposal?: PublicationProposal;
  publishedAt?: string;
  /** The posting (公示): its own life, up until publishedAt + PUBLICATION_DAYS (§4.4). */
  posting?: { status: PostingStatus; until: string; withdrawnAt?: string; reason?: PostingEndReason };
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
  /** The vehicle's current record in the vehicle registry (运政登记); null: not registered (未登记). */
  registration: VehicleRegistrationView | null;
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
  classification: WeighingClassification;
  /** Why the weighing's permitNo did not exempt it (§4.2); null when it carried none or was exempted. */
  permitCheck: PermitCheck | null;
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
    /** 拟列入: listings awaiting the end of their notice period (or an objection's decision). */
    pending: number;
    listed: number;
    published: number;
    overduePublications: number;
    /** Objections past their reply deadline (§4.10). */
    overdueObjections: number;
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

/**
 * The party on a public posting: the listing's party with a natural person's name masked (张*), a
 * company's in full; never the id number, the phone, the operator or the certificate.
 */
export interface PublicPartyView {
  name: string;
  type: OwnerType;
  /** 车籍地 (division code). */
  registrationRegion: string;
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
  /** 决定书 contents (§4.4): 事由, 依据, 惩戒措施, 移出条件和程序, 救济途径. */
  decision?: { grounds: string; basis: string; measures: string; removal: string; remedies: string };
  /**
   * 当事人 from the vehicle registry as of the listing (masked for a natural person); null: the vehicle is
   * not in the registry (未登记车辆). Never a credit-repair applicant's data.
   */
  party: PublicPartyView | null;
}

/** A company listing's public posting (SPEC §4.9: posted like a vehicle listing); a company is named in full. */
export interface PublicCompanyPostingView {
  companyName: string | null;
  operatorId: string;
  listedAt: string;
  publishedAt: string;
  publicationEndsAt: string;
  vehicleCount: number;
  fleetSize: number;
  decisionNo: string | null;
  legalBasis: string | null;
  decision?: { grounds: string; basis: string; measures: string; removal: string; remedies: string };
}

/** A vehicle's record in the vehicle registry (运政登记, SPEC §4.9). */
export interface VehicleRegistrationView {
  plate: string;
  plateColor: number;
  owner: { name: string; type: OwnerType; idNo: string; phone: string | null };
  operatorId: string | null;
  transportCertNo: string | null;
  certIssuedAt: string | null;
  registrationRegion: string;
  updatedAt: string;
}

/** One accepted registry record, as kept by registry_history; `record` null is a deletion (tombstone). */
export interface RegistryHistoryEntryView {
  seq: string;
  recordedAt: string;
  /** kafka | csv | cli */
  source: string;
  kafka: { topic: string; partition: number; offset: string } | null;
  /** The record as accepted (the registry's normalised shape), or null for a deletion. */
  record: Record<string, unknown> | null;
}

/** GET /v1/registry/vehicles/:plateColor/:plate: the registration now (null once deleted) and every record, oldest first. */
export interface RegistryVehicleView {
  plate: string;
  plateColor: number;
  current: VehicleRegistrationView | null;
  history: RegistryHistoryEntryView[];
}

/** A permit in the permit registry (大件运输许可, SPEC §4.9). */
export interface PermitRegistrationView {
  permitNo: string;
  plate: string;
  plateColor: number;
  validFrom: string;
  validTo: string;
  maxGrossWeightKg: number;
  axles: number | null;
  stationIds: string[] | null;
  status: PermitStatus;
  /** Increases on every change (the gate's cache keeps the highest). */
  version: string;
  updatedAt: string;
}

/** A weighing that carried a permit number, with what the permit check made of it. */
export interface PermitWeighingView {
  id: string;
  eventId: string;
  stationId: string;
  measuredAt: string;
  plate: string;
  plateColor: number;
  axles: number;
  grossWeightKg: number;
  classification: WeighingClassification;
  permitCheck: PermitCheck | null;
  /** The violation recorded for it, when it is one. */
  violationId: string | null;
}

/**
 * GET /v1/registry/permits/:permitNo: the permit now (null when never registered or deleted), its
 * records oldest first, and the weighings that used its number, newest first.
 */
export interface RegistryPermitView {
  permitNo: string;
  current: PermitRegistrationView | null;
  history: RegistryHistoryEntryView[];
  weighings: Page<PermitWeighingView>;
}

/** A registered station (SPEC §4.9) with its gate key's state and its last weighing. */
export interface StationView {
  stationId: string;
  name: string | null;
  divisionCode: string;
  /** null: registered by `station:add` without a kind. */
  kind: StationKind | null;
  activeFrom: string | null;
  activeTo: string | null;
  /** A gate key is issued and not revoked. */
  keyActive: boolean;
  /** measuredAt of the station's latest stored weighing; null when none. */
  lastWeighingAt: string | null;
  updatedAt: string;
}

/** A proposed revocation of a violation (SPEC §4.4, two-person). */
export interface RevocationView {
  id: string;
  violationId: string;
  reason: string;
  withCase: boolean;
  status: ReviewStatus;
  proposedBy: string;
  proposedAt: string;
  reviewedBy?: string;
  reviewedAt?: string;
  opinion?: string;
  /** In the review queue: the vehicle and the violation it is about. */
  plate?: string;
  plateColor?: number;
  violation?: {
    measuredAt: string;
    stationId: string;
    overKg: number;
    status: ViolationStatus;
    listingId: string | null;
  };
}

/** A violation with the revocation proposed or decided on it (POST /v1/violations/:id/revocation, …-review). */
export type ViolationRevocationView = ViolationView & { revocation: RevocationView };

/** 异议 (SPEC §4.10). */
export interface ObjectionView {
  id: string;
  target: { type: ObjectionTargetType; id: string };
  listingId: string | null;
  plate: string;
  plateColor: number;
  violationIds: string[];
  grounds: string;
  channel: ObjectionChannel;
  attachments: string[];
  receivedAt: string;
  handler: string;
  /** 24:00 of the OBJECTION_REPLY_WORKING_DAYS-th working day after receipt; null: calendar missing. */
  dueBy: string | null;
  calendarMissing: boolean;
  /** PENDING and past dueBy. */
  overdue: boolean;
  status: ObjectionStatus;
  decidedBy?: string;
  decidedAt?: string;
  reply?: string;
}

/** What every notice (告知书, SPEC §4.10), a vehicle's or a company's, says of its number and its service. */
export interface NoticeServiceView {
  id: string;
  noticeNo: string;
  status: NoticeStatus;
  issuedAt: string;
  servedAt?: string;
  serviceMethod?: NoticeServiceMethod;
  /** 24:00 of the last working day of the period (from service); absent before service. */
  periodEndsAt?: string;
  calendarMissing: boolean;
}

/** 告知书 (SPEC §4.10): the document as issued, and its service. */
export interface NoticeView extends NoticeServiceView {
  listingId: string;
  plate: string;
  plateColor: number;
  listingStatus: ListingStatus;
  document: NoticeDocumentView;
}

/** The notice's printable content, as libs/domain composed it at issue: its one definition. */
export type NoticeDocumentView = NoticeDocument;

/**
 * GET /v1/company-listings(/:id): a company listing (道路运输企业, SPEC §4.9) with its notice and
 * objections.
 */
export interface CompanyListingView {
  id: string;
  operatorId: string;
  party: CompanyParty;
  status: ListingStatus;
  listedAt: string;
  effectiveAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  vehicleCount: number;
  fleetSize: number;
  vehicleListingIds: string[];
  /** The domain's proposal as stored, with its full decision contents. */
  proposal: DecisionProposal | null;
  publishedAt: string | null;
  posting: { status: PostingStatus; until: string; withdrawnAt?: string; reason?: PostingEndReason } | null;
  /** Publication due PUBLICATION_DEADLINE_WORKING_DAYS after the effect; null before it or past the calendar. */
  publicationDueBy: string | null;
  overdue: boolean;
  notice: CompanyNoticeView | null;
  objections: CompanyObjectionView[];
}

export interface CompanyNoticeView extends NoticeServiceView {
  document: CompanyNoticeDocument;
}

export interface CompanyObjectionView {
  id: string;
  target: { type: 'LISTING' | 'POSTING'; id: string };
  grounds: string;
  channel: string;
  attachments: string[];
  receivedAt: string;
  handler: string;
  dueBy: string | null;
  overdue: boolean;
  status: ObjectionStatus;
  decidedBy?: string;
  decidedAt?: string;
  reply?: string;
}
