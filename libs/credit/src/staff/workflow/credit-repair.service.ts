import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@oc/config';
import {
  addDays,
  assertTwoPersonRule,
  auditEntry,
  creditRepairRefusals,
  DomainError,
  DomainErrorCode,
  type DomainErrorDetail,
} from '@oc/domain';
import { AuditLogRepository, CreditRepository, DatabaseConnection } from '@oc/persistence';
import { CreditRecountService } from '../../credit-recount.service';
import { lockListing } from './listing-lock';
import {
  type CreditRepairRecord,
  type ListingRecord,
  type CreditRepairView,
  type RepairEligibilityView,
  StaffQueryRepository,
  StaffWorkflowRepository,
} from '@oc/persistence';

export interface CreditRepairRequest {
  listingId: string;
  applicant: { name: string; type: 'PERSON' | 'COMPANY'; contact: string };
  commitment: boolean;
  rectification: string;
  attachments: string[];
}

/**
 * 信用修复 (SPEC §4.5): an OFFICER submits a request for an active listing; a REPAIR_REVIEWER who is not
 * the submitter approves it (→ listing REPAIRED, a fresh start for counting, turn-back off, posting
 * removed) or rejects it with an opinion. Each step is one transaction under the vehicle lock with
 * its audit entries; an approval recounts the vehicle, which writes its state, the REPAIRED event and the
 * gate's cache entry.
 */
