import { GATE_REASONS, type GateReason } from '@oc/domain';

/**
 * The reasons a gate answer can give (SPEC §4.6): the rule that decided (libs/domain decideGate), or
 * FAIL_CLOSED when neither Redis nor Postgres could say and GATE_FAILURE_MODE is closed.
 */
export type GateAnswerReason = GateReason | 'FAIL_CLOSED';
export const GATE_ANSWER_REASONS: readonly GateAnswerReason[] = [...GATE_REASONS, 'FAIL_CLOSED'];

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

/** GET /v1/gate/decision: the answer (SPEC §4.6, §6). */
export interface GateDecisionResponse {
  /** TURN_BACK = 劝返; ALLOW = 放行 */
  decision: 'TURN_BACK' | 'ALLOW';
  /**
   * The reason of the rule that decided (the first that applies, SPEC §4.6); empty when none applied
   * (rule 5: ALLOW). The operation's description gives the law each reason applies.
   * @maxItems 1
   */
  reasons: GateAnswerReason[];
  /** 车辆当前的违法失信清单 (LISTED/PUBLISHED); null: none. */
  listing: GateListing | null;
  /**
   * 称重读数减去限值 (62号令 第三条) in kg, negative under the limit; null without a reading.
   * @type ["integer", "null"]
   */
  overKg: number | null;
  /** cache (Redis), database (the Postgres fallback), fail-open / fail-closed (neither could answer: GATE_FAILURE_MODE). */
  source: GateSource;
  /**
   * When the gate decided (ISO 8601, UTC).
   * @format date-time
   */
  decidedAt: string;
}

/** The vehicle's effective listing as the gate sees it. */
export interface GateListing {
  /** @format uuid */
  id: string;
  status: 'LISTED' | 'PUBLISHED';
  /** @format date-time */
  listedAt: string;
  /**
   * 计入的违法超限运输次数 (acts, not weighings).
   * @asType integer
   */
  violationCount: number;
}
