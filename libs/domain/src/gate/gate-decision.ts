import { measureOverlimit, withinEntryTolerance, type OverlimitRules, type ScaleReading } from '../overlimit/classify-weighing';

export type Cargo = 'LADEN' | 'EMPTY' | 'UNKNOWN';
export type GateVerdict = 'TURN_BACK' | 'ALLOW';
export const GATE_REASONS = ['OVERLIMIT', 'DISHONESTY_LIST', 'EXEMPT_EMPTY', 'WITHIN_TOLERANCE'] as const;
export type GateReason = (typeof GATE_REASONS)[number];

export interface GateInput {
  /** UNKNOWN is treated as laden (§4.6). */
  cargo: Cargo;
  /** The entry scale's own reading, when it sends one. */
  reading?: ScaleReading;
  /** Whether the vehicle has a listing that turns back (the caller applies TURN_BACK_REQUIRES_PUBLICATION). */
  activeListing: boolean;
  /**
   * Whether the reading's permitNo is a permit of the registry that covers this vehicle, now, this weight
   * and this station (checkPermit returned null); false without a permitNo.
   */
  permitCovers: boolean;
}

export interface GateDecision {
  decision: GateVerdict;
  /** The reason of the rule that decided; empty when none applied. */
  reasons: GateReason[];
  /** grossWeightKg − limit of the reading (negative when under), null without a reading. */
  overKg: number | null;
}

/**
 * §4.6, first matching rule decides, in this order:
 * 1. reading over the limit by more than the entry tolerance (117号, 5 %), no covering permit → TURN_BACK,
 *    OVERLIMIT (62号令 第三十九条: entrances do not admit overlimit vehicles);
 * 2. active listing, cargo not EMPTY → TURN_BACK, DISHONESTY_LIST (劝返);
 * 3. active listing, cargo EMPTY → ALLOW, EXEMPT_EMPTY (空载车辆除外);
 * 4. reading over the limit but within the tolerance → ALLOW, WITHIN_TOLERANCE;
 * 5. otherwise ALLOW.
 * The 1,000 kg warning band is a penalty tier of 第四十三条 for stored weighings; it plays no part here.
 * The plate does not matter here: an overlimit vehicle is turned back even when its plate was not read.
 */
export function decideGate(input: GateInput, rules: OverlimitRules): GateDecision {
  const measure = input.reading ? measureOverlimit(input.reading, rules) : undefined;
  const overKg = measure ? measure.overKg : null;
  const decide = (decision: GateVerdict, reason?: GateReason): GateDecision => ({
    decision,
    reasons: reason ? [reason] : [],
    overKg,
  });
  const tolerated = !!measure && withinEntryTolerance(measure, rules);
  if (measure && measure.overKg > 0 && !tolerated && !input.permitCovers) return decide('TURN_BACK', 'OVERLIMIT');
  if (input.activeListing && input.cargo !== 'EMPTY') return decide('TURN_BACK', 'DISHONESTY_LIST');
  if (input.activeListing) return decide('ALLOW', 'EXEMPT_EMPTY');
  if (tolerated) return decide('ALLOW', 'WITHIN_TOLERANCE');
  return decide('ALLOW');
}
