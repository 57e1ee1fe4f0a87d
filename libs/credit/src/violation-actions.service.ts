import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@oc/domain';
import { AuditLogRepository, CreditRepository, DatabaseConnection } from '@oc/persistence';
import { CreditRecountService } from './credit-recount.service';

interface ViolationRow {
  id: string;
  vehicle_key: string;
  status: 'OPEN' | 'PROCESSED' | 'REVOKED';
  case_no: string | null;
  fine_yuan: number | null;
  processed_at: Date | null;
}

/**
 * Staff actions on a violation (SPEC §4.4): case processing (→ PROCESSED) and revocation (→ REVOKED,
 * then a recount that may revoke the listing). Audit entries and outbox rows are written in the same
 * transaction, so the gate follows within a second of the commit.
 */
@Injectable()
export class ViolationActionsService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly recount: CreditRecountService,
  ) {}

  async revoke(violationId: string, reason: string, actor: string, now = new Date()): Promise<void> {
    const ds = await this.db.ready();
    await ds.transaction(async (m) => {
      const before = await this.lockAndLoad(m, violationId);
      if (before.status === 'REVOKED') {
        throw new DomainError(DomainErrorCode.INVALID_TRANSITION, 'the violation is already revoked', [
          { field: 'status', message: 'REVOKED' },
        ]);
      }
      await m.query(
        `UPDATE violations SET status = 'REVOKED', revoked_reason = $2, revoked_at = $3, updated_at = now() WHERE id = $1`,
        [violationId, reason, now.toISOString()],
      );
      // The violation's own entry first, then whatever the recount changes (listing revoked, recounted).
      await this.recount.recount(m, [before.vehicle_key], {
        now,
        actor,
        leadingAudit: [
          {
            at: now,
            actor,
            action: 'VIOLATION_REVOKED',
            entityType: 'violation',
            entityId: violationId,
            before: { status: before.status },
            after: { status: 'REVOKED' },
            reason,
          },
        ],
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
      const before = await this.lockAndLoad(m, violationId);
      if (before.status !== 'OPEN') {
        throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `the violation is ${before.status}, not OPEN`, [
          { field: 'status', message: before.status },
        ]);
      }
      await m.query(
        `UPDATE violations SET status = 'PROCESSED', case_no = $2, fine_yuan = $3, processed_at = $4, updated_at = now() WHERE id = $1`,
        [violationId, input.caseNo, input.fineYuan, input.processedAt.toISOString()],
      );
      await this.audit.append(m, [
        {
          at: now,
          actor,
          action: 'VIOLATION_PROCESSED',
          entityType: 'violation',
          entityId: violationId,
          before: { status: before.status },
          after: {
            status: 'PROCESSED',
            caseNo: input.caseNo,
            fineYuan: input.fineYuan,
            processedAt: input.processedAt.toISOString(),
          },
          reason: null,
        },
      ]);
    });
  }

  private async lockAndLoad(
    m: Parameters<CreditRepository['lockVehicles']>[0],
    violationId: string,
  ): Promise<ViolationRow> {
    const [found] = (await m.query(`SELECT vehicle_key FROM violations WHERE id = $1`, [violationId])) as {
      vehicle_key: string;
    }[];
    if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `violation ${violationId} not found`);
    await this.credit.lockVehicles(m, [found.vehicle_key]);
    const [row] = (await m.query(
      `SELECT id, vehicle_key, status, case_no, fine_yuan, processed_at FROM violations WHERE id = $1`,
      [violationId],
    )) as ViolationRow[];
    return row!;
  }
}
