import type { CompanyListingView, ListingStatus, ListingView, NoticeView } from '../shared/api-types';
import { formatDateTime } from '../shared/format';
import {
  END_REASON_NAMES,
  LISTING_STATUS_NAMES,
  POSTING_END_REASON_NAMES,
  POSTING_STATUS_NAMES,
  SERVICE_METHOD_NAMES,
} from '../shared/labels';

/** done: happened; current: the step the listing waits at; todo: still ahead; skipped: will not happen. */
export type StepState = 'done' | 'current' | 'todo' | 'skipped';

export interface TimelineStep {
  key: 'reached' | 'notice' | 'served' | 'effective' | 'due' | 'published' | 'posting' | 'ended';
  label: string;
  state: StepState;
  /** The instant the step happened (or is due), as the API gave it. */
  when?: string;
  note?: string;
  /** The note is what the listing waits for (等待异议处理). */
  emphasis?: boolean;
  /** A second line under the note. */
  detail?: string;
  /** The notice's number, linked to the 告知书 page. */
  notice?: { id: string; noticeNo: string };
  /** 逾期, 日历缺失: what needs someone's attention. */
  flag?: { text: string; tone: 'danger' | 'warn'; testId: 'overdue' | 'calendar-missing' };
}

const CALENDAR_MISSING = { text: '日历缺失', tone: 'warn', testId: 'calendar-missing' } as const;
const OVERDUE = { text: '逾期', tone: 'danger', testId: 'overdue' } as const;

/**
 * What the timeline reads of a listing: a vehicle's (ListingView) or a company's (CompanyListingView,
 * SPEC §4.9, the same due process). `reached` is the note of 达到条件.
 */
export interface TimelineListing {
  status: ListingStatus;
  listedAt: string;
  reached: string;
  noticeId: string | null;
  noticeNo?: string;
  effectiveAt?: string;
  expiresAt?: string;
  /** Absent before the effect; null when the official calendar does not reach it. */
  publicationDueBy?: string | null;
  overdue: boolean;
  proposal?: object;
  publishedAt?: string;
  posting?: ListingView['posting'];
  endedAt?: string;
  endReason?: string;
}

/** What the timeline reads of the listing's 告知书. */
export type TimelineNotice = Pick<
  NoticeView,
  'noticeNo' | 'status' | 'issuedAt' | 'servedAt' | 'serviceMethod' | 'periodEndsAt' | 'calendarMissing'
> & { document: { period: { workingDays: number } } };

/**
 * A vehicle listing's due process in order (SPEC §4.4, §4.10): 达到条件 → 制发告知书 → 送达 → 生效 → 公示期限 →
 * 公示 → 公示至 → 结束. Every instant and due date is the API's (the server counts the working days on
 * the official calendar); this only places them. `notice` is the listing's 告知书 once loaded,
 * `pendingObjections` the number of its objections still pending.
 */
export function timelineSteps(
  l: ListingView,
  notice: NoticeView | undefined,
  pendingObjections: number,
): TimelineStep[] {
  return dueProcessSteps({ ...l, reached: `违法超限运输 ${l.violationCount} 趟次` }, notice, pendingObjections);
}

/**
 * A company listing's due process (SPEC §4.9: the vehicle's steps), its notice and objections read from
 * the view itself. The API gives absent values as null, and one null for a publication deadline not yet
 * due and one past the calendar: before the effect it is not due, after it the calendar is missing.
 */
export function companyTimelineSteps(c: CompanyListingView): TimelineStep[] {
  const listing: TimelineListing = {
    status: c.status,
    listedAt: c.listedAt,
    reached: `失信车辆 ${c.vehicleCount} 辆 / 登记车辆 ${c.fleetSize} 辆`,
    noticeId: c.notice?.id ?? null,
    noticeNo: c.notice?.noticeNo,
    effectiveAt: c.effectiveAt ?? undefined,
    expiresAt: c.expiresAt ?? undefined,
    publicationDueBy: c.effectiveAt ? c.publicationDueBy : undefined,
    overdue: c.overdue,
    proposal: c.proposal ?? undefined,
    publishedAt: c.publishedAt ?? undefined,
    posting: c.posting ?? undefined,
    endedAt: c.endedAt ?? undefined,
    endReason: c.endReason ?? undefined,
  };
  const pending = c.objections.filter((o) => o.status === 'PENDING').length;
  return dueProcessSteps(listing, c.notice ?? undefined, pending);
}

function dueProcessSteps(
  l: TimelineListing,
  notice: TimelineNotice | undefined,
  pendingObjections: number,
): TimelineStep[] {
  return [
    { key: 'reached', label: '达到条件', state: 'done', when: l.listedAt, note: l.reached },
    noticeStep(l, notice),
    serviceStep(l, notice),
    effectStep(l, notice, pendingObjections),
    publicationDueStep(l),
    publicationStep(l),
    postingStep(l),
    endStep(l),
  ];
}

function noticeStep(l: TimelineListing, notice: TimelineNotice | undefined): TimelineStep {
  const step = { key: 'notice', label: '制发告知书' } as const;
  if (!l.noticeId) return { ...step, state: 'skipped', note: '无告知书（告知程序施行前列入）' };
  return {
    ...step,
    state: 'done',
    when: notice?.issuedAt,
    notice: { id: l.noticeId, noticeNo: notice?.noticeNo ?? l.noticeNo ?? '查看告知书' },
  };
}

