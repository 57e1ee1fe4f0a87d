import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProcessViolationDto, RevokeViolationDto } from '@oc/contracts';
import type { ViolationView } from '@oc/persistence';
import { type StaffPrincipal, ViolationWorkflowService } from '@oc/credit';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { idParam } from './id-param.pipe';

@ApiTags('violations')
@ApiBearerAuth()
@Controller('v1/violations')
export class ViolationWorkflowController {
  constructor(private readonly violations: ViolationWorkflowService) {}

  @Post(':id/processing')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Record case processing (已处理): case number, fine, date → PROCESSED' })
  @ApiOkResponse({ description: 'the violation as it now is' })
  process(
    @Param('id', idParam()) id: string,
    @Body() body: ProcessViolationDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ViolationView> {
    return this.violations.process(id, body, staff.sub);
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Revoke a violation with a reason → REVOKED, then recount (the listing may end)' })
  @ApiOkResponse({ description: 'the violation as it now is' })
  revoke(
    @Param('id', idParam()) id: string,
    @Body() body: RevokeViolationDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ViolationView> {
    return this.violations.revoke(id, body.reason, staff.sub);
  }
}
