import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, DomainErrorCode } from '@oc/domain';
import { CreditRepository, DatabaseConnection, RevocationRepository, type RevocationRecord } from '@oc/persistence';
import { CreditRecountService } from './credit-recount.service';

/**
 * Staff actions on a violation (SPEC §4.4): case processing (→ PROCESSED) and the two-person revocation
 * — an OFFICER proposes with the reason (nothing changes), a LEGAL_REVIEWER who is not the proposer
 * approves (→ REVOKED, the recount may withdraw or revoke the listing and free the truck) or rejects.
 * Each is a command of the credit plan under the vehicle lock, in one transaction with its audit
 * entries and outbox rows, so the gate follows within a second of the commit.
 */
@Injectable()
export class ViolationActionsService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly recount: CreditRecountService,
    private readonly revocations: RevocationRepository,
  ) {}

  /**
   * Proposes a revocation. A PROCESSED violation is revoked only together with its case (`withCase`,
   * §4.4); one proposal per violation waits at a time (409 otherwise).
   */
  async proposeRevocation(
    violationId: string,
    input: { reason: string; withCase?: boolean },
    actor: string,
    now = new Date(),
  ): Promise<RevocationRecord> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const violation = await this.lockAndLoad(m, violationId);
      if (violation.status === 'PROCESSED' && input.withCase !== true) {
        throw new DomainError(
          DomainErrorCode.INVALID_TRANSITION,
          'a processed violation is revoked only with its case',
          [{ field: 'withCase', message: 'must be true for a PROCESSED violation (the case is revoked with it)' }],
        );
      }
      const pending = await this.revocations.pendingOf(m, violationId);
      if (pending) {
        throw new DomainError(
          DomainErrorCode.INVALID_TRANSITION,
          `revocation ${pending.id} of this violation awaits review`,
          [{ field: 'revocation', message: 'PENDING' }],
        );
      }
      const id = randomUUID();
      await this.recount.execute(
        m,
        violation.vehicle_key,
        { type: 'PROPOSE_REVOCATION', violationId, revocationId: id, reason: input.reason },
        { now, actor },
      );
      return this.revocations.insert(m, {
        id,
        violationId,
        vehicleKey: violation.vehicle_key,
        reason: input.reason,
        withCase: input.withCase === true,
        proposedBy: actor,
        proposedAt: now,
      });
    });
  }

  /** Decides the pending revocation of a violation (LEGAL_REVIEWER, not the proposer). */
  async reviewRevocation(
    violationId: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<RevocationRecord> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const violation = await this.lockAndLoad(m, violationId);
      const pending = await this.revocations.pendingOf(m, violationId);
      if (!pending) {
        throw new DomainError(DomainErrorCode.INVALID_TRANSITION, 'no revocation of this violation awaits review', [
          { field: 'revocation', message: 'none PENDING' },
        ]);
      }
      await this.recount.execute(
        m,
        violation.vehicle_key,
        {
          type: 'REVIEW_REVOCATION',
          violationId,
          revocationId: pending.id,
          proposedBy: pending.proposedBy,
          reason: pending.reason,
          approve: input.approve,
          opinion: input.opinion,
        },
        { now, actor },
      );
      return this.revocations.decide(m, pending.id, {
        status: input.approve ? 'APPROVED' : 'REJECTED',
        reviewedBy: actor,
        reviewedAt: now,
        opinion: input.opinion,
      });
    });
  }

  async process(
    violationId: string,
    input: { caseNo: string; fineYuan: number; processedAt: Date },
    actor: string,
    now = new Date(),
  ): Promise<void> {
    const ds = await this.db.ready();
    await ds.transaction(async (m) => {
      const violation = await this.lockAndLoad(m, violationId);
      await this.recount.execute(
        m,
        violation.vehicle_key,
        { type: 'PROCESS_VIOLATION', violationId, ...input },
        { now, actor },
      );
    });
  }

  private async lockAndLoad(m: EntityManager, violationId: string): Promise<{ vehicle_key: string; status: string }> {
    const [found] = (await m.query(`SELECT vehicle_key FROM violations WHERE id = $1`, [violationId])) as {
      vehicle_key: string;
    }[];
    if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `violation ${violationId} not found`);
    await this.credit.lockVehicles(m, [found.vehicle_key]);
    const [row] = (await m.query(`SELECT vehicle_key, status FROM violations WHERE id = $1`, [violationId])) as {
      vehicle_key: string;
      status: string;
    }[];
    return row!;
  }
}
