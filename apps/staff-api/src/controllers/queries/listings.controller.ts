import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { CreditRepairsQueryDto, ListingIdParamsDto, ListingsQueryDto } from '@oc/contracts';
import { CreditRepairService, type StaffPrincipal } from '@oc/credit';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import {
  StaffQueryRepository,
  type CreditRepairView,
  type ListingDetailView,
  type ListingView,
  type Page,
  type RepairEligibilityView,
} from '@oc/persistence';
import { idParam } from '../workflow/id-param.pipe';
import { pageRequest } from './page-request';

const PARTY =
  "party: {ownerName, ownerType: PERSON|COMPANY, ownerIdNo, operatorId, transportCertNo, registrationRegion} | null — from the vehicle registry as of the listing's creation; null: 未登记 (the vehicle was not in the registry)";

@ApiTags('staff: queries')
@StaffJwtAuth()
@Controller('v1')
export class ListingsController {
  constructor(
    private readonly queries: StaffQueryRepository,
    private readonly repairs: CreditRepairService,
  ) {}

  @Get('listings')
  @ApiOperation({
    summary:
      'Listings; the review queue (status=LISTED or overdue=true) comes oldest first, otherwise newest first; proposed=true: awaiting legal review',
  })
  @ApiOkResponse({
    description: `{items, page, pageSize, total}; each with publicationDueBy, overdue and ${PARTY}`,
  })
  listings(@Query() q: ListingsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<ListingView>> {
    return this.queries.findListings(
      { status: q.status, overdue: q.overdue, plate: q.plate, proposed: q.proposed, regions: staff.regions },
      pageRequest(q),
      new Date(),
    );
  }

  @Get('listings/:id')
  @ApiOperation({ summary: 'One listing with its violations' })
  @ApiOkResponse({ description: `listing, with violations (newest first) and ${PARTY}` })
  listing(@Param() params: ListingIdParamsDto): Promise<ListingDetailView> {
    return this.queries.getListing(params.id, new Date());
  }

  @Get('listings/:id/repair-eligibility')
  @ApiOperation({
    summary: 'Whether a credit-repair request (信用修复) would be accepted now, with every unmet condition',
  })
  @ApiOkResponse({ description: '{listingId, eligible, unmet: [{code, message, violationId?, notBefore?}]}' })
  repairEligibility(@Param() params: ListingIdParamsDto): Promise<RepairEligibilityView> {
    return this.repairs.eligibility(params.id);
  }

  @Get('credit-repairs')
  @ApiOperation({ summary: 'Credit-repair requests (信用修复), oldest first' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  creditRepairs(
    @Query() q: CreditRepairsQueryDto,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<Page<CreditRepairView>> {
    return this.queries.findCreditRepairs({ status: q.status, regions: staff.regions }, pageRequest(q));
  }

  @Get('credit-repairs/:id')
  @ApiOperation({ summary: 'One credit-repair request' })
  @ApiOkResponse({ description: 'the request, with its decision once reviewed' })
  creditRepair(@Param('id', idParam()) id: string): Promise<CreditRepairView> {
    return this.queries.getCreditRepair(id);
  }
}
