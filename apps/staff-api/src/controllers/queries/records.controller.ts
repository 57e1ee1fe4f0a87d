import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ViolationsQueryDto, WeighingsQueryDto } from '@oc/contracts';
import type { PlateColorCode } from '@oc/domain';
import { StaffQueryRepository, type Page, type ViolationView, type WeighingView } from '@oc/persistence';
import { pageRequest, period } from './page-request';

@ApiTags('staff: queries')
@ApiBearerAuth()
@Controller('v1')
export class RecordsController {
  constructor(private readonly queries: StaffQueryRepository) {}

  @Get('weighings')
  @ApiOperation({ summary: 'Every stored weighing with its classification, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  weighings(@Query() q: WeighingsQueryDto): Promise<Page<WeighingView>> {
    return this.queries.findWeighings(
      {
        plate: q.plate,
        plateColor: q.plateColor as PlateColorCode | undefined,
        classification: q.classification,
        stationId: q.stationId,
        ...period(q.from, q.to),
      },
      pageRequest(q),
    );
  }

  @Get('violations')
  @ApiOperation({ summary: 'Violations, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  violations(@Query() q: ViolationsQueryDto): Promise<Page<ViolationView>> {
    return this.queries.findViolations(
      {
        plate: q.plate,
        plateColor: q.plateColor as PlateColorCode | undefined,
        status: q.status,
        stationId: q.stationId,
        ...period(q.from, q.to),
      },
      pageRequest(q),
    );
  }
}
