import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import {
  NoticeServiceDto,
  NoticesQueryDto,
  ObjectionDto,
  ObjectionReviewDto,
  ObjectionsQueryDto,
  RevocationsQueryDto,
} from '@oc/contracts';
import { JurisdictionService, NoticeServiceService, ObjectionService, type StaffPrincipal } from '@oc/credit';
import {
  DueProcessReadRepository,
  type NoticeView,
  type ObjectionView,
  type Page,
  type RevocationView,
} from '@oc/persistence';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { Roles } from '../../auth/staff-auth.guard';
import { pageRequest } from '../queries/page-request';
import { idParam } from './id-param.pipe';

/** Notices (告知书), objections (异议) and the revocation review queue (SPEC §4.4, §4.10). */
@ApiTags('due process')
@StaffJwtAuth()
@Controller('v1')
export class DueProcessController {
  constructor(
    private readonly reads: DueProcessReadRepository,
    private readonly service: NoticeServiceService,
    private readonly objections: ObjectionService,
    private readonly jurisdiction: JurisdictionService,
  ) {}

  @Get('notices')
  @ApiOperation({ summary: 'Notices (告知书), newest first' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  notices(@Query() q: NoticesQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<NoticeView>> {
    return this.reads.notices(q.status, pageRequest(q), staff.regions);
  }

  @Get('notices/:id')
  @ApiOperation({ summary: 'One notice as issued: the printable document and its service' })
  notice(@Param('id', idParam()) id: string): Promise<NoticeView> {
    return this.reads.notice(id);
  }

  @Post('notices/:id/service')
  @HttpCode(200)
  @Roles('OFFICER')
  @ApiOperation({ summary: 'Record service (送达) in person, by post or by announcement; the period runs from here' })
  async serve(
    @Param('id', idParam()) id: string,
    @Body() body: NoticeServiceDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<NoticeView> {
    // A vehicle's notice (a company's is served through its company listing): 404 before anything is written.
    await this.reads.notice(id);
    await this.jurisdiction.assertMayAct(staff, { type: 'notice', id });
    await this.service.record(id, { method: body.method, servedAt: new Date(body.servedAt) }, staff.sub);
    return this.reads.notice(id);
  }

  @Post('objections')
  @HttpCode(201)
  @Roles('OFFICER')
  @ApiOperation({
    summary: 'Record an objection (异议) against a weighing, violation, listing or posting; you handle it',
  })
  async record(@Body() body: ObjectionDto, @CurrentStaff() staff: StaffPrincipal): Promise<ObjectionView> {
    await this.jurisdiction.assertMayAct(staff, {
      type: body.target.type === 'POSTING' ? 'listing' : (body.target.type.toLowerCase() as 'weighing'),
      id: body.target.id,
    });
    const now = new Date();
    const objection = await this.objections.record(
      { ...body, receivedAt: body.receivedAt ? new Date(body.receivedAt) : undefined },
      staff.sub,
      now,
    );
    return this.reads.objection(objection.id, now);
  }

  @Get('objections')
  @ApiOperation({ summary: 'The objections queue: pending first, by due date; overdue ones flagged' })
  objectionsQueue(@Query() q: ObjectionsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<ObjectionView>> {
    return this.reads.objections(
      { status: q.status, overdue: q.overdue, listingId: q.listingId, regions: staff.regions },
      pageRequest(q),
      new Date(),
    );
  }

  @Get('objections/:id')
  objection(@Param('id', idParam()) id: string): Promise<ObjectionView> {
    return this.reads.objection(id, new Date());
  }

  @Post('objections/:id/review')
  @HttpCode(200)
  @Roles('LEGAL_REVIEWER')
  @ApiOperation({ summary: 'Decide an objection (not its handler): upheld → revoked / withdrawn, or rejected' })
  async review(
    @Param('id', idParam()) id: string,
    @Body() body: ObjectionReviewDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<ObjectionView> {
    await this.jurisdiction.assertMayAct(staff, { type: 'objection', id });
    const now = new Date();
    await this.objections.review(id, body, staff.sub, now);
    return this.reads.objection(id, now);
  }

  @Get('revocations')
  @ApiOperation({
    summary: "Proposed revocations of violations (two-person rule), oldest first; the caller's regions only",
  })
  revocations(@Query() q: RevocationsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<RevocationView>> {
    return this.reads.revocations(q.status, pageRequest(q), staff.regions);
  }
}
