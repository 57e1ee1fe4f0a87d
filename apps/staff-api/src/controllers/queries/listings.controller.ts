import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreditRepairsQueryDto, ListingIdParamsDto, ListingsQueryDto } from '@oc/contracts';
import {
  StaffQueryRepository,
  type CreditRepairView,
  type ListingDetailView,
  type ListingView,
  type Page,
} from '@oc/persistence';
import { pageRequest } from './page-request';

@ApiTags('staff: queries')
@ApiBearerAuth()
@Controller('v1')
export class ListingsController {
  constructor(private readonly queries: StaffQueryRepository) {}

  @Get('listings')
  @ApiOperation({
    summary: 'Listings; the review queue (status=LISTED or overdue=true) comes oldest first, otherwise newest first',
  })
  @ApiOkResponse({ description: '{items, page, pageSize, total}; each with publicationDueBy and overdue' })
  listings(@Query() q: ListingsQueryDto): Promise<Page<ListingView>> {
    return this.queries.findListings(
      { status: q.status, overdue: q.overdue, plate: q.plate },
      pageRequest(q),
      new Date(),
    );
  }

  @Get('listings/:id')
  @ApiOperation({ summary: 'One listing with its violations' })
  @ApiOkResponse({ description: 'listing, with violations (newest first)' })
  listing(@Param() params: ListingIdParamsDto): Promise<ListingDetailView> {
    return this.queries.getListing(params.id, new Date());
  }

  @Get('credit-repairs')
  @ApiOperation({ summary: 'Credit-repair requests (信用修复), oldest first' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  creditRepairs(@Query() q: CreditRepairsQueryDto): Promise<Page<CreditRepairView>> {
    return this.queries.findCreditRepairs({ status: q.status }, pageRequest(q));
  }
}
