export const FINE_YUAN_PER_STARTED_TONNE = 500;
export const FINE_CAP_YUAN = 30_000;

/**
 * 62号令 第四十三条: ¥500 per started 1,000 kg over the limit, at most ¥30,000. A suggestion stored with
 * the violation; staff record the fine actually imposed. 0 when not over.
 */
export function suggestedFineYuanFor(overKg: number): number {
  if (!(overKg > 0)) return 0;
  return Math.min(FINE_CAP_YUAN, FINE_YUAN_PER_STARTED_TONNE * Math.ceil(overKg / 1000));
}
