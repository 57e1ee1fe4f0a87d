import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { ViolationsQueryDto, WeighingsQueryDto } from '@oc/contracts';
import type { StaffPrincipal } from '@oc/credit';
import { StaffQueryRepository, type Page, type ViolationView, type WeighingView } from '@oc/persistence';
import { CurrentStaff } from '../../auth/current-staff.decorator';
import { pageRequest, vehicleRecordsFilter } from './page-request';

@ApiTags('staff: queries')
@StaffJwtAuth()
@Controller('v1')
export class RecordsController {
  constructor(private readonly queries: StaffQueryRepository) {}

  @Get('weighings')
  @ApiOperation({ summary: 'Every stored weighing with its classification, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({
    description:
      '{items, page, pageSize, total}; each with classification COMPLIANT|TOLERATED (entry reading within ENTRY_TOLERANCE_PERCENT)|WARNING|VIOLATION|EXEMPT_PERMIT|UNIDENTIFIED and permitCheck UNKNOWN_PERMIT|REVOKED|OTHER_VEHICLE|NOT_VALID_AT_TIME|OVER_PERMITTED_WEIGHT|OFF_ROUTE|null (why its permitNo did not exempt it)',
  })
  weighings(@Query() q: WeighingsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<WeighingView>> {
    return this.queries.findWeighings(
      { ...vehicleRecordsFilter(q), classification: q.classification, regions: staff.regions },
      pageRequest(q),
    );
  }

  @Get('violations')
  @ApiOperation({ summary: 'Violations, newest first; [from, to) on measuredAt' })
  @ApiOkResponse({
    description:
      '{items, page, pageSize, total}; each with permitNo (null: none carried) and permitCheck UNKNOWN_PERMIT|REVOKED|OTHER_VEHICLE|NOT_VALID_AT_TIME|OVER_PERMITTED_WEIGHT|OFF_ROUTE|null',
  })
  violations(@Query() q: ViolationsQueryDto, @CurrentStaff() staff: StaffPrincipal): Promise<Page<ViolationView>> {
    return this.queries.findViolations(
      { ...vehicleRecordsFilter(q), status: q.status, regions: staff.regions },
      pageRequest(q),
    );
  }
}
