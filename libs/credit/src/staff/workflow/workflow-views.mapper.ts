import type { CreditRepairView, ListingView, ViolationView } from '@oc/contracts';
import { isPublicationOverdue, publicationDueBy } from '@oc/domain';
import type { CreditRepairRecord, ListingRecord, ViolationRecord } from '@oc/persistence';

/** SPEC §6 violation: optional fields only when they apply. */
export function toViolationView(v: ViolationRecord): ViolationView {
  return {
    id: v.id,
    eventId: v.eventId,
    stationId: v.stationId,
    measuredAt: v.measuredAt.toISOString(),
    axles: v.axles,
    grossWeightKg: v.grossWeightKg,
    limitKg: v.limitKg,
    overKg: v.overKg,
    suggestedFineYuan: v.suggestedFineYuan,
    tripId: v.tripId,
    status: v.status,
    ...(v.caseNo !== null ? { caseNo: v.caseNo } : {}),
    ...(v.fineYuan !== null ? { fineYuan: v.fineYuan } : {}),
    ...(v.processedAt ? { processedAt: v.processedAt.toISOString() } : {}),
    ...(v.revokedReason !== null ? { revokedReason: v.revokedReason } : {}),
  };
}

/**
 * SPEC §6 listing. `overdue` flags a listing still waiting for publication past its deadline
 * (PUBLICATION_DEADLINE_WORKING_DAYS); a published or ended listing is never overdue.
 */
export function toListingView(l: ListingRecord, now: Date, deadlineWorkingDays: number): ListingView {
  return {
    id: l.id,
    plate: l.plate,
    plateColor: l.plateColor,
    status: l.status,
    listedAt: l.listedAt.toISOString(),
    violationCount: l.violationCount,
    publicationDueBy: publicationDueBy(l.listedAt, deadlineWorkingDays).toISOString(),
    overdue: l.status === 'LISTED' && isPublicationOverdue(l.listedAt, now, deadlineWorkingDays),
    ...(l.proposal ? { proposal: l.proposal } : {}),
    ...(l.publishedAt ? { publishedAt: l.publishedAt.toISOString() } : {}),
    ...(l.endedAt ? { endedAt: l.endedAt.toISOString() } : {}),
  };
}

export function toCreditRepairView(r: CreditRepairRecord): CreditRepairView {
  return {
    id: r.id,
    listingId: r.listingId,
    status: r.status,
    applicant: { name: r.applicantName, type: r.applicantType, contact: r.applicantContact },
    commitment: r.commitment,
    rectification: r.rectification,
    attachments: r.attachments,
    submittedBy: r.submittedBy,
    submittedAt: r.submittedAt.toISOString(),
    ...(r.reviewedBy !== null ? { reviewedBy: r.reviewedBy } : {}),
    ...(r.reviewedAt ? { reviewedAt: r.reviewedAt.toISOString() } : {}),
    ...(r.opinion !== null ? { opinion: r.opinion } : {}),
  };
}
