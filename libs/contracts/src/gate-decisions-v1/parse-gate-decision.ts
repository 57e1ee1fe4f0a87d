import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { normalizePlate, type PlateColorCode } from '@oc/domain';
import { FieldError, flattenValidationErrors, parseDateTimeWithOffset, STRICT_VALIDATION } from '../validation';
import { GateDecisionEventV1 } from './gate-decision-event';

/** A TURN_BACK of `gate.decisions.v1` as the 劝返记录 stores it. */
export interface TurnBackRecord {
  decisionId: string;
  stationId: string;
  laneId: string | null;
  plate: string;
  plateColor: PlateColorCode;
  reasons: string[];
  at: Date;
}

export type GateDecisionParse =
  | { ok: true; record: TurnBackRecord }
  /** An ALLOW: a valid record with nothing to store. */
  | { ok: true; record: null }
  | { ok: false; code: 'INVALID_JSON' | 'VALIDATION_FAILED'; details: FieldError[] };

/** The `error-code` header of a letter on `gate.decisions.v1.dlq`. */
export const GATE_DECISION_DEAD_LETTER_CODES = ['INVALID_JSON', 'VALIDATION_FAILED', 'PROCESSING_FAILED'] as const;

/**
 * `gate.decisions.v1` (SPEC §5), checked like a weigh event (SPEC §3) with the decorators of
 * GateDecisionEventV1: every field with its reason, strict ISO 8601 times with an offset, bounded strings
 * without control characters, a plate of the national format, no unknown field. The gate is ours, but a
 * record that fails here is dead-lettered, never retried: one bad record must not hold its partition.
 */
export function parseGateDecision(value: Buffer | null): GateDecisionParse {
  let d: unknown;
  try {
    d = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, code: 'INVALID_JSON', details: [{ field: '(message)', message: (error as Error).message }] };
  }
  if (d === null || typeof d !== 'object' || Array.isArray(d)) {
    return { ok: false, code: 'INVALID_JSON', details: [{ field: '(message)', message: 'must be a JSON object' }] };
  }
  const dto = plainToInstance(GateDecisionEventV1, d);
  const problems = flattenValidationErrors(validateSync(dto, STRICT_VALIDATION));
  if (problems.length > 0) return { ok: false, code: 'VALIDATION_FAILED', details: problems };
  if (dto.decision === 'ALLOW') return { ok: true, record: null };
  return {
    ok: true,
    record: {
      decisionId: dto.decisionId,
      stationId: dto.stationId,
      laneId: dto.laneId ?? null,
      plate: normalizePlate(dto.plate),
      plateColor: dto.plateColor as PlateColorCode,
      reasons: dto.reasons,
      at: parseDateTimeWithOffset(dto.at)!,
    },
  };
}
