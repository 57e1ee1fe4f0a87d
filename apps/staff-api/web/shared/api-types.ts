import type {
  CompanyNoticeDocument,
  CompanyNoticeVehicle,
  CompanyParty,
} from '../../../../libs/domain/src/credit/company-notice-document';
import type { PublicationProposal as CompanyPublicationProposal } from '../../../../libs/domain/src/credit/credit-plan';
// The pages speak the API's own types: the staff read models and the regions, imported from the
// libraries that define them (type-only or pure data, nothing server-side reaches the bundle).
export type {
  AuditEntryView,
  CompanyListingView,
  CompanyNoticeView,
  CompanyObjectionView,
  CreditRepairView,
  DailyStatsView,
  GateReason,
  ListingDetailView,
  ListingPartyView,
  ListingStatus,
  ListingView,
  NoticeDocumentView,
  NoticeServiceMethod,
  NoticeServiceView,
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

/** GET /v1/audit/verification (ADMIN only) */
export type { CachedAuditVerification as AuditVerification } from '../../../../libs/domain/src/audit/audit-verification-result';
