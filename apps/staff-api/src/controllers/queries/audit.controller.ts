import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQueryDto } from '@oc/contracts';
import {
  AuditLogRepository,
  StaffQueryRepository,
  type AuditEntryView,
  type AuditVerification,
  type Page,
} from '@oc/persistence';
import { pageRequest } from './page-request';

@ApiTags('staff: audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly queries: StaffQueryRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit entries (执法全过程记录) in chain order, optionally of one entity' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  entries(@Query() q: AuditQueryDto): Promise<Page<AuditEntryView>> {
    return this.queries.findAudit({ entityType: q.entityType, entityId: q.entityId }, pageRequest(q));
  }

  @Get('verification')
  @ApiOperation({ summary: 'Walk the hash chain; names the first broken entry' })
  @ApiOkResponse({ description: '{ok, entries, firstBroken?: {seq, reason}}' })
  verification(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
