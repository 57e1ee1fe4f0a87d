import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@oc/config';
import { topics } from '@oc/contracts';
import { addDays, assertTransition, assertTwoPersonRule } from '@oc/domain';
import { AuditLogRepository, CreditRepository, DatabaseConnection, OutboxRepository } from '@oc/persistence';
import { lockListing } from './listing-lock';
import { cachedListing, listingEventMessage } from './listing-outbox';
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
 * audit entry; publication also writes the listing event and the gate's cache entry to the outbox.
 */
@Injectable()
export class ListingPublicationService {
  private readonly listingTopic: string;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly repository: StaffWorkflowRepository,
    private readonly queries: StaffQueryRepository,
  ) {
    this.listingTopic = topics(config.TOPIC_PREFIX).listingEvents;
  }

  async propose(
    listingId: string,
    input: { decisionNo: string; legalBasis: string; party?: { name: string; type: 'PERSON' | 'COMPANY' } },
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
        ...(input.party ? { party: { name: input.party.name, type: input.party.type } } : {}),
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
    const listing = (await this.repository.findListing(m, before.id))!;
    // The vehicle's state follows its active listing; saving it bumps the cache version.
    const state = await this.repository.findVehicleState(m, listing.vehicleKey);
    const versions = await this.credit.saveStates(m, [
      {
        vehicleKey: listing.vehicleKey,
        plate: listing.plate,
        plateColor: listing.plateColor,
        state: 'PUBLISHED',
        countInWindow: state?.countInWindow ?? listing.violationCount,
        activeListingId: listing.id,
      },
    ]);
    await this.outbox.add(m, [
      listingEventMessage(this.listingTopic, listing, 'PUBLISHED', now, {
        vehicleKey: listing.vehicleKey,
        version: versions.get(listing.vehicleKey)!,
        listing: cachedListing(listing),
      }),
    ]);
    await this.audit.append(m, [
      {
        at: now,
        actor,
        action: 'LISTING_PUBLISHED',
        entityType: 'listing',
        entityId: listing.id,
        before: { status: before.status, proposal: before.proposal ? { ...before.proposal } : null },
        after: {
          status: listing.status,
          publishedAt: now.toISOString(),
          publicationEndsAt: endsAt.toISOString(),
        },
        reason: opinion,
      },
    ]);
    return listing;
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
