import { isIn, isInt, isString, max, maxLength, min, minLength } from 'class-validator';
import { normalizePlate, parsePlateColor, validatePlate } from '@oc/domain';
import { CARGO_STATES } from '../weighing-events-v1/weigh-event.dto';
import { queryFlag, queryInt, type GateDecisionQueryDto } from './gate-decision-query.dto';

const ALLOWED = new Set([
  'plate',
  'plateColor',
  'cargo',
  'axles',
  'combination',
  'singleDriveAxle',
  'grossWeightKg',
  'permitNo',
  'laneId',
]);

const absent = (v: unknown): boolean => v === null || v === undefined;
/** The DTO's @Transform(toInt) then @IsInt @Min @Max; undefined when not certainly valid. */
const intIn = (v: unknown, lo: number, hi: number): number | undefined => {
  const n = queryInt(v);
  return isInt(n) && min(n, lo) && max(n, hi) ? (n as number) : undefined;
};
/** The DTO's @Transform(toBool) then @IsBooleanFlag. */
const flag = (v: unknown): boolean | undefined => {
  const value = queryFlag(v);
  return typeof value === 'boolean' ? value : undefined;
};
const text = (v: unknown, lo: number, hi: number): boolean => isString(v) && minLength(v, lo) && maxLength(v, hi);

/**
 * `GateDecisionQueryDto`'s decorators and transforms through class-validator's standalone functions,
 * without the ValidationPipe's metadata walk (about a fifth of the gate's CPU per request). Returns the
 * transformed query when it is certainly valid, otherwise undefined: the ValidationPipe then decides
 * and names the fields. A spec keeps both in step.
 */
export function fastGateDecisionQuery(raw: unknown): GateDecisionQueryDto | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const q = raw as Record<string, unknown>;
  for (const key in q) if (!ALLOWED.has(key)) return undefined;
  if (!text(q.plate, 1, 32) || !validatePlate(normalizePlate(q.plate as string)).ok) return undefined;
  if (!isString(q.plateColor) || parsePlateColor(q.plateColor as string) === undefined) return undefined;
  if (!absent(q.cargo) && !isIn(q.cargo, CARGO_STATES)) return undefined;
  if (!absent(q.permitNo) && !text(q.permitNo, 1, 64)) return undefined;
  if (!absent(q.laneId) && !text(q.laneId, 1, 16)) return undefined;
  const query = { plate: q.plate, plateColor: q.plateColor } as GateDecisionQueryDto;
  if (!absent(q.cargo)) query.cargo = q.cargo as GateDecisionQueryDto['cargo'];
  if (!absent(q.permitNo)) query.permitNo = q.permitNo as string;
  if (!absent(q.laneId)) query.laneId = q.laneId as string;
  if (!absent(q.axles)) {
    const axles = intIn(q.axles, 2, 12);
    if (axles === undefined) return undefined;
    query.axles = axles;
  }
  if (!absent(q.grossWeightKg)) {
    const weight = intIn(q.grossWeightKg, 0, 200000);
    if (weight === undefined) return undefined;
    query.grossWeightKg = weight;
  }
  for (const name of ['combination', 'singleDriveAxle'] as const) {
    if (absent(q[name])) continue;
    const value = flag(q[name]);
    if (value === undefined) return undefined;
    query[name] = value;
  }
  return query;
}
