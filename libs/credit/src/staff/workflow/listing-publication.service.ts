import { Injectable } from '@nestjs/common';
import type { DecisionContents } from '@oc/domain';
import { CreditRepository, DatabaseConnection } from '@oc/persistence';
import { CreditRecountService } from '../../credit-recount.service';
import { lockListing } from './listing-lock';
import { type ListingView, StaffQueryRepository, StaffWorkflowRepository } from '@oc/persistence';

/**
 * 失信公示 with 法制审核 (SPEC §4.4): an OFFICER proposes (the decision number, its legal basis and its
 * contents), a LEGAL_REVIEWER who is not the proposer approves (→ PUBLISHED, posted for
 * PUBLICATION_DAYS) or rejects (stays LISTED, the proposal is cleared; the audit log keeps it). Each
 * is a command of the credit plan under the vehicle lock, which checks it and writes its consequences.
 */
@Injectable()
export class ListingPublicationService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly recount: CreditRecountService,
    private readonly repository: StaffWorkflowRepository,
    private readonly queries: StaffQueryRepository,
  ) {}

  async propose(
    listingId: string,
    input: { decisionNo: string; legalBasis: string; contents?: DecisionContents },
    actor: string,
    now = new Date(),
  ): Promise<ListingView> {
    const ds = await this.db.ready();
    await ds.transaction(async (m) => {
      const listing = await lockListing(m, listingId, this.repository, this.credit);
      await this.recount.execute(
        m,
        listing.vehicleKey,
        { type: 'PROPOSE_PUBLICATION', listingId, ...input },
        { now, actor },
      );
    });
    return this.view(listingId, now);
  }

  async review(
    listingId: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<ListingView> {
    const ds = await this.db.ready();
    await ds.transaction(async (m) => {
      const listing = await lockListing(m, listingId, this.repository, this.credit);
      await this.recount.execute(
        m,
        listing.vehicleKey,
        { type: 'REVIEW_PUBLICATION', listingId, ...input },
        { now, actor },
      );
    });
    return this.view(listingId, now);
  }

  /** The answer is what GET /v1/listings/:id shows, read after the commit. */
  private view(listingId: string, now: Date): Promise<ListingView> {
    return this.queries.getListing(listingId, now);
  }
}