function serviceStep(l: TimelineListing, notice: TimelineNotice | undefined): TimelineStep {
  const step = { key: 'served', label: '送达' } as const;
  if (notice?.servedAt) {
    return {
      ...step,
      state: 'done',
      when: notice.servedAt,
      note: notice.serviceMethod && SERVICE_METHOD_NAMES[notice.serviceMethod],
    };
  }
  if (notice?.status === 'VOID') return { ...step, state: 'skipped', note: '告知书已作废' };
  if (!l.noticeId || l.endedAt || l.effectiveAt) return { ...step, state: 'skipped', note: '未登记送达' };
  return { ...step, state: 'current', note: '待送达' };
}

/** 生效: the instant, else what it waits for: an objection, or the end of the notice period. */
function effectStep(l: TimelineListing, notice: TimelineNotice | undefined, pendingObjections: number): TimelineStep {
  const step = { key: 'effective', label: '生效' } as const;
  if (l.effectiveAt) return { ...step, state: 'done', when: l.effectiveAt };
  if (l.status !== 'PENDING') return { ...step, state: 'skipped', note: '未生效（生效前撤回）' };
  const periodEnd = notice?.periodEndsAt ? `预计 ${formatDateTime(notice.periodEndsAt)}` : undefined;
  if (pendingObjections > 0) {
    return {
      ...step,
      state: 'current',
      note: '等待异议处理',
      emphasis: true,
      ...(periodEnd ? { detail: `告知期满 ${formatDateTime(notice!.periodEndsAt)}` } : {}),
    };
  }
  if (periodEnd) return { ...step, state: notice?.servedAt ? 'current' : 'todo', note: periodEnd };
  if (notice?.servedAt && notice.calendarMissing) {
    return { ...step, state: 'current', note: '告知期满时间无法计算', flag: CALENDAR_MISSING };
  }
  return {
    ...step,
    state: 'todo',
    note: notice ? `送达后 ${notice.document.period.workingDays} 个工作日期满` : '送达后告知期满',
  };
}

/** 公示期限: the API's working-day deadline from the effect (§4.4), 逾期 when missed, 日历缺失 when unknown. */
function publicationDueStep(l: TimelineListing): TimelineStep {
  const step = { key: 'due', label: '公示期限' } as const;
  if (l.publicationDueBy === undefined) {
    return l.status === 'PENDING'
      ? { ...step, state: 'todo', note: '生效后按工作日计算' }
      : { ...step, state: 'skipped' };
  }
  if (l.publicationDueBy === null) {
    return {
      ...step,
      state: l.status === 'LISTED' ? 'current' : 'skipped',
      note: '期限超出已知的节假日安排',
      flag: CALENDAR_MISSING,
    };
  }
  const late = l.publishedAt ? Date.parse(l.publishedAt) > Date.parse(l.publicationDueBy) : l.overdue;
  return {
    ...step,
    when: l.publicationDueBy,
    state: l.publishedAt ? 'done' : l.status === 'LISTED' ? 'current' : 'skipped',
    note: l.publishedAt ? (late ? '逾期后公示' : '按期公示') : l.status === 'LISTED' ? '应于此前公示' : '未公示',
    ...(late ? { flag: OVERDUE } : {}),
  };
}

function publicationStep(l: TimelineListing): TimelineStep {
  const step = { key: 'published', label: '公示' } as const;
  if (l.publishedAt) return { ...step, state: 'done', when: l.publishedAt };
  if (l.status === 'LISTED') {
    return { ...step, state: 'current', note: l.proposal ? '已提请公示，待法制审核' : '待提请公示' };
  }
  return l.status === 'PENDING' ? { ...step, state: 'todo' } : { ...step, state: 'skipped', note: '未公示' };
}

/** 公示至: the posting's own life (§4.4): up until its end, withdrawn with the reason, or archived. */
function postingStep(l: TimelineListing): TimelineStep {
  const step = { key: 'posting', label: '公示至' } as const;
  const p = l.posting;
  if (!p) return l.publishedAt || !l.endedAt ? { ...step, state: 'todo' } : { ...step, state: 'skipped' };
  if (p.status === 'POSTED') return { ...step, state: 'current', when: p.until, note: POSTING_STATUS_NAMES.POSTED };
  const reason = p.reason ? `（${POSTING_END_REASON_NAMES[p.reason]}）` : '';
  return { ...step, state: 'done', when: p.withdrawnAt ?? p.until, note: `${POSTING_STATUS_NAMES[p.status]}${reason}` };
}

function endStep(l: TimelineListing): TimelineStep {
  const step = { key: 'ended', label: '结束' } as const;
  if (l.endedAt) {
    const reason = l.endReason ? (END_REASON_NAMES[l.endReason] ?? l.endReason) : '';
    return {
      ...step,
      state: 'done',
      when: l.endedAt,
      note: reason ? `${LISTING_STATUS_NAMES[l.status]}：${reason}` : LISTING_STATUS_NAMES[l.status],
    };
  }
  return {
    ...step,
    state: 'todo',
    note: l.expiresAt ? `有效期至 ${formatDateTime(l.expiresAt)}` : '有效期自生效起计算',
  };
}