@Injectable()
export class CreditRepairService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly recount: CreditRecountService,
    private readonly repository: StaffWorkflowRepository,
    private readonly queries: StaffQueryRepository,
  ) {}

  async request(input: CreditRepairRequest, actor: string, now = new Date()): Promise<CreditRepairView> {
    if (input.commitment !== true) {
      throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'a signed credit commitment is required', [
        { field: 'commitment', message: 'commitment must be true (信用承诺)' },
      ]);
    }
    const ds = await this.db.ready();
    const repair = await ds.transaction(async (m) => {
      const listing = await lockListing(m, input.listingId, this.repository, this.credit);
      const refusals = await this.refusals(m, listing, now);
      const pending = await this.repository.pendingRepairOf(m, listing.id);
      if (pending) {
        refusals.push({
          field: 'REPAIR_PENDING',
          message: `credit repair ${pending.id} of this listing awaits review`,
        });
      }
      if (refusals.length > 0) throw new DomainError(DomainErrorCode.REPAIR_REFUSED, 'credit repair refused', refusals);
      const created = await this.repository.insertRepair(m, {
        listingId: listing.id,
        applicantName: input.applicant.name,
        applicantType: input.applicant.type,
        applicantContact: input.applicant.contact,
        commitment: true,
        rectification: input.rectification,
        attachments: input.attachments,
        submittedBy: actor,
        submittedAt: now,
      });
      await this.audit.append(m, [
        auditEntry({ at: now, actor }, 'REPAIR_REQUESTED', created.id, { after: repairSnapshot(created) }),
      ]);
      return created;
    });
    return this.queries.getCreditRepair(repair.id);
  }

  /**
   * What a request for this listing would meet as of `now`: the conditions `request` checks, each unmet
   * one with its code (the console shows them in words before anyone fills in the form). A read: it
   * takes no lock, so the answer can be outdated by the time a request is submitted, which checks again.
   */
  async eligibility(listingId: string, now = new Date()): Promise<RepairEligibilityView> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const listing = await this.repository.findListing(m, listingId);
      if (!listing) throw new DomainError(DomainErrorCode.NOT_FOUND, `listing ${listingId} not found`);
      const unmet = await this.unmetConditions(m, listing, now);
      const pending = await this.repository.pendingRepairOf(m, listing.id);
      if (pending) {
        unmet.push({ code: 'REPAIR_PENDING', message: `credit repair ${pending.id} of this listing awaits review` });
      }
      return { listingId: listing.id, eligible: unmet.length === 0, unmet };
    });
  }

  async review(
    repairId: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<CreditRepairView> {
    const ds = await this.db.ready();
    const repair = await ds.transaction(async (m) => {
      const found = await this.repository.findRepair(m, repairId);
      if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `credit repair ${repairId} not found`);
      const listing = await lockListing(m, found.listingId, this.repository, this.credit);
      const before = (await this.repository.findRepair(m, repairId))!;
      if (before.status !== 'PENDING') {
        throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `the credit repair is already ${before.status}`, [
          { field: 'status', message: before.status },
        ]);
      }
      assertTwoPersonRule(before.submittedBy, actor);
      return input.approve
        ? this.approve(m, before, listing, input.opinion, actor, now)
        : this.reject(m, before, input.opinion, actor, now);
    });
    return this.queries.getCreditRepair(repair.id);
  }

  private async approve(
    m: EntityManager,
    before: CreditRepairRecord,
    listing: ListingRecord,
    opinion: string,
    actor: string,
    now: Date,
  ): Promise<CreditRepairRecord> {
    // The conditions are checked again: the listing may have ended or taken a new violation since.
    const refusals = await this.refusals(m, listing, now);
    if (refusals.length > 0) throw new DomainError(DomainErrorCode.REPAIR_REFUSED, 'credit repair refused', refusals);
    // §4.5: REPAIRED, posting withdrawn, REPAIRED event, turn-back off — the plan of the approval.
    await this.recount.execute(
      m,
      listing.vehicleKey,
      { type: 'APPROVE_REPAIR', listingId: listing.id, repairId: before.id, submittedBy: before.submittedBy, opinion },
      { now, actor },
    );
    return this.repository.decideRepair(m, before.id, {
      status: 'APPROVED',
      reviewedBy: actor,
      reviewedAt: now,
      opinion,
    });
  }

  private async reject(
    m: EntityManager,
    before: CreditRepairRecord,
    opinion: string,
    actor: string,
    now: Date,
  ): Promise<CreditRepairRecord> {
    const decided = await this.repository.decideRepair(m, before.id, {
      status: 'REJECTED',
      reviewedBy: actor,
      reviewedAt: now,
      opinion,
    });
    await this.audit.append(m, [
      auditEntry({ at: now, actor }, 'REPAIR_REJECTED', before.id, {
        before: { status: before.status },
        after: { status: decided.status, reviewedBy: actor, listingId: before.listingId },
        reason: opinion,
      }),
    ]);
    return decided;
  }

  /**
   * Every unmet condition of §4.5, each OPEN violation named by id (the domain counts them; staff
   * need to know which case to process).
   */
  private async refusals(m: EntityManager, listing: ListingRecord, now: Date): Promise<DomainErrorDetail[]> {
    return (await this.unmetConditions(m, listing, now)).map((u) => ({ field: u.code, message: u.message }));
  }

  private async unmetConditions(
    m: EntityManager,
    listing: ListingRecord,
    now: Date,
  ): Promise<RepairEligibilityView['unmet']> {
    const violations = await this.repository.violationsOfListing(m, listing.id);
    return creditRepairRefusals({
      listingStatus: listing.status,
      effectiveAt: listing.effectiveAt ?? listing.listedAt,
      violationStatuses: violations.map((v) => v.status),
      repairMinDays: this.config.REPAIR_MIN_DAYS,
      now,
    }).flatMap((r): RepairEligibilityView['unmet'] =>
      r.code === 'VIOLATIONS_NOT_PROCESSED'
        ? violations
            .filter((v) => v.status === 'OPEN')
            .map((v) => ({
              code: r.code,
              message: `violation ${v.id} (event ${v.eventId}, ${v.measuredAt.toISOString()}) is OPEN, not PROCESSED`,
              violationId: v.id,
            }))
        : r.code === 'LISTING_TOO_RECENT'
          ? [
              {
                code: r.code,
                message: r.message,
                notBefore: addDays(listing.effectiveAt ?? listing.listedAt, this.config.REPAIR_MIN_DAYS).toISOString(),
              },
            ]
          : [{ code: r.code, message: r.message }],
    );
  }
}

function repairSnapshot(r: CreditRepairRecord): Record<string, unknown> {
  return {
    listingId: r.listingId,
    status: r.status,
    applicant: { name: r.applicantName, type: r.applicantType, contact: r.applicantContact },
    commitment: r.commitment,
    rectification: r.rectification,
    attachments: r.attachments,
  };
}
