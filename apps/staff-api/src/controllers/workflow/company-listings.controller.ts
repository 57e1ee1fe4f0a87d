import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import {
  CompanyListingsQueryDto,
  CompanyObjectionDto,
  NoticeServiceDto,
  ObjectionReviewDto,
  PublicationProposalDto,
  ReviewDecisionDto,
} from '@oc/contracts';
import {
  CompanyListingActionsService,
  JurisdictionService,
  NoticeServiceService,
  type StaffPrincipal,
} from '@oc/credit';
import { DomainError, DomainErrorCode } from '@oc/domain';
import { CompanyListingReadRepository, type CompanyListingView, type Page } from '@oc/persistence';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { pageRequest } from '../queries/page-request';
import { idParam } from './id-param.pipe';

/**
 * Company listings (道路运输企业, SPEC §4.9): candidates found by the scheduler, with the due process of a
 * vehicle listing — the notice's service, objections decided by another person, publication reviewed
 * by another person. They turn no truck back.
 */
@ApiTags('company listings')
@StaffJwtAuth()
@Controller('v1/company-listings')
export class CompanyListingsController {
  constructor(
    private readonly reads: CompanyListingReadRepository,
    private readonly actions: CompanyListingActionsService,
    private readonly service: NoticeServiceService,
    private readonly jurisdiction: JurisdictionService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Company listings, newest first' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  list(@Query() q: CompanyListingsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<CompanyListingView>> {
    return this.reads.list(
      { status: q.status, operatorId: q.operatorId, regions: staff.regions },
      pageRequest(q),
      new Date(),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One company listing with its notice (the document as issued) and objections' })
  one(@Param('id', idParam()) id: string): Promise<CompanyListingView> {
    return this.reads.one(id, new Date());
  }

  @Post(':id/notice-service')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Record service (送达) of the company notice; the period runs from here' })
  async serve(
    @Param('id', idParam()) id: string,
    @Body() body: NoticeServiceDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CompanyListingView> {
    const listing = await this.reads.one(id, new Date());
    await this.jurisdiction.assertMayAct(staff, { type: 'company_listing', id });
    if (!listing.notice) {
      throw new DomainError(DomainErrorCode.INVALID_TRANSITION, 'the company listing has no notice', [
        { field: 'notice', message: 'none issued' },
      ]);
    }
    await this.service.record(listing.notice.id, { method: body.method, servedAt: new Date(body.servedAt) }, staff.sub);
    return this.reads.one(id, new Date());
  }

  @Post(':id/objections')
  @HttpCode(201)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Record an objection (异议) of the company; you handle it' })
  async object(
    @Param('id', idParam()) id: string,
    @Body() body: CompanyObjectionDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CompanyListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'company_listing', id });
    const now = new Date();
    await this.actions.recordObjection(
      id,
      { ...body, receivedAt: body.receivedAt ? new Date(body.receivedAt) : undefined },
      staff.sub,
      now,
    );
    return this.reads.one(id, now);
  }

  @Post(':id/objections/:objectionId/review')
  @HttpCode(200)
  @Roles('LEGAL_REVIEWER')
  @ApiOperation({ summary: 'Decide an objection (not its handler): upheld → withdrawn or revoked, or rejected' })
  async review(
    @Param('id', idParam()) id: string,
    @Param('objectionId', idParam()) objectionId: string,
    @Body() body: ObjectionReviewDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CompanyListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'company_listing', id });
    const now = new Date();
    await this.actions.decideObjection(id, objectionId, body, staff.sub, now);
    return this.reads.one(id, now);
  }

  @Post(':id/publication-proposal')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Propose publication (失信公示) of an effective company listing' })
  async propose(
    @Param('id', idParam()) id: string,
    @Body() body: PublicationProposalDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CompanyListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'company_listing', id });
    const now = new Date();
    await this.actions.proposePublication(id, body, staff.sub, now);
    return this.reads.one(id, now);
  }

  @Post(':id/publication-review')
  @HttpCode(200)
  @Roles('LEGAL_REVIEWER')
  @ApiOperation({ summary: 'Legal review (法制审核) by someone other than the proposer' })
  async reviewPublication(
    @Param('id', idParam()) id: string,
    @Body() body: ReviewDecisionDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<CompanyListingView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'company_listing', id });
    const now = new Date();
    await this.actions.reviewPublication(id, body, staff.sub, now);
    return this.reads.one(id, now);
  }
}
