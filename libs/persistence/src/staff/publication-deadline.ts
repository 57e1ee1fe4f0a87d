import { isPublicationOverdue, MS_PER_DAY, SHANGHAI_UTC_OFFSET_MINUTES } from '@oc/domain';

/**
 * The instant C such that, at `now`, a LISTED listing is overdue for publication exactly when
 * `listedAt < C` (§4.4). The due instant depends only on the Asia/Shanghai calendar day of listedAt and
 * grows with it, so C is the start of the day after the latest local day whose listings are overdue.
 * Lets SQL filter the review queue by `listed_at < $C` with the domain's own working-day rule.
 */
export function overdueListedBefore(now: Date, workingDays: number): Date {
  const offsetMs = SHANGHAI_UTC_OFFSET_MINUTES * 60_000;
  const local = new Date(now.getTime() + offsetMs);
  let dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetMs;
  // N working days span at most N + 2·ceil(N/5) + 2 calendar days; look back a little further.
  const maxLookback = 3 * workingDays + 10;
  for (let i = 0; i <= maxLookback; i++, dayStart -= MS_PER_DAY) {
    if (isPublicationOverdue(new Date(dayStart), now, workingDays)) return new Date(dayStart + MS_PER_DAY);
  }
  return new Date(dayStart);
}
