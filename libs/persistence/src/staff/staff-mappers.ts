import {
  isPublicationOverdue,
  parseVehicleKey,
  publicationDueBy,
  type GateReason as DomainGateReason,
  type PermitCheck as DomainPermitCheck,
  type PermitStatus as DomainPermitStatus,
  type WeighingClassification as DomainWeighingClassification,
} from '@oc/domain';
import type { ListingParty } from '../registry/registry-lookups';
import { iso } from './sql-filter';
import type {
  GateReason,
  ListingPartyView,
  ListingStatus,
  ListingView,
  PermitCheck,
  PostingEndReason,
  PostingStatus,
  PermitStatus,
  PublicationProposal,
  Same,
  ViolationStatus,
  ViolationView,
  WeighingClassification,
} from './staff-read-models';

// The read models spell the codes out (see staff-read-models.ts); they must stay the domain's.
const codesMatchDomain: [
  Same<WeighingClassification, DomainWeighingClassification>,
  Same<PermitCheck, DomainPermitCheck>,
  Same<PermitStatus, DomainPermitStatus>,
  Same<GateReason, DomainGateReason>,
  // The party as the recount writes it to listings.party.
  Same<ListingPartyView, ListingParty>,
] = [true, true, true, true, true];
void codesMatchDomain;

/**
 * The violation columns every read selects (table alias v). The evidence stays on the weighing it came
 * with; one primary-key lookup per row fetches it.
 */
export const VIOLATION_COLUMNS = `v.id, v.event_id, v.vehicle_key, v.station_id, v.measured_at, v.axles, v.gross_weight_kg,
  v.limit_kg, v.over_kg, v.suggested_fine_yuan, v.trip_id, v.listing_id, v.status, v.case_no, v.fine_yuan,
  v.processed_at, v.revoked_reason, v.revoked_at, v.permit_no, v.permit_check,
  (SELECT w.evidence FROM weighings w WHERE w.id = v.weighing_id) AS evidence`;

export interface ViolationRow {
  id: string;
  event_id: string;
  vehicle_key: string;
  station_id: string;
  measured_at: Date;
  axles: number;
  gross_weight_kg: number;
  limit_kg: number;
  over_kg: number;
  suggested_fine_yuan: number;
  trip_id: string | null;
  listing_id: string | null;
  status: ViolationStatus;
  case_no: string | null;
  fine_yuan: number | null;
  processed_at: Date | null;
  revoked_reason: string | null;
  revoked_at: Date | null;
  permit_no: string | null;
  permit_check: PermitCheck | null;
  evidence: { imageUrls?: string[]; deviceCertNo?: string } | null;
}

export function toViolationView(r: ViolationRow): ViolationView {
  const identity = parseVehicleKey(r.vehicle_key);
  return {
    id: r.id,
    eventId: r.event_id,
    plate: identity?.plate ?? r.vehicle_key,
    plateColor: identity?.plateColor ?? -1,
    stationId: r.station_id,
    measuredAt: iso(r.measured_at)!,
    axles: Number(r.axles),
    grossWeightKg: Number(r.gross_weight_kg),
    limitKg: Number(r.limit_kg),
    overKg: Number(r.over_kg),
    suggestedFineYuan: Number(r.suggested_fine_yuan),
    tripId: r.trip_id,
    listingId: r.listing_id,
    status: r.status,
    ...(r.case_no !== null ? { caseNo: r.case_no } : {}),
    ...(r.fine_yuan !== null ? { fineYuan: Number(r.fine_yuan) } : {}),
    ...(r.processed_at ? { processedAt: iso(r.processed_at) } : {}),
    ...(r.revoked_reason !== null ? { revokedReason: r.revoked_reason } : {}),
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
    permitNo: r.permit_no,
    permitCheck: r.permit_check,
    ...(r.evidence && (r.evidence.imageUrls?.length || r.evidence.deviceCertNo)
      ? {
          evidence: {
            imageUrls: r.evidence.imageUrls ?? [],
            ...(r.evidence.deviceCertNo ? { deviceCertNo: r.evidence.deviceCertNo } : {}),
          },
        }
      : {}),
  };
}

