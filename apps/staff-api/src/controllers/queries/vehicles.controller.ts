import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VehicleParamsDto } from '@oc/contracts';
import type { PlateColorCode } from '@oc/domain';
import { VehicleProfileRepository, type VehicleProfileView } from '@oc/persistence';

@ApiTags('staff: queries')
@ApiBearerAuth()
@Controller('v1/vehicles')
export class VehiclesController {
  constructor(private readonly profiles: VehicleProfileRepository) {}

  @Get(':plateColor/:plate')
  @ApiOperation({ summary: 'Vehicle profile: credit state as of now, violations and listings (newest first)' })
  @ApiOkResponse({ description: '{plate, plateColor, state, countInWindow, violations, listings}' })
  profile(@Param() params: VehicleParamsDto): Promise<VehicleProfileView> {
    return this.profiles.profile(params.plateColor as PlateColorCode, params.plate, new Date());
  }
}
