import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { GATE_ANSWER_REASONS, type GateAnswerReason } from '../gate-api/gate-decision-response';
import { Doc, IsDateTimeWithOffset, IsPlate, IsPlateColorCode, NoControlCharacters } from '../message-rules';

export const GATE_VERDICTS = ['TURN_BACK', 'ALLOW'] as const;

/**
 * `gate.decisions.v1` (SPEC §5), key `"<plateColorCode>:<plate>"`: every TURN_BACK the gate answered, for
 * the 劝返记录. The gate writes it; ingest reads it back with these decorators (parseGateDecision).
 */
export class GateDecisionEventV1 {
  @Doc('unique per answer (a UUID from the gate); a redelivery is stored once')
  @NoControlCharacters()
  @Length(1, 64)
  @IsString()
  decisionId!: string;

  @Doc("the asking station's id (its station key's station); first 6 digits: the division code")
  @Matches(/^\d{6}/, { message: 'stationId must start with a 6-digit administrative division code' })
  @NoControlCharacters()
  @Length(1, 32)
  @IsString()
  stationId!: string;

  @Doc('the lane, when the lane controller named it')
  @IsOptional()
  @NoControlCharacters()
  @Length(1, 32)
  @IsString()
  laneId?: string;

  @Doc('the plate as the gate normalised it (SPEC §4.1)')
  @IsPlate({ unknown: true })
  @NoControlCharacters()
  @Length(1, 16)
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;

  @Doc('TURN_BACK (劝返); the gate publishes no ALLOW, and ingest stores none')
  @IsIn(GATE_VERDICTS, { message: `decision must be ${GATE_VERDICTS.join(' or ')}` })
  decision!: (typeof GATE_VERDICTS)[number];

  @Doc('the rule that decided (SPEC §4.6), FAIL_CLOSED when neither Redis nor Postgres could say')
  @IsIn(GATE_ANSWER_REASONS, { each: true, message: `reasons must be a list of ${GATE_ANSWER_REASONS.join(', ')}` })
  @ArrayMaxSize(GATE_ANSWER_REASONS.length, {
    message: `reasons must be a list of ${GATE_ANSWER_REASONS.join(', ')}`,
  })
  @IsArray({ message: `reasons must be a list of ${GATE_ANSWER_REASONS.join(', ')}` })
  reasons!: GateAnswerReason[];

  @Doc('when the gate answered')
  @IsDateTimeWithOffset('at')
  @IsString()
  at!: string;
}
