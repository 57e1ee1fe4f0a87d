import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { ProcessViolationDto, ReviewDecisionDto, RevokeViolationDto } from '@oc/contracts';
import type { ViolationRevocationView, ViolationView } from '@oc/persistence';
import { JurisdictionService, type StaffPrincipal, ViolationWorkflowService } from '@oc/credit';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { idParam } from './id-param.pipe';

@ApiTags('violations')
@StaffJwtAuth()
@Controller('v1/violations')
export class ViolationWorkflowController {
  constructor(
    private readonly violations: ViolationWorkflowService,
    private readonly jurisdiction: JurisdictionService,
  ) {}

  @Post(':id/processing')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Record case processing (已处理): case number, fine, date → PROCESSED' })
  @ApiOkResponse({ description: 'the violation as it now is' })
  async process(
    @Param('id', idParam()) id: string,
    @Body() body: ProcessViolationDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ViolationView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'violation', id });
    return this.violations.process(id, body, staff.sub);
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Propose revoking a violation with the reason; nothing changes until approved' })
  @ApiOkResponse({ description: 'the violation as it stands, with the proposal' })
  async propose(
    @Param('id', idParam()) id: string,
    @Body() body: RevokeViolationDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ViolationRevocationView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'violation', id });
    return this.violations.proposeRevocation(id, body, staff.sub);
  }

  @Post(':id/revocation-review')
  @HttpCode(200)
  @Roles('LEGAL_REVIEWER')
  @ApiOperation({ summary: 'Decide a proposed revocation (not its proposer): REVOKED and recounted, or rejected' })
  @ApiOkResponse({ description: 'the violation after the decision, with the proposal' })
  async review(
    @Param('id', idParam()) id: string,
    @Body() body: ReviewDecisionDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ViolationRevocationView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'violation', id });
    return this.violations.reviewRevocation(id, body, staff.sub);
  }
}
