import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@oc/config';
import { addDays, assertTransition, assertTwoPersonRule } from '@oc/domain';
import { AuditLogRepository, CreditRepository, DatabaseConnection } from '@oc/persistence';
import { CreditRecountService } from '../../credit-recount.service';
import { lockListing } from './listing-lock';
import {
  type ListingRecord,
  type ListingView,
  type PublicationProposal,
  StaffQueryRepository,
  StaffWorkflowRepository,
} from '@oc/persistence';

/**
 * 失信公示 with 法制审核 (SPEC §4.4): an OFFICER proposes, a LEGAL_REVIEWER who is not the proposer
 * approves (→ PUBLISHED, posted for PUBLICATION_DAYS) or rejects (stays LISTED, the proposal is
 * cleared; the audit log keeps it). Each decision is one transaction under the vehicle lock with its
 * audit entry; publication goes through the recount, which writes the vehicle's state, the listing event
 * and the gate's cache entry.
 */
@Injectable()
export class ListingPublicationService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly recount: CreditRecountService,
    private readonly repository: StaffWorkflowRepository,
    private readonly queries: StaffQueryRepository,
  ) {}

  async propose(
    listingId: string,
    input: { decisionNo: string; legalBasis: string },
    actor: string,
    now = new Date(),
  ): Promise<ListingView> {
    const ds = await this.db.ready();
    const listing = await ds.transaction(async (m) => {
      const before = await lockListing(m, listingId, this.repository, this.credit);
      assertTransition(before.status, 'PROPOSE_PUBLICATION', { pendingProposal: pending(before) });
      const proposal: PublicationProposal = {
        decisionNo: input.decisionNo,
        legalBasis: input.legalBasis,
        proposedBy: actor,
        proposedAt: now.toISOString(),
      };
      await this.repository.setProposal(m, listingId, proposal);
      await this.audit.append(m, [
        {
          at: now,
          actor,
          action: 'LISTING_PROPOSED',
          entityType: 'listing',
          entityId: listingId,
          before: { status: before.status, proposal: null },
          after: { status: before.status, proposal: { ...proposal } },
          reason: null,
        },
      ]);
      return (await this.repository.findListing(m, listingId))!;
    });
    return this.view(listing, now);
  }

  async review(
    listingId: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<ListingView> {
    const ds = await this.db.ready();
    const listing = await ds.transaction(async (m) => {
      const before = await lockListing(m, listingId, this.repository, this.credit);
      assertTransition(before.status, input.approve ? 'APPROVE_PUBLICATION' : 'REJECT_PUBLICATION', {
        pendingProposal: pending(before),
      });
      // 两人规则 (SPEC §4.8): rejecting is a review decision too.
      assertTwoPersonRule(before.proposal!.proposedBy, actor);
      return input.approve
        ? this.publish(m, before, input.opinion, actor, now)
        : this.reject(m, before, input.opinion, actor, now);
    });
    return this.view(listing, now);
  }

  private async publish(
    m: EntityManager,
    before: ListingRecord,
    opinion: string,
    actor: string,
    now: Date,
  ): Promise<ListingRecord> {
    const endsAt = addDays(now, this.config.PUBLICATION_DAYS);
    await this.repository.publish(m, before.id, now, endsAt);
    // The recount derives the vehicle's state (PUBLISHED) and the gate's cache entry from the stored
    // listing, as for every other change; the publication's event and audit entry lead its own.
    await this.recount.recount(m, [before.vehicleKey], {
      now,
      actor,
      leadingAudit: [
        {
          at: now,
          actor,
          action: 'LISTING_PUBLISHED',
          entityType: 'listing',
          entityId: before.id,
          before: { status: before.status, proposal: before.proposal ? { ...before.proposal } : null },
          after: { status: 'PUBLISHED', publishedAt: now.toISOString(), publicationEndsAt: endsAt.toISOString() },
          reason: opinion,
        },
      ],
      leadingEvents: [{ listingId: before.id, type: 'PUBLISHED', at: now }],
    });
    return (await this.repository.findListing(m, before.id))!;
  }

  private async reject(
    m: EntityManager,
    before: ListingRecord,
    opinion: string,
    actor: string,
    now: Date,
  ): Promise<ListingRecord> {
    await this.repository.setProposal(m, before.id, null);
    await this.audit.append(m, [
      {
        at: now,
        actor,
        action: 'LISTING_PUBLICATION_REJECTED',
        entityType: 'listing',
        entityId: before.id,
        before: { status: before.status, proposal: before.proposal ? { ...before.proposal } : null },
        after: { status: before.status, proposal: null },
        reason: opinion,
      },
    ]);
    return (await this.repository.findListing(m, before.id))!;
  }

  /** The answer is what GET /v1/listings/:id shows, read after the commit. */
  private view(listing: ListingRecord, now: Date): Promise<ListingView> {
    return this.queries.getListing(listing.id, now);
  }
}

/** A proposal waits for review only while the listing is LISTED; after publication it is the record. */
function pending(listing: { status: string; proposal: unknown }): boolean {
  return listing.status === 'LISTED' && listing.proposal !== null;
}
