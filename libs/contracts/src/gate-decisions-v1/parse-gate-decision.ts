import { GATE_REASONS, isPlateColorCode, normalizePlate, validatePlate, type PlateColorCode } from '@oc/domain';
import { FieldError, parseDateTimeWithOffset } from '../validation';

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

const STATION_ID = /^\d{6}/;
const REASONS: readonly string[] = GATE_REASONS;

/** A bounded string with no control character (a NUL byte included, which no text column stores). */
function text(d: Record<string, unknown>, field: string, max: number, problems: FieldError[]): string | null {
  const v = d[field];
  if (typeof v !== 'string' || v.length === 0) problems.push({ field, message: `${field} must be a non-empty string` });
  else if (v.length > max) problems.push({ field, message: `${field} must be at most ${max} characters` });
  else if (/[\u0000-\u001f\u007f]/.test(v))
    problems.push({ field, message: `${field} must not contain control characters` });
  else return v;
  return null;
}

/**
 * `gate.decisions.v1` (SPEC §5), checked like a weigh event (SPEC §3): every field with its reason, strict
 * ISO 8601 times with an offset, bounded strings without control characters, a plate of the national
 * format. The gate is ours, but a record that fails here is dead-lettered, never retried: one bad record
 * must not hold its partition.
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
  const o = d as Record<string, unknown>;
  const problems: FieldError[] = [];
  const decisionId = text(o, 'decisionId', 64, problems);
  const stationId = text(o, 'stationId', 20, problems);
  if (stationId && !STATION_ID.test(stationId))
    problems.push({ field: 'stationId', message: 'stationId must start with a 6-digit administrative division code' });
  const laneId = o.laneId === undefined || o.laneId === null ? null : text(o, 'laneId', 32, problems);
  const rawPlate = text(o, 'plate', 16, problems);
  const plate = rawPlate ? normalizePlate(rawPlate) : null;
  if (plate) {
    const check = validatePlate(plate);
    if (!check.ok) problems.push({ field: 'plate', message: check.reason });
  }
  if (!isPlateColorCode(o.plateColor))
    problems.push({ field: 'plateColor', message: 'plateColor must be one of the codes 0-7, 11, 12' });
  if (o.decision !== 'TURN_BACK' && o.decision !== 'ALLOW')
    problems.push({ field: 'decision', message: 'decision must be TURN_BACK or ALLOW' });
  const reasons = o.reasons;
  if (
    !Array.isArray(reasons) ||
    reasons.length > REASONS.length ||
    !reasons.every((r) => REASONS.includes(r as string))
  )
    problems.push({ field: 'reasons', message: `reasons must be a list of ${REASONS.join(', ')}` });
  const at = typeof o.at === 'string' ? parseDateTimeWithOffset(o.at) : null;
  if (!at) problems.push({ field: 'at', message: 'at must be an ISO 8601 date-time with an offset' });
  if (problems.length > 0) return { ok: false, code: 'VALIDATION_FAILED', details: problems };
  if (o.decision === 'ALLOW') return { ok: true, record: null };
  return {
    ok: true,
    record: {
      decisionId: decisionId!,
      stationId: stationId!,
      laneId,
      plate: plate!,
      plateColor: o.plateColor as PlateColorCode,
      reasons: reasons as string[],
      at: at!,
    },
  };
}
