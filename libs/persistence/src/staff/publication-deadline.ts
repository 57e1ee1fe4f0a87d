import { isPublicationOverdue, MS_PER_DAY, SHANGHAI_UTC_OFFSET_MINUTES } from '@oc/domain';

/**
 * The instant C such that, at `now`, a LISTED listing is overdue for publication exactly when
 * `effectiveAt <= C` (§4.4). The due instant depends only on the Asia/Shanghai day the effect belongs
 * to — (00:00, 24:00], an effect at 24:00 belongs to the day it ends (§4.10) — and grows with it, so C
 * is the 24:00 that ends the latest day whose listings are overdue. Lets SQL filter the review queue by
 * `effective_at <= $C` with the domain's own rule.
 */
export function overdueEffectiveBefore(now: Date, workingDays: number): Date {
  const offsetMs = SHANGHAI_UTC_OFFSET_MINUTES * 60_000;
  const local = new Date(now.getTime() + offsetMs);
  let dayEnd = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetMs + MS_PER_DAY;
  // N working days span at most N + 2·ceil(N/5) calendar days plus a holiday week; look back further.
  const maxLookback = 3 * workingDays + 20;
  for (let i = 0; i <= maxLookback; i++, dayEnd -= MS_PER_DAY) {
    if (isPublicationOverdue(new Date(dayEnd), now, workingDays)) return new Date(dayEnd);
  }
  return new Date(dayEnd);
}
