import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { CreditRepairRequestDto, ReviewDecisionDto } from '@oc/contracts';
import type { CreditRepairView } from '@oc/persistence';
import { CreditRepairService, JurisdictionService, type StaffPrincipal } from '@oc/credit';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { idParam } from './id-param.pipe';

@ApiTags('credit-repairs')
@StaffJwtAuth()
@Controller('v1/credit-repairs')
export class CreditRepairController {
  constructor(
    private readonly repairs: CreditRepairService,
    private readonly jurisdiction: JurisdictionService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Request credit repair (信用修复); 409 REPAIR_REFUSED lists every unmet condition' })
  @ApiCreatedResponse({ description: 'the PENDING request' })
  async request(
    @Body() body: CreditRepairRequestDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CreditRepairView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'listing', id: body.listingId });
    return this.repairs.request(body, staff.sub);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('REPAIR_REVIEWER')
  @ApiOperation({
    summary: 'Approve (→ listing REPAIRED, turn-back off) or reject, by someone other than the submitter',
  })
  @ApiOkResponse({ description: 'the request after the decision' })
  async review(
    @Param('id', idParam()) id: string,
    @Body() body: ReviewDecisionDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CreditRepairView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'credit_repair', id });
    return this.repairs.review(id, body, staff.sub);
  }
}
