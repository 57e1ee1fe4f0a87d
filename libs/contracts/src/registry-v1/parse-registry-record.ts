import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  normalizePlate,
  parsePlateColor,
  parseVehicleKey,
  PlateColorCode,
  UNKNOWN_PLATE,
  validatePlate,
  vehicleKey,
  type PermitRecord,
} from '@oc/domain';
import { TOPIC } from '../topics';
import {
  controlCharacterProblem,
  controlCharacterProblems,
  FieldError,
  flattenValidationErrors,
  parseDateTimeWithOffset,
  STRICT_VALIDATION,
} from '../validation';
import { WeighingSource } from '../weighing-events-v1/weigh-event.dto';
import { OwnerType, PermitRecordV1Dto, StationRecordV1Dto, VehicleRecordV1Dto } from './registry-records.dto';

/** Registry records are small; anything larger than a weigh event is not one of them. */
export const MAX_REGISTRY_RECORD_BYTES = 64 * 1024;

export const REGISTRY_KINDS = ['stations', 'vehicles', 'permits'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

/** The topic key (TOPIC.*) each registry arrives on. */
export const REGISTRY_TOPIC: Record<RegistryKind, keyof typeof TOPIC> = {
  stations: 'registryStations',
  vehicles: 'registryVehicles',
  permits: 'registryPermits',
};

export interface StationRecord {
  stationId: string;
  name: string;
  divisionCode: string;
  kind: WeighingSource;
  activeFrom: Date | null;
  activeTo: Date | null;
}

export interface VehicleOwner {
  name: string;
  type: OwnerType;
  idNo: string;
  phone: string | null;
}

export interface VehicleRecord {
  vehicleKey: string;
  plate: string;
  plateColor: PlateColorCode;
  owner: VehicleOwner;
  operatorId: string | null;
  transportCertNo: string | null;
  certIssuedAt: Date | null;
  registrationRegion: string;
}

export interface PermitRegistryRecord extends PermitRecord {
  plate: string;
  plateColor: PlateColorCode;
}

export interface RegistryRecordOf {
  stations: StationRecord;
  vehicles: VehicleRecord;
  permits: PermitRegistryRecord;
}

/** One record of a compacted registry topic: the latest state of its key, or a tombstone (record null). */
export interface RegistryChange<K extends RegistryKind = RegistryKind> {
  kind: K;
  key: string;
  record: RegistryRecordOf[K] | null;
}

export const REGISTRY_INVALID_REASONS = ['TOO_LARGE', 'BAD_JSON', 'SCHEMA_INVALID', 'KEY_MISMATCH'] as const;
export type RegistryInvalidReason = (typeof REGISTRY_INVALID_REASONS)[number];
/** The `error-code` header of a letter on a registry topic's DLQ: the record's reason, or the store's refusal. */
export const REGISTRY_DEAD_LETTER_CODES = [...REGISTRY_INVALID_REASONS, 'PROCESSING_FAILED'] as const;

export type RegistryParseResult<K extends RegistryKind> =
  { ok: true; change: RegistryChange<K> } | { ok: false; code: RegistryInvalidReason; details: FieldError[] };

const fail = <K extends RegistryKind>(
  code: RegistryInvalidReason,
  field: string,
  message: string,
): RegistryParseResult<K> => ({ ok: false, code, details: [{ field, message }] });

const DTO = { stations: StationRecordV1Dto, vehicles: VehicleRecordV1Dto, permits: PermitRecordV1Dto } as const;

/**
 * One Kafka record of a registry topic (SPEC §4.9): key and value, a null value being a tombstone.
 * Never throws: every failure names the field and the reason, for the dead-letter headers.
 */
export function parseRegistryMessage<K extends RegistryKind>(
  kind: K,
  key: Buffer | null,
  value: Buffer | null,
): RegistryParseResult<K> {
  const keyText = key?.toString('utf8') ?? '';
  if (value === null) {
    const normalized = normalizeRegistryKey(kind, keyText);
    if (typeof normalized !== 'string') return { ok: false, code: 'SCHEMA_INVALID', details: [normalized] };
    return { ok: true, change: { kind, key: normalized, record: null } };
  }
  if (value.length > MAX_REGISTRY_RECORD_BYTES)
    return fail('TOO_LARGE', '(message)', `value is ${value.length} bytes; at most ${MAX_REGISTRY_RECORD_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return fail('BAD_JSON', '(message)', `not JSON: ${(error as Error).message}`);
  }
  return validateRegistryRecord(kind, raw, keyText);
}

/**
 * Validates one record object (from Kafka or a CSV row) and normalises it. With `expectedKey`, the
 * record's own key must equal it (a compacted topic keeps the latest record per key: a record under
 * another vehicle's key would delete that vehicle's registration at compaction).
 */
export function validateRegistryRecord<K extends RegistryKind>(
  kind: K,
  raw: unknown,
  expectedKey?: string,
): RegistryParseResult<K> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('SCHEMA_INVALID', '(message)', 'value must be a JSON object');
  const control = controlCharacterProblems(raw);
  if (control.length > 0) return { ok: false, code: 'SCHEMA_INVALID', details: control };
  const dto = plainToInstance(DTO[kind] as new () => object, raw);
  const details = flattenValidationErrors(validateSync(dto, STRICT_VALIDATION));
  if (details.length > 0) return { ok: false, code: 'SCHEMA_INVALID', details };
  const record = normalize(kind, dto, details);
  if (!record || details.length > 0) return { ok: false, code: 'SCHEMA_INVALID', details };
  const key = recordKey(kind, record);
  if (expectedKey !== undefined) {
    const normalizedKey = normalizeRegistryKey(kind, expectedKey);
    if (normalizedKey !== key)
      return fail('KEY_MISMATCH', '(key)', `the message key must be the record's key "${key}", got "${expectedKey}"`);
  }
  return { ok: true, change: { kind, key, record } };
}

/** The key of a record: stationId, `"<plateColorCode>:<plate>"`, or permitNo. */
export function recordKey<K extends RegistryKind>(kind: K, record: RegistryRecordOf[K]): string {
  if (kind === 'stations') return (record as StationRecord).stationId;
  if (kind === 'vehicles') return (record as VehicleRecord).vehicleKey;
  return (record as PermitRegistryRecord).permitNo;
}

/** A key as given (a vehicle key's plate normalised), or the reason it is not one. */
export function normalizeRegistryKey(kind: RegistryKind, key: string): string | FieldError {
  const bad = (message: string): FieldError => ({ field: '(key)', message });
  const control = controlCharacterProblem('(key)', key);
  if (control) return control;
  if (kind === 'vehicles') {
    const identity = parseVehicleKey(key);
    if (!identity) return bad('the key must be "<plateColorCode>:<plate>"');
    const plate = normalizePlate(identity.plate);
    const check = validatePlate(plate);
    if (!check.ok || plate === UNKNOWN_PLATE) return bad(check.ok ? 'UNKNOWN is not a registered plate' : check.reason);
    return vehicleKey(identity.plateColor, plate);
  }
  if (key.length < 1 || key.length > (kind === 'stations' ? 32 : 64)) return bad('the key is empty or too long');
  if (kind === 'stations' && !/^\d{6}/.test(key)) return bad('a station key starts with a 6-digit division code');
  return key;
}

const date = (text: string | undefined, field: string, details: FieldError[]): Date | null => {
  if (text === undefined) return null;
  const value = parseDateTimeWithOffset(text);
  if (!value) {
    details.push({ field, message: `${field} is not a real date-time` });
    return null;
  }
  return value;
};

const plateOf = (dto: { plate: string; plateColor: string | number }, details: FieldError[]) => {
  const plate = normalizePlate(dto.plate);
  const check = validatePlate(plate);
  if (!check.ok) details.push({ field: 'plate', message: check.reason });
  else if (plate === UNKNOWN_PLATE) details.push({ field: 'plate', message: 'UNKNOWN is not a registered plate' });
  return { plate, plateColor: parsePlateColor(dto.plateColor)! };
};

const ordered = (from: Date | null, to: Date | null, fields: [string, string], details: FieldError[]): void => {
  if (from && to && from.getTime() > to.getTime())
    details.push({ field: fields[1], message: `${fields[1]} must not be before ${fields[0]}` });
};

function normalize<K extends RegistryKind>(kind: K, dto: object, details: FieldError[]): RegistryRecordOf[K] | null {
  if (kind === 'stations') {
    const s = dto as StationRecordV1Dto;
    if (s.divisionCode !== s.stationId.slice(0, 6))
      details.push({ field: 'divisionCode', message: 'divisionCode must be the first 6 digits of stationId' });
    const activeFrom = date(s.activeFrom, 'activeFrom', details);
    const activeTo = date(s.activeTo, 'activeTo', details);
    ordered(activeFrom, activeTo, ['activeFrom', 'activeTo'], details);
    const record: StationRecord = {
      stationId: s.stationId,
      name: s.name,
      divisionCode: s.divisionCode,
      kind: s.kind,
      activeFrom,
      activeTo,
    };
    return record as RegistryRecordOf[K];
  }
  if (kind === 'vehicles') {
    const v = dto as VehicleRecordV1Dto;
    const { plate, plateColor } = plateOf(v, details);
    const record: VehicleRecord = {
      vehicleKey: vehicleKey(plateColor, plate),
      plate,
      plateColor,
      owner: { name: v.owner.name, type: v.owner.type, idNo: v.owner.idNo, phone: v.owner.phone ?? null },
      operatorId: v.operatorId ?? null,
      transportCertNo: v.transportCertNo ?? null,
      certIssuedAt: date(v.certIssuedAt, 'certIssuedAt', details),
      registrationRegion: v.registrationRegion,
    };
    return record as RegistryRecordOf[K];
  }
  const p = dto as PermitRecordV1Dto;
  const { plate, plateColor } = plateOf(p, details);
  const validFrom = date(p.validFrom, 'validFrom', details);
  const validTo = date(p.validTo, 'validTo', details);
  ordered(validFrom, validTo, ['validFrom', 'validTo'], details);
  if (!validFrom || !validTo) return null;
  const record: PermitRegistryRecord = {
    permitNo: p.permitNo,
    vehicleKey: vehicleKey(plateColor, plate),
    plate,
    plateColor,
    validFrom,
    validTo,
    maxGrossWeightKg: p.maxGrossWeightKg,
    axles: p.axles ?? null,
    stationIds: p.stationIds && p.stationIds.length > 0 ? [...new Set(p.stationIds)].sort() : null,
    status: p.status,
  };
  return record as RegistryRecordOf[K];
}
