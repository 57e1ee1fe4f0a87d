import type {
  CompanyNoticeDocument,
  CompanyNoticeVehicle,
  CompanyParty,
} from '../../../../libs/domain/src/credit/company-notice-document';
import type { PublicationProposal as CompanyPublicationProposal } from '../../../../libs/domain/src/credit/credit-plan';
import type {
  ListingStatus,
  NoticeServiceMethod,
  NoticeStatus,
  ObjectionStatus,
  PostingEndReason,
  PostingStatus,
} from '../../../../libs/persistence/src/staff/staff-read-models';

// The pages speak the API's own types: the staff read models and the regions, imported from the
// libraries that define them (type-only or pure data, nothing server-side reaches the bundle).
export type {
  AuditEntryView,
  CreditRepairView,
  DailyStatsView,
  GateReason,
  ListingDetailView,
  ListingPartyView,
  ListingStatus,
  ListingView,
  NoticeDocumentView,
  NoticeServiceMethod,
  NoticeStatus,
  NoticeView,
  ObjectionChannel,
  ObjectionStatus,
  ObjectionTargetType,
  ObjectionView,
  OwnerType,
  Page,
  PermitCheck,
  PermitStatus,
  PostingEndReason,
  PostingStatus,
  PublicPostingView,
  RegionStatsView,
  RepairEligibilityView,
  RevocationView,
  StaffIdentityView,
  StationKind,
  StationView,
  StatsView,
  VehicleCreditState,
  VehicleProfileView,
  VehicleRegistrationView,
  ViolationView,
  WeighingClassification,
  WeighingView,
} from '../../../../libs/persistence/src/staff/staff-read-models';
export {
  HUZHOU_REGIONS,
  HUZHOU_TOTAL,
  regionOfStation,
  type Region,
} from '../../../../libs/domain/src/region/huzhou-regions';
export { startOfShanghaiDay } from '../../../../libs/domain/src/time/shanghai-day';
export type { CompanyNoticeDocument, CompanyNoticeVehicle, CompanyParty, CompanyPublicationProposal };

export type StaffRole = 'OFFICER' | 'LEGAL_REVIEWER' | 'REPAIR_REVIEWER' | 'ADMIN';

/** GET /v1/audit/verification */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBroken?: { seq: string; reason: string };
}

/**
 * GET /v1/company-listings(/:id): a company listing (道路运输企业, SPEC §4.9) with its notice and objections.
 * The API's own type (CompanyListingReadRepository) sits in a file the pages cannot compile (it imports
 * the server's modules), so it is spelled out here from the domain's types; ../company-listing-view.check.ts
 * holds the two equal at compile time.
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
  proposal: CompanyPublicationProposal | null;
  publishedAt: string | null;
  posting: { status: PostingStatus; until: string; withdrawnAt?: string; reason?: PostingEndReason } | null;
  /** Null before the effect, and when the official calendar does not reach the deadline yet. */
  publicationDueBy: string | null;
  overdue: boolean;
  notice: CompanyNoticeView | null;
  objections: CompanyObjectionView[];
}

export interface CompanyNoticeView {
  id: string;
  noticeNo: string;
  status: NoticeStatus;
  issuedAt: string;
  servedAt?: string;
  serviceMethod?: NoticeServiceMethod;
  periodEndsAt?: string;
  calendarMissing: boolean;
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
