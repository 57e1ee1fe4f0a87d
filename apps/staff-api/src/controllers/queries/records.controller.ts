import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ViolationsQueryDto, WeighingsQueryDto } from '@oc/contracts';
import { StaffQueryRepository, type Page, type ViolationView, type WeighingView } from '@oc/persistence';
import { pageRequest, vehicleRecordsFilter } from './page-request';

@ApiTags('staff: queries')
@ApiBearerAuth()
@Controller('v1')
export class RecordsController {
  constructor(private readonly queries: StaffQueryRepository) {}

  @Get('weighings')
  @ApiOperation({ summary: 'Every stored weighing with its classification, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  weighings(@Query() q: WeighingsQueryDto): Promise<Page<WeighingView>> {
    return this.queries.findWeighings({ ...vehicleRecordsFilter(q), classification: q.classification }, pageRequest(q));
  }

  @Get('violations')
  @ApiOperation({ summary: 'Violations, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  violations(@Query() q: ViolationsQueryDto): Promise<Page<ViolationView>> {
    return this.queries.findViolations({ ...vehicleRecordsFilter(q), status: q.status }, pageRequest(q));
  }
}
