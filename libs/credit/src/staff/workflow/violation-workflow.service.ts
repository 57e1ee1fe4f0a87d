import { Injectable } from '@nestjs/common';
import { toRevocationView, type RevocationView, type ViolationView } from '@oc/persistence';
import { DomainError, DomainErrorCode } from '@oc/domain';
import { DatabaseConnection } from '@oc/persistence';
import { ViolationActionsService } from '../../violation-actions.service';
import { StaffQueryRepository, StaffWorkflowRepository } from '@oc/persistence';
import { CLOCK_SKEW_MS } from '../../staff-clock';

/**
 * Case processing (已处理) and revocation of one violation for the staff API (SPEC §4.4). The state
 * change, its audit entry and the recount happen in ViolationActionsService's one transaction; this
 * checks the input against the stored facts and answers with the violation as it now is.
 */
@Injectable()
export class ViolationWorkflowService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly actions: ViolationActionsService,
    private readonly repository: StaffWorkflowRepository,
    private readonly queries: StaffQueryRepository,
  ) {}

  async process(
    violationId: string,
    input: { caseNo: string; fineYuan: number; processedAt: string },
    actor: string,
    now = new Date(),
  ): Promise<ViolationView> {
    const processedAt = new Date(input.processedAt);
    const violation = await this.find(violationId);
    const invalid = (message: string): DomainError =>
      new DomainError(DomainErrorCode.INVALID_ARGUMENT, 'processedAt is not plausible', [
        { field: 'processedAt', message },
      ]);
    if (processedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalid('processedAt must not be in the future');
    if (processedAt.getTime() < violation.measuredAt.getTime()) {
      throw invalid(`processedAt must not be before the violation (${violation.measuredAt.toISOString()})`);
    }
    await this.actions.process(
      violationId,
      { caseNo: input.caseNo, fineYuan: input.fineYuan, processedAt },
      actor,
      now,
    );
    return this.queries.getViolation(violationId);
  }

  /** §4.4: a proposal changes nothing; the answer is the violation as it stands, and the proposal. */
  async proposeRevocation(
    violationId: string,
    input: { reason: string; withCase?: boolean },
    actor: string,
    now = new Date(),
  ): Promise<ViolationView & { revocation: RevocationView }> {
    const revocation = await this.actions.proposeRevocation(violationId, input, actor, now);
    return { ...(await this.queries.getViolation(violationId)), revocation: toRevocationView(revocation) };
  }

  async reviewRevocation(
    violationId: string,
    input: { approve: boolean; opinion: string },
    actor: string,
    now = new Date(),
  ): Promise<ViolationView & { revocation: RevocationView }> {
    const revocation = await this.actions.reviewRevocation(violationId, input, actor, now);
    return { ...(await this.queries.getViolation(violationId)), revocation: toRevocationView(revocation) };
  }

  private async find(violationId: string) {
    const ds = await this.db.ready();
    const violation = await this.repository.findViolation(ds.manager, violationId);
    if (!violation) throw new DomainError(DomainErrorCode.NOT_FOUND, `violation ${violationId} not found`);
    return violation;
  }
}