/** The listing columns every read selects (table alias l). */
export const LISTING_COLUMNS = `l.id, l.plate, l.plate_color, l.status, l.listed_at, l.effective_at, l.expires_at,
  l.violation_count, l.party, l.proposal, l.published_at, l.publication_ends_at, l.posting_status,
  l.posting_withdrawn_at, l.posting_reason, l.ended_at, l.end_reason,
  (SELECT n.id FROM notices n WHERE n.listing_id = l.id) AS notice_id,
  (SELECT n.notice_no FROM notices n WHERE n.listing_id = l.id) AS notice_no`;

export interface ListingRow {
  id: string;
  plate: string;
  plate_color: number;
  status: ListingStatus;
  listed_at: Date;
  effective_at: Date | null;
  expires_at: Date | null;
  violation_count: number;
  party: ListingPartyView | null;
  proposal: PublicationProposal | null;
  published_at: Date | null;
  publication_ends_at: Date | null;
  posting_status: PostingStatus | null;
  posting_withdrawn_at: Date | null;
  posting_reason: PostingEndReason | null;
  ended_at: Date | null;
  end_reason: string | null;
  notice_id: string | null;
  notice_no: string | null;
}

/** §4.4: overdue = still LISTED, never published, and past the working-day deadline as of `now`. */
export function toListingView(r: ListingRow, now: Date, deadlineWorkingDays: number): ListingView {
  const effectiveAt = r.effective_at ? new Date(r.effective_at) : null;
  const dueBy = effectiveAt ? publicationDueBy(effectiveAt, deadlineWorkingDays) : undefined;
  const unpublished = r.status === 'LISTED' && !r.published_at;
  return {
    id: r.id,
    plate: r.plate,
    plateColor: Number(r.plate_color),
    status: r.status,
    listedAt: iso(r.listed_at)!,
    ...(effectiveAt ? { effectiveAt: effectiveAt.toISOString() } : {}),
    ...(r.expires_at ? { expiresAt: iso(r.expires_at)! } : {}),
    violationCount: Number(r.violation_count),
    party: r.party ? toListingParty(r.party) : null,
    noticeId: r.notice_id ?? null,
    ...(r.notice_no ? { noticeNo: r.notice_no } : {}),
    ...(dueBy !== undefined ? { publicationDueBy: dueBy?.toISOString() ?? null } : {}),
    ...(unpublished && dueBy === null ? { calendarMissing: true } : {}),
    overdue: unpublished && effectiveAt !== null && isPublicationOverdue(effectiveAt, now, deadlineWorkingDays),
    ...(r.proposal
      ? {
          proposal: {
            decisionNo: r.proposal.decisionNo,
            legalBasis: r.proposal.legalBasis,
            ...(r.proposal.contents ? { contents: r.proposal.contents } : {}),
            proposedBy: r.proposal.proposedBy,
            proposedAt: r.proposal.proposedAt,
          },
        }
      : {}),
    ...(r.published_at ? { publishedAt: iso(r.published_at) } : {}),
    ...(r.posting_status && r.publication_ends_at
      ? {
          posting: {
            status: r.posting_status,
            until: iso(r.publication_ends_at)!,
            ...(r.posting_withdrawn_at ? { withdrawnAt: iso(r.posting_withdrawn_at)! } : {}),
            ...(r.posting_reason ? { reason: r.posting_reason } : {}),
          },
        }
      : {}),
    ...(r.publication_ends_at ? { publicationEndsAt: iso(r.publication_ends_at) } : {}),
    ...(r.ended_at ? { endedAt: iso(r.ended_at) } : {}),
    ...(r.end_reason ? { endReason: r.end_reason } : {}),
  };
}

/** The stored party with exactly the fields of the read model (the jsonb may carry more). */
export function toListingParty(p: ListingParty): ListingPartyView {
  return {
    ownerName: p.ownerName,
    ownerType: p.ownerType,
    ownerIdNo: p.ownerIdNo,
    operatorId: p.operatorId ?? null,
    transportCertNo: p.transportCertNo ?? null,
    registrationRegion: p.registrationRegion,
  };
}
