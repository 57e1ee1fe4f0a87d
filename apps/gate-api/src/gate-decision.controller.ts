import { Controller, Get, HttpStatus, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import {
  GATE_ANSWER_REASONS,
  GATE_REASON_DESCRIPTIONS,
  GateDecisionQueryDto,
  GateDecisionResponse,
} from '@oc/contracts';
import { GateDecisionService, GateQueryError } from '@oc/credit';
import { ApiError, StationKeyAuth } from '@oc/observability';
import { StationKeyGuard, type StationRequest } from './station-key.guard';

@ApiTags('gate')
@StationKeyAuth()
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
      '4. 超限但在容差内 → ALLOW WITHIN_TOLERANCE; 5. 其余 ALLOW。\n\n判定依据 (reasons, 取第一条适用的规则; 无规则适用时为空):\n' +
      GATE_ANSWER_REASONS.map((r) => `- ${r}: ${GATE_REASON_DESCRIPTIONS[r]}`).join('\n') +
      '\n\n未知的查询参数被拒绝 (400 VALIDATION_FAILED, 指明参数名): 车道控制器只发送本文档列出的参数。',
  })
  @ApiOkResponse({ description: '判定结果 (TURN_BACK 劝返 / ALLOW 放行)' })
  @ApiTooManyRequestsResponse({
    description:
      'TOO_MANY_REQUESTS: too many wrong station keys from this address (Retry-After); a valid key is never throttled',
  })
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
