/** `gate.decisions.v1` (SPEC §5): every TURN_BACK the gate answered, for the 劝返记录. */
export interface GateDecisionEventV1 {
  decisionId: string;
  stationId: string;
  laneId?: string;
  plate: string;
  plateColor: number;
  decision: 'TURN_BACK' | 'ALLOW';
  reasons: string[];
  at: string;
}
