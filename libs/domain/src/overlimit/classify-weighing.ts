import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { normalizePlate, UNKNOWN_PLATE } from '../plate/plate';
import { limitKgFor, type AxleConfiguration } from './overlimit-limits';
import { suggestedFineYuanFor } from './suggested-fine';

export interface OverlimitRules {
  /** WARNING_BAND_KG (1,000): over the limit by at most this much is a warning only (62号令 第四十三条). */
  warningBandKg: number;
}

export interface ScaleReading extends AxleConfiguration {
  grossWeightKg: number;
  /** 超限运输车辆通行证; blank counts as absent. */
  permitNo?: string | null;
}

export interface WeighingReading extends ScaleReading {
  /** Normalised plate or `UNKNOWN`. */
  plate: string;
}

/** Where a weight lies relative to the limit: within it, in the warning band, or beyond the band. */
export type OverlimitBand = 'WITHIN_LIMIT' | 'WARNING_BAND' | 'BEYOND_BAND';

export interface OverlimitMeasure {
  limitKg: number;
  /** grossWeightKg − limitKg; negative when under the limit. */
  overKg: number;
  band: OverlimitBand;
}

export const WEIGHING_CLASSIFICATIONS = ['COMPLIANT', 'WARNING', 'VIOLATION', 'EXEMPT_PERMIT', 'UNIDENTIFIED'] as const;
export type WeighingClassification = (typeof WEIGHING_CLASSIFICATIONS)[number];

export interface WeighingClassificationResult {
  classification: WeighingClassification;
  limitKg: number;
  overKg: number;
  /** Only for a VIOLATION (62号令 第四十三条), otherwise null. */
  suggestedFineYuan: number | null;
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

export function hasPermit(permitNo: string | null | undefined): boolean {
  return typeof permitNo === 'string' && permitNo.trim() !== '';
}

/**
 * §4.2. Only what would otherwise be a VIOLATION becomes EXEMPT_PERMIT (permit given) or UNIDENTIFIED
 * (plate UNKNOWN); a warning stays a warning. With both a permit and an unknown plate the permit wins:
 * the document is the stronger fact, and neither is counted anyway.
 */
export function classifyWeighing(reading: WeighingReading, rules: OverlimitRules): WeighingClassificationResult {
  const { limitKg, overKg, band } = measureOverlimit(reading, rules);
  const result = (classification: WeighingClassification): WeighingClassificationResult => ({
    classification,
    limitKg,
    overKg,
    suggestedFineYuan: classification === 'VIOLATION' ? suggestedFineYuanFor(overKg) : null,
  });
  if (band === 'WITHIN_LIMIT') return result('COMPLIANT');
  if (band === 'WARNING_BAND') return result('WARNING');
  if (hasPermit(reading.permitNo)) return result('EXEMPT_PERMIT');
  if (normalizePlate(reading.plate) === UNKNOWN_PLATE) return result('UNIDENTIFIED');
  return result('VIOLATION');
}

/** Only VIOLATIONs are counted (§4.3); warnings, exemptions and unidentified weighings are recorded only. */
export function isCountedClassification(classification: WeighingClassification): boolean {
  return classification === 'VIOLATION';
}
