/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Distribution {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** Exact percentiles of every sample (no histogram buckets), in the samples' unit. */
export function distribution(samples: ArrayLike<number>, digits = 3): Distribution {
  const sorted = Float64Array.from(samples).sort();
  const f = 10 ** digits;
  const r = (v: number | null): number | null => (v === null ? null : Math.round(v * f) / f);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: r(sorted.length ? sorted[0]! : null),
    mean: r(sorted.length ? sum / sorted.length : null),
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    p999: r(percentile(sorted, 99.9)),
    max: r(sorted.length ? sorted[sorted.length - 1]! : null),
  };
}

/** a / b, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined, digits = 3): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  const f = 10 ** digits;
  return Math.round((a / b) * f) / f;
}
