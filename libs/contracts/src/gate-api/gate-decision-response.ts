import { GATE_REASONS } from '@oc/domain';

/**
 * The reasons a gate answer can give (SPEC §4.6): the rule that decided (libs/domain decideGate), or
 * FAIL_CLOSED when neither Redis nor Postgres could say and GATE_FAILURE_MODE is closed.
 */
export const GATE_ANSWER_REASONS = [...GATE_REASONS, 'FAIL_CLOSED'] as const;
export type GateAnswerReason = (typeof GATE_ANSWER_REASONS)[number];

/** What each reason means, in the terms of the law it applies; the OpenAPI document shows them. */
export const GATE_REASON_DESCRIPTIONS: Readonly<Record<GateAnswerReason, string>> = {
  OVERLIMIT:
    'TURN_BACK — 超限: 入口称重读数超过限值(62号令 第三条第一款第(四)至(八)项)的入口容差 ' +
    '(交办公路明电〔2019〕117号, ENTRY_TOLERANCE_PERCENT, 5%) 以上, 且没有覆盖本车、本时、本重量、本站的' +
    '超限运输车辆通行证(第二十七条); 入口不得放行超限车辆(第三十九条)',
  DISHONESTY_LIST:
    'TURN_BACK — 违法失信清单: 车辆的失信名单有效(LISTED, 或 TURN_BACK_REQUIRES_PUBLICATION 时 PUBLISHED) ' +
    '且非空载(货物状态未知按载货), 劝返',
  EXEMPT_EMPTY: 'ALLOW — 车辆在有效的违法失信清单上, 但空载: 空载车辆不劝返',
  WITHIN_TOLERANCE:
    'ALLOW — 读数超过限值但不超过入口容差 (交办公路明电〔2019〕117号: 不超过限值105%的视为未超限, ' +
    '以抵消动态称重误差)',
  FAIL_CLOSED:
    'TURN_BACK — Redis 与 Postgres 均无法回答且 GATE_FAILURE_MODE=closed: 名单或通行证无法核实, ' +
    '非空载车辆劝返 (open 时放行, source fail-open)',
};

export type GateSource = 'cache' | 'database' | 'fail-open' | 'fail-closed';
export const GATE_SOURCES: readonly GateSource[] = ['cache', 'database', 'fail-open', 'fail-closed'];

export interface GateDecisionResponse {
  decision: 'TURN_BACK' | 'ALLOW';
  /** The reason of the rule that decided; empty when none applied (rule 5: ALLOW). */
  reasons: GateAnswerReason[];
  listing: { id: string; status: 'LISTED' | 'PUBLISHED'; listedAt: string; violationCount: number } | null;
  overKg: number | null;
  source: GateSource;
  decidedAt: string;
}

/** GateDecisionResponse as an OpenAPI schema object (served by gate-api's /openapi.json). */
export const GATE_DECISION_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['decision', 'reasons', 'listing', 'overKg', 'source', 'decidedAt'],
  properties: {
    decision: { type: 'string', enum: ['TURN_BACK', 'ALLOW'], description: 'TURN_BACK = 劝返; ALLOW = 放行' },
    reasons: {
      type: 'array',
      maxItems: 1,
      items: { type: 'string', enum: [...GATE_ANSWER_REASONS] },
      description:
        '判定依据 (SPEC §4.6, 按此顺序取第一条适用的规则; 无规则适用时为空):\n' +
        GATE_ANSWER_REASONS.map((r) => `- ${r}: ${GATE_REASON_DESCRIPTIONS[r]}`).join('\n'),
    },
    listing: {
      type: 'object',
      nullable: true,
      description: '车辆当前的违法失信清单 (LISTED/PUBLISHED), 无则为 null',
      properties: {
        id: { type: 'string' },
        status: { type: 'string', enum: ['LISTED', 'PUBLISHED'] },
        listedAt: { type: 'string', format: 'date-time' },
        violationCount: { type: 'integer', description: '计入的违法超限运输次数' },
      },
    },
    overKg: {
      type: 'integer',
      nullable: true,
      description: '称重读数减去限值 (62号令 第三条), 未超限为负; 无读数时为 null',
    },
    source: {
      type: 'string',
      enum: [...GATE_SOURCES],
      description: 'cache (Redis), database (Postgres 兜底), fail-open / fail-closed (两者均不可用)',
    },
    decidedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The query parameters of GET /v1/gate/decision as OpenAPI describes them (GateDecisionQueryDto validates). */
export const GATE_DECISION_QUERY_PARAMETERS: readonly {
  name: string;
  required: boolean;
  description: string;
  schema: Record<string, unknown>;
}[] = [
  { name: 'plate', required: true, description: '车牌号 (SPEC §4.1 规范化)', schema: { type: 'string' } },
  {
    name: 'plateColor',
    required: true,
    description: '车牌颜色: 代码 0-7, 11, 12 或名称 (BLUE, YELLOW, …)',
    schema: { type: 'string' },
  },
  {
    name: 'cargo',
    required: false,
    description: '货物状态 LADEN | EMPTY | UNKNOWN (缺省 UNKNOWN, 按载货处理)',
    schema: { type: 'string', enum: ['LADEN', 'EMPTY', 'UNKNOWN'] },
  },
  {
    name: 'axles',
    required: false,
    description: '入口称重: 轴数 (与 grossWeightKg 同时给出)',
    schema: { type: 'integer', minimum: 2, maximum: 12 },
  },
  { name: 'combination', required: false, description: '汽车列车 (缺省: 五轴及以上)', schema: { type: 'boolean' } },
  {
    name: 'singleDriveAxle',
    required: false,
    description: '六轴及以上汽车列车, 牵引车驱动轴为单轴 (限值 46,000 kg)',
    schema: { type: 'boolean' },
  },
  {
    name: 'grossWeightKg',
    required: false,
    description: '入口称重: 车货总质量 kg',
    schema: { type: 'integer', minimum: 0, maximum: 200000 },
  },
  {
    name: 'permitNo',
    required: false,
    description:
      '超限运输车辆通行证号 (大件运输许可): 仅当许可登记中该证覆盖本车(车牌与颜色)、当前时间、本重量和本站时免于 OVERLIMIT ' +
      '(62号令 第二十七条)',
    schema: { type: 'string', minLength: 1, maxLength: 64 },
  },
  { name: 'laneId', required: false, description: '车道号 (写入劝返记录)', schema: { type: 'string', maxLength: 16 } },
];
