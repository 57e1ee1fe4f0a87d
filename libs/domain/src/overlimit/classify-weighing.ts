import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { normalizePlate, UNKNOWN_PLATE } from '../plate/plate';
import { limitKgFor, type AxleConfiguration } from './overlimit-limits';
import { checkPermit, hasPermitNo, type PermitCheck, type PermitRecord } from '../registry/permit-check';
import { suggestedFineYuanFor } from './suggested-fine';

export interface OverlimitRules {
  /** WARNING_BAND_KG (1,000): over the limit by at most this much is a warning only (62号令 第四十三条). */
  warningBandKg: number;
  /**
   * ENTRY_TOLERANCE_PERCENT (5): at a toll entrance a reading not above limit × (100 + this) / 100 is
   * treated as not overlimit, for the error of dynamic scales (交办公路明电〔2019〕117号).
   */
  entryTolerancePercent: number;
}

export interface ScaleReading extends AxleConfiguration {
  grossWeightKg: number;
  /** 超限运输车辆通行证; blank counts as absent. */
  permitNo?: string | null;
}

export interface WeighingReading extends ScaleReading {
  /** Normalised plate or `UNKNOWN`. */
  plate: string;
  /** `"<plateColorCode>:<plate>"`: the vehicle a permit must name. */
  vehicleKey: string;
  /** TOLL_ENTRY readings get the entry tolerance (117号); weigh stations and mobile units do not. */
  source: string;
  stationId: string;
  measuredAt: Date;
}

/** Where a weight lies relative to the limit: within it, in the warning band, or beyond the band. */
export type OverlimitBand = 'WITHIN_LIMIT' | 'WARNING_BAND' | 'BEYOND_BAND';

export interface OverlimitMeasure {
  limitKg: number;
  /** grossWeightKg − limitKg; negative when under the limit. */
  overKg: number;
  band: OverlimitBand;
}

export const WEIGHING_CLASSIFICATIONS = [
  'COMPLIANT',
  'TOLERATED',
  'WARNING',
  'VIOLATION',
  'EXEMPT_PERMIT',
  'UNIDENTIFIED',
] as const;
export type WeighingClassification = (typeof WEIGHING_CLASSIFICATIONS)[number];

export interface WeighingClassificationResult {
  classification: WeighingClassification;
  limitKg: number;
  overKg: number;
  /** Only for a VIOLATION (62号令 第四十三条), otherwise null. */
  suggestedFineYuan: number | null;
  /** Why the weighing's permitNo did not exempt it; only on a VIOLATION that carried a permitNo. */
  permitCheck: PermitCheck | null;
}

/** 62号令 第三条 (limit, strictly greater is overlimit) and 第四十三条 (warning band). */
export function measureOverlimit(
  reading: AxleConfiguration & { grossWeightKg: number },
  rules: OverlimitRules,
): OverlimitMeasure {
  if (!Number.isFinite(reading.grossWeightKg) || reading.grossWeightKg < 0) {
    throw new DomainError(
      DomainErrorCode.INVALID_ARGUMENT,
      `grossWeightKg must be >= 0, got ${reading.grossWeightKg}`,
      [{ field: 'grossWeightKg', message: 'must be a finite number >= 0' }],
    );
  }
  const limitKg = limitKgFor(reading);
  const overKg = reading.grossWeightKg - limitKg;
  const band: OverlimitBand =
    overKg <= 0 ? 'WITHIN_LIMIT' : overKg <= rules.warningBandKg ? 'WARNING_BAND' : 'BEYOND_BAND';
  return { limitKg, overKg, band };
}

/**
 * 117号: over the limit by at most limit × ENTRY_TOLERANCE_PERCENT / 100 (5 % of 49,000 is 2,450 kg).
 * Integer arithmetic: every limit is a multiple of 1,000 kg, and the comparison must be exact at the bound.
 */
export function withinEntryTolerance(measure: Pick<OverlimitMeasure, 'limitKg' | 'overKg'>, rules: OverlimitRules): boolean {
  return measure.overKg > 0 && measure.overKg * 100 <= measure.limitKg * rules.entryTolerancePercent;
}

/**
 * §4.2, in this order: within the limit → COMPLIANT; a toll-entry reading within the entry tolerance →
 * TOLERATED; in the warning band → WARNING; beyond it, a permit of the registry that covers this use →
 * EXEMPT_PERMIT; plate not read → UNIDENTIFIED; otherwise VIOLATION, with `permitCheck` naming why a
 * permitNo it carried did not exempt it. `permit` is the registry's record for `reading.permitNo` (null
 * when the registry has none); the result depends on nothing else, so ingest and the reclassification
 * after a permit record arrives give the same answer.
 */
export function classifyWeighing(
  reading: WeighingReading,
  rules: OverlimitRules,
  permit: PermitRecord | null = null,
): WeighingClassificationResult {
  const measure = measureOverlimit(reading, rules);
  const { limitKg, overKg, band } = measure;
  const result = (
    classification: WeighingClassification,
    permitCheck: PermitCheck | null = null,
  ): WeighingClassificationResult => ({
    classification,
    limitKg,
    overKg,
    suggestedFineYuan: classification === 'VIOLATION' ? suggestedFineYuanFor(overKg) : null,
    permitCheck,
  });
  if (band === 'WITHIN_LIMIT') return result('COMPLIANT');
  if (reading.source === 'TOLL_ENTRY' && withinEntryTolerance(measure, rules)) return result('TOLERATED');
  if (band === 'WARNING_BAND') return result('WARNING');
  const permitCheck = hasPermitNo(reading.permitNo)
    ? checkPermit(permit, {
        vehicleKey: reading.vehicleKey,
        at: reading.measuredAt,
        grossWeightKg: reading.grossWeightKg,
        axles: reading.axles,
        stationId: reading.stationId,
      })
    : undefined;
  if (permitCheck === null) return result('EXEMPT_PERMIT');
  if (normalizePlate(reading.plate) === UNKNOWN_PLATE) return result('UNIDENTIFIED');
  return result('VIOLATION', permitCheck ?? null);
}

/** Whether a permit record can change this weighing's classification (it is beyond the warning band). */
export function permitCanMatter(classification: WeighingClassification): boolean {
  return classification === 'VIOLATION' || classification === 'EXEMPT_PERMIT';
}

/** Only VIOLATIONs are counted (§4.3); warnings, exemptions and unidentified weighings are recorded only. */
export function isCountedClassification(classification: WeighingClassification): boolean {
  return classification === 'VIOLATION';
}
