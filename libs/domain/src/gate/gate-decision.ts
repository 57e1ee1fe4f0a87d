import { measureOverlimit, hasPermit, type OverlimitRules, type ScaleReading } from '../overlimit/classify-weighing';

export type Cargo = 'LADEN' | 'EMPTY' | 'UNKNOWN';
export type GateVerdict = 'TURN_BACK' | 'ALLOW';
export const GATE_REASONS = ['OVERLIMIT', 'DISHONESTY_LIST', 'EXEMPT_EMPTY', 'OVERLIMIT_WARNING'] as const;
export type GateReason = (typeof GATE_REASONS)[number];

export interface GateInput {
  /** UNKNOWN is treated as laden (§4.6). */
  cargo: Cargo;
  /** The entry scale's own reading, when it sends one. */
  reading?: ScaleReading;
  /** Whether the vehicle has a listing that turns back (the caller applies TURN_BACK_REQUIRES_PUBLICATION). */
  activeListing: boolean;
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
 * 1. reading beyond the warning band, no permit → TURN_BACK, OVERLIMIT (62号令 第三十九条: entrances do not admit overlimit vehicles);
 * 2. active listing, cargo not EMPTY → TURN_BACK, DISHONESTY_LIST (劝返);
 * 3. active listing, cargo EMPTY → ALLOW, EXEMPT_EMPTY (空载车辆除外);
 * 4. reading in the warning band → ALLOW, OVERLIMIT_WARNING (第四十三条: warn, let through);
 * 5. otherwise ALLOW.
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
  if (measure?.band === 'BEYOND_BAND' && !hasPermit(input.reading?.permitNo)) return decide('TURN_BACK', 'OVERLIMIT');
  if (input.activeListing && input.cargo !== 'EMPTY') return decide('TURN_BACK', 'DISHONESTY_LIST');
  if (input.activeListing) return decide('ALLOW', 'EXEMPT_EMPTY');
  if (measure?.band === 'WARNING_BAND') return decide('ALLOW', 'OVERLIMIT_WARNING');
  return decide('ALLOW');
}
