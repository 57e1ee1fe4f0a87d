import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ListingStatus, ViolationStatus } from '@oc/domain';
import type { CreditRepairStatus, PublicationProposal } from './staff-read-models';

export interface ViolationRecord {
  id: string;
  eventId: string;
  vehicleKey: string;
  stationId: string;
  measuredAt: Date;
  axles: number;
  grossWeightKg: number;
  limitKg: number;
  overKg: number;
  suggestedFineYuan: number;
  tripId: string | null;
  listingId: string | null;
  status: ViolationStatus;
  caseNo: string | null;
  fineYuan: number | null;
  processedAt: Date | null;
  revokedReason: string | null;
}

export interface ListingRecord {
  id: string;
  vehicleKey: string;
  plate: string;
  plateColor: number;
  status: ListingStatus;
  listedAt: Date;
  effectiveAt: Date | null;
  expiresAt: Date | null;
  violationCount: number;
  proposal: PublicationProposal | null;
  publishedAt: Date | null;
  publicationEndsAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
}

export interface CreditRepairRecord {
  id: string;
  listingId: string;
  status: CreditRepairStatus;
  applicantName: string;
  applicantType: 'PERSON' | 'COMPANY';
  applicantContact: string;
  commitment: boolean;
  rectification: string;
  attachments: string[];
  submittedBy: string;
  submittedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  opinion: string | null;
}

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : (v as Date));
const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const toViolation = (r: Row): ViolationRecord => ({
  id: r.id as string,
  eventId: r.event_id as string,
  vehicleKey: r.vehicle_key as string,
  stationId: r.station_id as string,
  measuredAt: r.measured_at as Date,
  axles: Number(r.axles),
  grossWeightKg: Number(r.gross_weight_kg),
  limitKg: Number(r.limit_kg),
  overKg: Number(r.over_kg),
  suggestedFineYuan: Number(r.suggested_fine_yuan),
  tripId: (r.trip_id as string | null) ?? null,
  listingId: (r.listing_id as string | null) ?? null,
  status: r.status as ViolationStatus,
  caseNo: (r.case_no as string | null) ?? null,
  fineYuan: int(r.fine_yuan),
  processedAt: date(r.processed_at),
  revokedReason: (r.revoked_reason as string | null) ?? null,
});

const toListing = (r: Row): ListingRecord => ({
  id: r.id as string,
  vehicleKey: r.vehicle_key as string,
  plate: r.plate as string,
  plateColor: Number(r.plate_color),
  status: r.status as ListingStatus,
  listedAt: r.listed_at as Date,
  effectiveAt: date(r.effective_at),
  expiresAt: date(r.expires_at),
  violationCount: Number(r.violation_count),
  proposal: (r.proposal as PublicationProposal | null) ?? null,
  publishedAt: date(r.published_at),
  publicationEndsAt: date(r.publication_ends_at),
  endedAt: date(r.ended_at),
  endReason: (r.end_reason as string | null) ?? null,
});

const toRepair = (r: Row): CreditRepairRecord => ({
  id: r.id as string,
  listingId: r.listing_id as string,
  status: r.status as CreditRepairStatus,
  applicantName: r.applicant_name as string,
  applicantType: r.applicant_type as 'PERSON' | 'COMPANY',
  applicantContact: r.applicant_contact as string,
  commitment: Boolean(r.commitment),
  rectification: r.rectification as string,
  attachments: (r.attachments as string[] | null) ?? [],
  submittedBy: r.submitted_by as string,
  submittedAt: r.submitted_at as Date,
  reviewedBy: (r.reviewed_by as string | null) ?? null,
  reviewedAt: date(r.reviewed_at),
  opinion: (r.opinion as string | null) ?? null,
});

const VIOLATION_COLUMNS = `id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg, limit_kg, over_kg,
  suggested_fine_yuan, trip_id, listing_id, status, case_no, fine_yuan, processed_at, revoked_reason`;
const LISTING_COLUMNS = `id, vehicle_key, plate, plate_color, status, listed_at, effective_at, expires_at, violation_count, proposal,
  published_at, publication_ends_at, ended_at, end_reason`;

/**
 * SQL of the staff workflow (publication, credit repair, case processing), inside the caller's
 * transaction. Rows that a decision depends on are read after the vehicle lock is held.
 */
@Injectable()
export class StaffWorkflowRepository {
  async findViolation(manager: EntityManager, id: string): Promise<ViolationRecord | null> {
    const [row] = (await manager.query(`SELECT ${VIOLATION_COLUMNS} FROM violations WHERE id = $1`, [id])) as Row[];
    return row ? toViolation(row) : null;
  }

  /** The violations a listing holds (REVOKED ones included: the caller decides what they mean). */
  async violationsOfListing(manager: EntityManager, listingId: string): Promise<ViolationRecord[]> {
    const rows = (await manager.query(
      `SELECT ${VIOLATION_COLUMNS} FROM violations WHERE listing_id = $1 ORDER BY measured_at, id`,
      [listingId],
    )) as Row[];
    return rows.map(toViolation);
  }

  async findListing(manager: EntityManager, id: string): Promise<ListingRecord | null> {
    const [row] = (await manager.query(`SELECT ${LISTING_COLUMNS} FROM listings WHERE id = $1`, [id])) as Row[];
    return row ? toListing(row) : null;
  }

  async findRepair(manager: EntityManager, id: string): Promise<CreditRepairRecord | null> {
    const [row] = (await manager.query(`SELECT * FROM credit_repairs WHERE id = $1`, [id])) as Row[];
    return row ? toRepair(row) : null;
  }

  async pendingRepairOf(manager: EntityManager, listingId: string): Promise<CreditRepairRecord | null> {
    const [row] = (await manager.query(`SELECT * FROM credit_repairs WHERE listing_id = $1 AND status = 'PENDING'`, [
      listingId,
    ])) as Row[];
    return row ? toRepair(row) : null;
  }

  async insertRepair(
    manager: EntityManager,
    r: Omit<CreditRepairRecord, 'id' | 'status' | 'reviewedBy' | 'reviewedAt' | 'opinion'>,
  ): Promise<CreditRepairRecord> {
    const [row] = (await manager.query(
      `INSERT INTO credit_repairs (listing_id, status, applicant_name, applicant_type, applicant_contact, commitment,
         rectification, attachments, submitted_by, submitted_at)
       VALUES ($1, 'PENDING', $2, $3, $4, $5, $6, $7::text[], $8, $9)
       RETURNING *`,
      [
        r.listingId,
        r.applicantName,
        r.applicantType,
        r.applicantContact,
        r.commitment,
        r.rectification,
        r.attachments,
        r.submittedBy,
        r.submittedAt.toISOString(),
      ],
    )) as Row[];
    return toRepair(row!);
  }

  async decideRepair(
    manager: EntityManager,
    id: string,
    decision: { status: 'APPROVED' | 'REJECTED'; reviewedBy: string; reviewedAt: Date; opinion: string },
  ): Promise<CreditRepairRecord> {
    // No RETURNING: TypeORM answers an UPDATE with [rows, count], a shape best not relied on.
    await manager.query(
      `UPDATE credit_repairs SET status = $2, reviewed_by = $3, reviewed_at = $4, opinion = $5 WHERE id = $1`,
      [id, decision.status, decision.reviewedBy, decision.reviewedAt.toISOString(), decision.opinion],
    );
    return (await this.findRepair(manager, id))!;
  }
}
