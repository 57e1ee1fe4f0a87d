/**
 * Response shapes of the staff workflow endpoints (SPEC §6). Times are ISO 8601; optional fields are
 * left out when they do not apply.
 */
export interface ViolationView {
  id: string;
  eventId: string;
  stationId: string;
  measuredAt: string;
  axles: number;
  grossWeightKg: number;
  limitKg: number;
  overKg: number;
  suggestedFineYuan: number;
  tripId: string | null;
  status: 'OPEN' | 'PROCESSED' | 'REVOKED';
  caseNo?: string;
  fineYuan?: number;
  processedAt?: string;
  revokedReason?: string;
}

export interface PublicationProposalView {
  decisionNo: string;
  legalBasis: string;
  party?: { name: string; type: 'PERSON' | 'COMPANY' };
  proposedBy: string;
  proposedAt: string;
}

export interface ListingView {
  id: string;
  plate: string;
  plateColor: number;
  status: 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';
  listedAt: string;
  /** Acts (trips), not weighings. */
  violationCount: number;
  publicationDueBy: string;
  /** LISTED past its publication deadline (7 working days, Mon–Fri, Asia/Shanghai). */
  overdue: boolean;
  proposal?: PublicationProposalView;
  publishedAt?: string;
  endedAt?: string;
}

export interface CreditRepairView {
  id: string;
  listingId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
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
