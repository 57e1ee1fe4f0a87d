/**
 * 超限运输车辆通行证 (大件运输许可) checked against the permit registry (SPEC §4.2, §4.9). A permit
 * exempts only the vehicle it names, within its validity, up to its permitted weight and, when it names
 * stations, at one of them; any other use is a violation (62号令 第二十七条: 可分载 goods, a permit of
 * another vehicle or another time). docs/rules.md gives the table.
 */

export const PERMIT_CHECKS = [
  'UNKNOWN_PERMIT',
  'REVOKED',
  'OTHER_VEHICLE',
  'NOT_VALID_AT_TIME',
  'OVER_PERMITTED_WEIGHT',
  'OFF_ROUTE',
] as const;
/** Why a permit did not exempt a weighing; checked in this order, the first that fails is named. */
export type PermitCheck = (typeof PERMIT_CHECKS)[number];

export const PERMIT_STATUSES = ['ISSUED', 'REVOKED'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/** A permit as the registry holds it now (the latest record of its key; a tombstone means none). */
export interface PermitRecord {
  permitNo: string;
  /** `"<plateColorCode>:<plate>"` of the vehicle the permit was issued to. */
  vehicleKey: string;
  validFrom: Date;
  validTo: Date;
  maxGrossWeightKg: number;
  /** When the permit states the axle count, a vehicle with another count is another vehicle. */
  axles: number | null;
  /** When the permit names stations (its route), only weighings at one of them are covered. */
  stationIds: readonly string[] | null;
  status: PermitStatus;
}

/** One use of a permit: a weighing, or a reading at an entry lane. */
export interface PermitUse {
  vehicleKey: string;
  at: Date;
  grossWeightKg: number;
  axles: number;
  /** The station that weighed (or the gate's station); null when unknown, which fails a routed permit. */
  stationId: string | null;
}

/** null when the permit covers this use; otherwise the first condition it fails. */
export function checkPermit(permit: PermitRecord | null | undefined, use: PermitUse): PermitCheck | null {
  if (!permit) return 'UNKNOWN_PERMIT';
  if (permit.status === 'REVOKED') return 'REVOKED';
  if (permit.vehicleKey !== use.vehicleKey) return 'OTHER_VEHICLE';
  if (permit.axles !== null && permit.axles !== use.axles) return 'OTHER_VEHICLE';
  const at = use.at.getTime();
  // Both ends inclusive: a permit "valid to 2026-12-31T23:59:59+08:00" covers that second.
  if (at < permit.validFrom.getTime() || at > permit.validTo.getTime()) return 'NOT_VALID_AT_TIME';
  if (use.grossWeightKg > permit.maxGrossWeightKg) return 'OVER_PERMITTED_WEIGHT';
  if (
    permit.stationIds &&
    permit.stationIds.length > 0 &&
    !(use.stationId && permit.stationIds.includes(use.stationId))
  )
    return 'OFF_ROUTE';
  return null;
}

/** Blank counts as absent. */
export function hasPermitNo(permitNo: string | null | undefined): permitNo is string {
  return typeof permitNo === 'string' && permitNo.trim() !== '';
}
