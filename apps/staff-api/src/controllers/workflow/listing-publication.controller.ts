import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { PublicationProposalDto, ReviewDecisionDto } from '@oc/contracts';
import type { ListingView } from '@oc/persistence';
import { JurisdictionService, ListingPublicationService, type StaffPrincipal } from '@oc/credit';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { idParam } from './id-param.pipe';

@ApiTags('listings')
@StaffJwtAuth()
@Controller('v1/listings')
export class ListingPublicationController {
  constructor(
    private readonly publication: ListingPublicationService,
    private readonly jurisdiction: JurisdictionService,
  ) {}

  @Post(':id/publication-proposal')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Propose publication (失信公示): decision number and legal basis' })
  @ApiOkResponse({ description: 'the listing with its pending proposal' })
  async propose(
    @Param('id', idParam()) id: string,
    @Body() body: PublicationProposalDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'listing', id });
    return this.publication.propose(id, body, staff.sub);
  }

  @Post(':id/publication-review')
  @HttpCode(200)
  @Roles('LEGAL_REVIEWER')
  @ApiOperation({ summary: 'Legal review (法制审核) by someone other than the proposer: PUBLISHED, or back to LISTED' })
  @ApiOkResponse({ description: 'the listing after the decision' })
  async review(
    @Param('id', idParam()) id: string,
    @Body() body: ReviewDecisionDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'listing', id });
    return this.publication.review(id, body, staff.sub);
  }
}
