import type { CompanyListingView, CompanyNoticeView, ListingView, NoticeView } from '../shared/api-types';
import { companyTimelineSteps, timelineSteps, type TimelineStep } from './listing-timeline';

const listing = (over: Partial<ListingView> = {}): ListingView => ({
  id: 'l1',
  plate: '浙E70001',
  plateColor: 1,
  status: 'PENDING',
  listedAt: '2026-03-02T02:00:00.000Z',
  violationCount: 3,
  party: null,
  noticeId: 'n1',
  noticeNo: '湖交超告〔2026〕7号',
  overdue: false,
  ...over,
});

const notice = (over: Partial<NoticeView> = {}): NoticeView => ({
  id: 'n1',
  noticeNo: '湖交超告〔2026〕7号',
  listingId: 'l1',
  plate: '浙E70001',
  plateColor: 1,
  status: 'ISSUED',
  issuedAt: '2026-03-02T03:00:00.000Z',
  calendarMissing: false,
  listingStatus: 'PENDING',
  document: { period: { workingDays: 5, text: '' } } as NoticeView['document'],
  ...over,
});

const served = notice({
  status: 'SERVED',
  servedAt: '2026-03-03T01:30:00.000Z',
  serviceMethod: 'IN_PERSON',
  periodEndsAt: '2026-03-10T16:00:00.000Z',
});

/** The steps as `key state note [flag]`, the way a reader scans the timeline. */
const read = (steps: TimelineStep[]): Record<string, string> =>
  Object.fromEntries(steps.map((s) => [s.key, [s.state, s.note ?? '', s.flag?.text ?? ''].filter(Boolean).join(' ')]));

