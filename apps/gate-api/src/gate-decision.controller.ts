import { applyDecorators, Controller, Get, HttpStatus, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, type SchemaObject } from '@nestjs/swagger';
import {
  GATE_DECISION_QUERY_PARAMETERS,
  GATE_DECISION_RESPONSE_SCHEMA,
  GateDecisionQueryDto,
  GateDecisionResponse,
} from '@oc/contracts';
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
  @ApiOperation({
    summary: 'Turn back or allow a truck at an entry lane (劝返判定)',
    description:
      '按序适用 (SPEC §4.6): 1. 超限且无有效通行证 → TURN_BACK OVERLIMIT (62号令 第三十九条, 容差 交办公路明电〔2019〕117号); ' +
      '2. 有效失信名单且非空载 → TURN_BACK DISHONESTY_LIST; 3. 有效失信名单且空载 → ALLOW EXEMPT_EMPTY; ' +
      '4. 超限但在容差内 → ALLOW WITHIN_TOLERANCE; 5. 其余 ALLOW。',
  })
  @ApiOkResponse({ description: '判定结果', schema: GATE_DECISION_RESPONSE_SCHEMA as unknown as SchemaObject })
  @applyDecorators(...GATE_DECISION_QUERY_PARAMETERS.map((p) => ApiQuery({ ...p, schema: p.schema as SchemaObject })))
  async decision(@Query() query: GateDecisionQueryDto, @Req() request: StationRequest): Promise<GateDecisionResponse> {
    try {
      return await this.gate.decide(query, { stationId: request.stationId ?? null, laneId: query.laneId });
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
