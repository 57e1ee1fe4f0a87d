import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import { PageQueryDto, VehicleParamsDto } from '@oc/contracts';
import { vehicleKey, type PlateColorCode } from '@oc/domain';
import {
  StaffQueryRepository,
  VehicleProfileRepository,
  type AuditEntryView,
  type Page,
  type VehicleProfileView,
} from '@oc/persistence';
import { pageRequest } from './page-request';

@ApiTags('staff: queries')
@StaffJwtAuth()
@Controller('v1/vehicles')
export class VehiclesController {
  constructor(
    private readonly profiles: VehicleProfileRepository,
    private readonly queries: StaffQueryRepository,
  ) {}

  @Get(':plateColor/:plate')
  @ApiOperation({ summary: 'Vehicle profile: credit state as of now, violations and listings (newest first)' })
  @ApiOkResponse({
    description:
      "{plate, plateColor, state, countInWindow, violations, listings, registration: {plate, plateColor, owner: {name, type, idNo, phone}, operatorId, transportCertNo, certIssuedAt, registrationRegion, updatedAt} | null} — registration is the vehicle registry's record now; null: 未登记 (not registered)",
  })
  profile(@Param() params: VehicleParamsDto): Promise<VehicleProfileView> {
    return this.profiles.profile(params.plateColor as PlateColorCode, params.plate, new Date());
  }

  @Get(':plateColor/:plate/audit')
  @ApiOperation({
    summary:
      "The vehicle's audit trail (执法全过程记录): entries of its violations, listings and credit repairs, in chain order",
  })
  @ApiOkResponse({ description: '{items, page, pageSize, total}' })
  audit(@Param() params: VehicleParamsDto, @Query() q: PageQueryDto): Promise<Page<AuditEntryView>> {
    return this.queries.findVehicleAudit(vehicleKey(params.plateColor as PlateColorCode, params.plate), pageRequest(q));
  }
}