describe('the listing timeline (due process in order, SPEC §4.4, §4.10)', () => {
  it('has the eight steps in order, the notice linked by its number', () => {
    const steps = timelineSteps(listing(), notice(), 0);
    expect(steps.map((s) => s.label)).toEqual([
      '达到条件',
      '制发告知书',
      '送达',
      '生效',
      '公示期限',
      '公示',
      '公示至',
      '结束',
    ]);
    expect(steps[0]).toMatchObject({ when: '2026-03-02T02:00:00.000Z', note: '违法超限运输 3 趟次' });
    expect(steps[1]).toMatchObject({ state: 'done', notice: { id: 'n1', noticeNo: '湖交超告〔2026〕7号' } });
  });

  it('waits for service, then for the end of the period the API computed (Shanghai clock)', () => {
    expect(read(timelineSteps(listing(), notice(), 0))).toMatchObject({
      served: 'current 待送达',
      effective: 'todo 送达后 5 个工作日期满',
      due: 'todo 生效后按工作日计算',
      published: 'todo',
      ended: 'todo 有效期自生效起计算',
    });
    expect(read(timelineSteps(listing(), served, 0))).toMatchObject({
      served: 'done 直接送达',
      effective: 'current 预计 2026-03-11 00:00',
    });
  });

  it('says the listing waits for a pending objection, with the period end beneath', () => {
    const [, , , effective] = timelineSteps(listing(), served, 1);
    expect(effective).toMatchObject({
      state: 'current',
      note: '等待异议处理',
      emphasis: true,
      detail: '告知期满 2026-03-11 00:00',
    });
  });

  it('flags a period or a publication deadline past the known calendar, and an overdue publication', () => {
    const unknown = notice({ status: 'SERVED', servedAt: '2026-12-30T01:00:00.000Z', calendarMissing: true });
    expect(read(timelineSteps(listing(), unknown, 0)).effective).toBe('current 告知期满时间无法计算 日历缺失');
    const effective = { status: 'LISTED', effectiveAt: '2026-03-10T16:00:00.000Z' } as const;
    expect(read(timelineSteps(listing({ ...effective, publicationDueBy: null }), served, 0)).due).toBe(
      'current 期限超出已知的节假日安排 日历缺失',
    );
    const overdue = listing({ ...effective, publicationDueBy: '2026-03-19T16:00:00.000Z', overdue: true });
    const steps = read(timelineSteps(overdue, served, 0));
    expect(steps).toMatchObject({
      effective: 'done',
      due: 'current 应于此前公示 逾期',
      published: 'current 待提请公示',
    });
  });

  it('tells a late publication from one on time, and follows the posting to its withdrawal', () => {
    const base = {
      status: 'PUBLISHED',
      effectiveAt: '2026-03-10T16:00:00.000Z',
      publicationDueBy: '2026-03-19T16:00:00.000Z',
    } as const;
    const onTime = listing({
      ...base,
      publishedAt: '2026-03-12T02:00:00.000Z',
      posting: { status: 'POSTED', until: '2028-03-11T02:00:00.000Z' },
    });
    expect(read(timelineSteps(onTime, served, 0))).toMatchObject({
      due: 'done 按期公示',
      published: 'done',
      posting: 'current 公示中',
    });
    const late = listing({
      ...base,
      status: 'REPAIRED',
      publishedAt: '2026-03-25T02:00:00.000Z',
      posting: {
        status: 'WITHDRAWN',
        until: '2028-03-24T02:00:00.000Z',
        withdrawnAt: '2026-06-01T02:00:00.000Z',
        reason: 'REPAIRED',
      },
      endedAt: '2026-06-01T02:00:00.000Z',
      endReason: 'REPAIRED',
    });
    const steps = timelineSteps(late, served, 0);
    expect(read(steps)).toMatchObject({
      due: 'done 逾期后公示 逾期',
      posting: 'done 已撤下（信用修复）',
      ended: 'done 已信用修复：信用修复',
    });
    expect(steps.find((s) => s.key === 'posting')!.when).toBe('2026-06-01T02:00:00.000Z');
  });

  it('shows a listing withdrawn before effect: no effect, no publication, the end with its reason', () => {
    const withdrawn = listing({
      status: 'WITHDRAWN',
      endedAt: '2026-03-05T02:00:00.000Z',
      endReason: 'RECOUNT_BELOW_THRESHOLD',
    });
    expect(read(timelineSteps(withdrawn, served, 0))).toEqual({
      reached: 'done 违法超限运输 3 趟次',
      notice: 'done',
      served: 'done 直接送达',
      effective: 'skipped 未生效（生效前撤回）',
      due: 'skipped',
      published: 'skipped 未公示',
      posting: 'skipped',
      ended: 'done 未列入（生效前撤回）：撤销违法记录后未达列入标准',
    });
    const voided = notice({ status: 'VOID' });
    expect(read(timelineSteps(withdrawn, voided, 0)).served).toBe('skipped 告知书已作废');
  });

  it('shows a listing made before notices existed without a notice step to wait for', () => {
    const old = listing({ status: 'LISTED', noticeId: null, effectiveAt: '2025-01-01T00:00:00.000Z' });
    expect(read(timelineSteps(old, undefined, 0))).toMatchObject({
      notice: 'skipped 无告知书（告知程序施行前列入）',
      served: 'skipped 未登记送达',
      effective: 'done',
    });
  });

  describe('of a company listing (SPEC §4.9: the same steps)', () => {
    const companyNotice = (over: Partial<CompanyNoticeView> = {}): CompanyNoticeView => ({
      id: 'n9',
      noticeNo: '湖交超告〔2026〕9号',
      status: 'ISSUED',
      issuedAt: '2026-03-02T03:00:00.000Z',
      calendarMissing: false,
      document: { period: { workingDays: 5, text: '' } } as CompanyNoticeView['document'],
      ...over,
    });
    const company = (over: Partial<CompanyListingView> = {}): CompanyListingView => ({
      id: 'c1',
      operatorId: '91330500MA2C000077',
      party: { name: '湖州顺达物流有限公司', operatorId: '91330500MA2C000077' },
      status: 'PENDING',
      listedAt: '2026-03-02T02:00:00.000Z',
      effectiveAt: null,
      expiresAt: null,
      endedAt: null,
      endReason: null,
      vehicleCount: 2,
      fleetSize: 10,
      vehicleListingIds: ['l1', 'l2'],
      proposal: null,
      publishedAt: null,
      posting: null,
      publicationDueBy: null,
      overdue: false,
      notice: companyNotice(),
      objections: [],
      ...over,
    });
    const objection = (status: 'PENDING' | 'REJECTED'): CompanyListingView['objections'][number] => ({
      id: `o-${status}`,
      target: { type: 'LISTING', id: 'c1' },
      grounds: '登记车辆数有误',
      channel: 'IN_PERSON',
      attachments: [],
      receivedAt: '2026-03-04T01:00:00.000Z',
      handler: 'officer-a',
      dueBy: '2026-03-11T16:00:00.000Z',
      overdue: false,
      status,
    });

    it('counts the vehicles against the fleet, links its notice, and does not take a missing deadline for a due one', () => {
      const steps = companyTimelineSteps(company());
      expect(read(steps)).toMatchObject({
        reached: 'done 失信车辆 2 辆 / 登记车辆 10 辆',
        notice: 'done',
        served: 'current 待送达',
        effective: 'todo 送达后 5 个工作日期满',
        // null before the effect: not yet due, not 日历缺失.
        due: 'todo 生效后按工作日计算',
        published: 'todo',
      });
      expect(steps[1]).toMatchObject({ notice: { id: 'n9', noticeNo: '湖交超告〔2026〕9号' } });
    });

    it('waits for its own pending objection, not for a decided one', () => {
      const served = companyNotice({
        status: 'SERVED',
        servedAt: '2026-03-03T01:30:00.000Z',
        serviceMethod: 'POST',
        periodEndsAt: '2026-03-10T16:00:00.000Z',
      });
      const waiting = read(companyTimelineSteps(company({ notice: served, objections: [objection('PENDING')] })));
      expect(waiting).toMatchObject({ served: 'done 邮寄送达', effective: 'current 等待异议处理' });
      const decided = read(companyTimelineSteps(company({ notice: served, objections: [objection('REJECTED')] })));
      expect(decided.effective).toBe('current 预计 2026-03-11 00:00');
    });

    it('after the effect, a null deadline is past the calendar; a proposal waits for review; the end has its reason', () => {
      const listed = company({ status: 'LISTED', effectiveAt: '2026-03-10T16:00:00.000Z', publicationDueBy: null });
      expect(read(companyTimelineSteps(listed)).due).toBe('current 期限超出已知的节假日安排 日历缺失');
      const proposed = company({
        status: 'LISTED',
        effectiveAt: '2026-03-10T16:00:00.000Z',
        publicationDueBy: '2026-03-19T16:00:00.000Z',
        proposal: {
          decisionNo: '湖交超决〔2026〕1号',
          legalBasis: '交办公路〔2017〕8号',
          contents: {} as NonNullable<CompanyListingView['proposal']>['contents'],
          proposedBy: 'officer-a',
          proposedAt: '2026-03-12T02:00:00.000Z',
        },
      });
      expect(read(companyTimelineSteps(proposed))).toMatchObject({
        due: 'current 应于此前公示',
        published: 'current 已提请公示，待法制审核',
      });
      const revoked = company({
        status: 'REVOKED',
        effectiveAt: '2026-03-10T16:00:00.000Z',
        publicationDueBy: '2026-03-19T16:00:00.000Z',
        endedAt: '2026-04-01T02:00:00.000Z',
        endReason: 'GROUNDS_REMOVED',
      });
      expect(read(companyTimelineSteps(revoked)).ended).toBe('done 已撤销：所列车辆清单撤销后未达列入条件');
    });
  });
});
