import {
  arrayMaxSize,
  isArray,
  isBoolean,
  isIn,
  isInt,
  isString,
  isURL,
  length,
  matches,
  max,
  maxLength,
  min,
  minLength,
} from 'class-validator';
import { normalizePlate, parsePlateColor, validatePlate } from '@oc/domain';
import { parseDateTimeWithOffset } from '../validation';
import {
  CARGO_STATES,
  EVENT_ID_PATTERN,
  EVIDENCE_URL_OPTIONS,
  ISO_DATE_TIME_WITH_OFFSET,
  SINGLE_DRIVE_AXLE_MIN_AXLES,
  STATION_ID_PREFIX,
  WEIGHING_SOURCES,
} from './weigh-event.dto';

/**
 * The decorators of `WeighEventV1Dto`, checked with class-validator's own standalone functions and
 * without its metadata walk or class-transformer: the ingest hot path spent most of its CPU there
 * (docs/benchmarks.md). It answers only "certainly valid"; anything else goes to the decorator path,
 * which produces the field-level reasons for the dead-letter headers. A spec keeps this list and the
 * DTO's decorators in step.
 */
export const FAST_CHECKED_PROPERTIES = [
  'eventId',
  'source',
  'stationId',
  'laneId',
  'measuredAt',
  'plate',
  'plateColor',
  'axles',
  'combination',
  'singleDriveAxle',
  'grossWeightKg',
  'cargo',
  'permitNo',
  'evidence',
] as const;

const ALLOWED = new Set<string>(FAST_CHECKED_PROPERTIES);
const EVIDENCE_ALLOWED = new Set(['imageUrls', 'deviceCertNo']);

/** @IsOptional: null and undefined skip every other check. */
const absent = (v: unknown): boolean => v === null || v === undefined;

function evidenceIsValid(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const evidence = e as Record<string, unknown>;
  for (const key in evidence) if (!EVIDENCE_ALLOWED.has(key)) return false;
  const urls = evidence.imageUrls;
  if (!isArray(urls) || !arrayMaxSize(urls, 10)) return false;
  for (const url of urls as unknown[]) if (!isURL(url as string, EVIDENCE_URL_OPTIONS)) return false;
  const cert = evidence.deviceCertNo;
  return absent(cert) || (isString(cert) && maxLength(cert, 64));
}

/**
 * What parseWeighEvent computes anyway and keeps (the normalised plate's verdict, the moment): given, the
 * fast path does not compute them twice.
 */
export interface PrecomputedChecks {
  plateValid: boolean;
  measuredAt: Date | null;
}

const precompute = (r: Record<string, unknown>): PrecomputedChecks => ({
  plateValid: typeof r.plate === 'string' && validatePlate(normalizePlate(r.plate)).ok,
  measuredAt: typeof r.measuredAt === 'string' ? parseDateTimeWithOffset(r.measuredAt) : null,
});

/** True only when `raw` passes every constraint of `WeighEventV1Dto` (whitelist included). */
export function isCertainlyValidWeighEvent(raw: Record<string, unknown>, checks = precompute(raw)): boolean {
  for (const key in raw) if (!ALLOWED.has(key)) return false;
  const r = raw;
  return (
    checks.plateValid &&
    checks.measuredAt !== null &&
    isString(r.eventId) &&
    matches(r.eventId, EVENT_ID_PATTERN) &&
    isIn(r.source, WEIGHING_SOURCES) &&
    isString(r.stationId) &&
    length(r.stationId, 1, 32) &&
    matches(r.stationId, STATION_ID_PREFIX) &&
    (absent(r.laneId) || (isString(r.laneId) && minLength(r.laneId, 1) && maxLength(r.laneId, 16))) &&
    isString(r.measuredAt) &&
    matches(r.measuredAt, ISO_DATE_TIME_WITH_OFFSET) &&
    isString(r.plate) &&
    minLength(r.plate, 1) &&
    maxLength(r.plate, 32) &&
    (typeof r.plateColor === 'string' || typeof r.plateColor === 'number') &&
    parsePlateColor(r.plateColor) !== undefined &&
    isInt(r.axles) &&
    min(r.axles, 2) &&
    max(r.axles, 12) &&
    (absent(r.combination) || isBoolean(r.combination)) &&
    (absent(r.singleDriveAxle) ||
      (isBoolean(r.singleDriveAxle) &&
        (r.singleDriveAxle === false || (r.axles as number) >= SINGLE_DRIVE_AXLE_MIN_AXLES))) &&
    isInt(r.grossWeightKg) &&
    min(r.grossWeightKg, 0) &&
    max(r.grossWeightKg, 200000) &&
    isIn(r.cargo, CARGO_STATES) &&
    (absent(r.permitNo) || (isString(r.permitNo) && minLength(r.permitNo, 1) && maxLength(r.permitNo, 64))) &&
    (absent(r.evidence) || evidenceIsValid(r.evidence))
  );
}
