import type { LifecycleListing, LifecyclePlan } from '../../libs/domain/src/credit/listing-work';

/**
 * The writer of libs/credit reduced to what a plan's next call reads of the listings (the domain's unit
 * tests): the rows it wrote, the notices it issued (deterministic ids `N-<listing id>`), served and voided.
 */
export function applyListingSteps<L extends LifecycleListing>(
  stored: readonly L[],
  rows: readonly Omit<L, 'notice'>[],
  plan: LifecyclePlan,
): L[] {
  const listings = new Map<string, L>(stored.map((l) => [l.id, { ...l }]));
  for (const row of rows) listings.set(row.id, { ...row, notice: listings.get(row.id)?.notice ?? null } as L);
  for (const id of plan.noticesToIssue) {
    listings.get(id)!.notice = {
      id: `N-${id}`,
      status: 'ISSUED',
      servedAt: null,
      periodEndsAt: null,
      calendarMissing: false,
    };
  }
  for (const s of plan.noticeServices) {
    for (const l of listings.values()) {
      if (l.notice?.id !== s.noticeId) continue;
      l.notice = {
        ...l.notice,
        status: 'SERVED',
        servedAt: s.servedAt,
        periodEndsAt: s.periodEndsAt,
        calendarMissing: s.calendarMissing,
      };
    }
  }
  for (const id of plan.voidedNotices) {
    for (const l of listings.values()) if (l.notice?.id === id) l.notice = { ...l.notice, status: 'VOID' };
  }
  return [...listings.values()];
}
