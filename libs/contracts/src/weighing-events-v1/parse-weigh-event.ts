import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { normalizePlate, parsePlateColor, PlateColorCode, UNKNOWN_PLATE, validatePlate, vehicleKey } from '@oc/domain';
import { CargoState, WeighEventV1Dto, WeighingSource } from './weigh-event.dto';
import { FieldError, flattenValidationErrors, parseDateTimeWithOffset, STRICT_VALIDATION } from '../validation';
import { isCertainlyValidWeighEvent } from './weigh-event-fast-check';

export const MAX_EVENT_BYTES = 64 * 1024;
/** Scales' clocks drift; an event may be at most this far ahead of its receipt (SPEC §3). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;

export type { FieldError };

export type InvalidReason = 'TOO_LARGE' | 'BAD_JSON' | 'SCHEMA_INVALID';

/** A weigh event after validation and normalisation: what ingest stores. */
export interface WeighEvent {
  eventId: string;
  source: WeighingSource;
  stationId: string;
  laneId: string | null;
  measuredAt: Date;
  plate: string;
  plateColor: PlateColorCode;
  vehicleKey: string;
  axles: number;
  combination: boolean;
  singleDriveAxle: boolean;
  grossWeightKg: number;
  cargo: CargoState;
  permitNo: string | null;
  evidence: { imageUrls: string[]; deviceCertNo?: string } | null;
}

export type ParseResult = { ok: true; event: WeighEvent } | { ok: false; code: InvalidReason; details: FieldError[] };

/**
 * Validates one Kafka message value against weigh event v1 (SPEC §3, §4.1). Never throws: every
 * failure comes back with the field and the reason, for the dead-letter headers.
 */
export function parseWeighEvent(value: Buffer | null, receivedAt: Date): ParseResult {
  if (!value || value.length === 0)
    return { ok: false, code: 'BAD_JSON', details: [{ field: '(message)', message: 'empty message value' }] };
  if (value.length > MAX_EVENT_BYTES) {
    return {
      ok: false,
      code: 'TOO_LARGE',
      details: [{ field: '(message)', message: `value is ${value.length} bytes; at most ${MAX_EVENT_BYTES}` }],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      code: 'BAD_JSON',
      details: [{ field: '(message)', message: `not JSON: ${(error as Error).message}` }],
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      code: 'SCHEMA_INVALID',
      details: [{ field: '(message)', message: 'value must be a JSON object' }],
    };
  }
  // Nearly every event is valid: check it without class-validator's metadata walk, and let the
  // decorators speak only when something is wrong (they give the field-level reasons). The normalised
  // plate and the moment are kept for the stored event, so the fast path is handed their verdicts.
  const r = raw as Record<string, unknown>;
  const plate = typeof r.plate === 'string' ? normalizePlate(r.plate) : '';
  const moment = typeof r.measuredAt === 'string' ? parseDateTimeWithOffset(r.measuredAt) : null;
  const fast = isCertainlyValidWeighEvent(r, { plateValid: validatePlate(plate).ok, measuredAt: moment });
  const dto = fast ? (raw as WeighEventV1Dto) : plainToInstance(WeighEventV1Dto, raw);
  const details = fast ? [] : flattenValidationErrors(validateSync(dto, STRICT_VALIDATION));

  const plateColor = details.some((d) => d.field === 'plateColor') ? undefined : parsePlateColor(dto.plateColor);
  let measuredAt: Date | undefined;
  if (!details.some((d) => d.field === 'measuredAt') && moment) {
    if (moment.getTime() > receivedAt.getTime() + MAX_CLOCK_AHEAD_MS) {
      details.push({ field: 'measuredAt', message: 'measuredAt is more than 5 minutes after receipt' });
    } else measuredAt = moment;
  }
  if (details.length > 0 || plateColor === undefined || !measuredAt)
    return { ok: false, code: 'SCHEMA_INVALID', details };

  return {
    ok: true,
    event: {
      eventId: dto.eventId,
      source: dto.source,
      stationId: dto.stationId,
      laneId: dto.laneId ?? null,
      measuredAt,
      plate,
      plateColor,
      vehicleKey: vehicleKey(plateColor, plate),
      axles: dto.axles,
      combination: dto.combination ?? dto.axles >= 5,
      singleDriveAxle: dto.singleDriveAxle ?? false,
      grossWeightKg: dto.grossWeightKg,
      cargo: dto.cargo,
      // Trimmed (a scale pads fixed-width fields); blank is absent. The registry is looked up by this value.
      permitNo: dto.permitNo?.trim() || null,
      evidence: dto.evidence
        ? {
            imageUrls: dto.evidence.imageUrls,
            ...(dto.evidence.deviceCertNo ? { deviceCertNo: dto.evidence.deviceCertNo } : {}),
          }
        : null,
    },
  };
}

export { UNKNOWN_PLATE };
