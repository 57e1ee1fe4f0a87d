import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQueryDto } from '@oc/contracts';
import { AuditVerificationCache } from '@oc/credit';
import type { CachedAuditVerification } from '@oc/domain';
import { ApiError, StaffJwtAuth } from '@oc/observability';
import { StaffQueryRepository, type AuditEntryView, type Page } from '@oc/persistence';
import { Roles } from '../../auth/staff-auth.guard';
import { pageRequest } from './page-request';

@ApiTags('staff: audit')
@StaffJwtAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly queries: StaffQueryRepository,
    private readonly verifications: AuditVerificationCache,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit entries (执法全过程记录) in chain order, optionally of one entity' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  entries(@Query() q: AuditQueryDto): Promise<Page<AuditEntryView>> {
    return this.queries.findAudit({ entityType: q.entityType, entityId: q.entityId }, pageRequest(q));
  }

  // ADMIN only: the answer says how the log can be attacked and walks all of it (docs/security.md).
  @Get('verification')
  @Roles('ADMIN')
  @ApiOperation({
    summary:
      'Walk the chain against its HMACs and the anchors of audit.anchors.v1; names the first broken, missing or ' +
      'rewritten entry. ADMIN only; answered from a result at most AUDIT_VERIFICATION_CACHE_SECONDS old',
  })
  @ApiOkResponse({
    description:
      '{ok, entries, firstBroken?: {seq, code, reason}, unsealedEntries, anchors: {valid, invalid, latest}, ' +
      'anchorGaps: [{after, before, firstSeq, lastSeq}], computedAt}',
  })
  async verification(): Promise<CachedAuditVerification> {
    try {
      return await this.verifications.get();
    } catch (error) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'AUDIT_VERIFICATION_UNAVAILABLE',
        `The audit log could not be verified now: ${(error as Error).message}`,
      );
    }
  }
}
