import { Controller, Get, HttpStatus, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GateDecisionQueryDto, GateDecisionResponse } from '@oc/contracts';
import { GateDecisionService, GateQueryError } from '@oc/credit';
import { ApiError } from '@oc/observability';
import { StationKeyGuard, type StationRequest } from './station-key.guard';

@ApiTags('gate')
@ApiBearerAuth()
@Controller('v1/gate')
@UseGuards(StationKeyGuard)
export class GateDecisionController {
  constructor(private readonly gate: GateDecisionService) {}

  @Get('decision')
  @ApiOperation({ summary: 'Turn back or allow a truck at an entry lane (劝返判定)' })
  @ApiOkResponse({ description: '{decision, reasons, listing, overKg, source, decidedAt}' })
  async decision(@Query() query: GateDecisionQueryDto, @Req() request: StationRequest): Promise<GateDecisionResponse> {
    try {
      return await this.gate.decide(query, { stationId: request.stationId!, laneId: query.laneId });
    } catch (error) {
      if (error instanceof GateQueryError) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
          { field: error.field, message: error.message },
        ]);
      }
      throw error;
    }
  }
}
