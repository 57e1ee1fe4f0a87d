import type {
  ListingDetailView,
  ListingPartyView,
  NoticeView,
  ObjectionView,
  Page,
  RepairEligibilityView,
} from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import { APPLICANT_TYPE_NAMES, END_REASON_NAMES } from '../../shared/labels';
import {
  Deadline,
  ErrorAlert,
  ListingFlags,
  ListingStatusBadge,
  Loading,
  PlateWithColor,
  useAsync,
} from '../components';
import { timelineSteps, type TimelineStep } from '../listing-timeline';
import { ObjectionsTable } from './objections';
import { RepairConditions } from './repairs';
import { PublicationPanel } from '../publication';
import { href } from '../router';
import { useSession } from '../session';
import { ViolationsTable } from '../violations';

/**
 * One listing: where its due process stands (the timeline), its facts, its violations, its objections,
 * and the publication and repair steps the role may take.
 */
export function ListingPage({ id }: { id: string }) {
  const { api, can } = useSession();
  const listing = useAsync(() => api.get<ListingDetailView>(`/v1/listings/${id}`), [id]);
  const noticeId = listing.data?.noticeId;
  const notice = useAsync(
    () => (noticeId ? api.get<NoticeView>(`/v1/notices/${noticeId}`) : Promise.resolve(undefined)),
    [noticeId, listing.data],
  );
  const objections = useAsync(
    () => api.get<Page<ObjectionView>>('/v1/objections', { listingId: id, pageSize: 100 }),
    [id, listing.data],
  );
  const active = listing.data && (listing.data.status === 'LISTED' || listing.data.status === 'PUBLISHED');
  const eligibility = useAsync(
    () =>
      active ? api.get<RepairEligibilityView>(`/v1/listings/${id}/repair-eligibility`) : Promise.resolve(undefined),
    [id, active, listing.data],
  );
  if (listing.error) return <ErrorAlert error={listing.error} />;
  if (!listing.data) return <Loading what="清单" />;
  const l = listing.data;
  const reload = (): void => listing.reload();
  const pendingObjections = (objections.data?.items ?? []).filter((o) => o.status === 'PENDING').length;
  const open = ['PENDING', 'LISTED', 'PUBLISHED'].includes(l.status);
  return (
    <section>
      <p>
        <a href={href('review')}>← 返回审核工作台</a>
      </p>
      <h1>
        失信清单 <PlateWithColor plate={l.plate} color={l.plateColor} /> <ListingStatusBadge listing={l} />{' '}
        <ListingFlags listing={l} />
      </h1>
      <div className="panel">
        <ErrorAlert error={notice.error ?? objections.error} />
        {/* Drawn once what it depends on is there: a step never shows a state it is not in. */}
        {(!l.noticeId || notice.data) && objections.data ? (
          <TimelineView steps={timelineSteps(l, notice.data, pendingObjections)} />
        ) : (
          !notice.error && !objections.error && <Loading what="办理进程" />
        )}
      </div>
      <div className="panel">
        <dl className="facts">
          <dt>达到列入条件</dt>
          <dd>{formatDateTime(l.listedAt)}</dd>
          <dt>告知书</dt>
          <dd>
            {l.noticeId ? (
              <a href={href('notices', l.noticeId)} data-testid="notice-link">
                {l.noticeNo ?? '查看告知书'}
              </a>
            ) : (
              '—'
            )}
          </dd>
          <dt>列入生效</dt>
          <dd>{l.effectiveAt ? formatDateTime(l.effectiveAt) : '未生效'}</dd>
          <dt>当事人</dt>
          <dd data-testid="party">
            <PartyText party={l.party} />
          </dd>
          <dt>违法超限运输</dt>
          <dd>{l.violationCount} 趟次</dd>
          <dt>清单有效期至</dt>
          <dd>{formatDateTime(l.expiresAt)}</dd>
          <dt>公示期限</dt>
          <dd>
            <Deadline
              dueBy={l.publicationDueBy}
              overdue={l.overdue}
              calendarMissing={l.calendarMissing}
              overdueLabel="已逾期"
            />
          </dd>
          {l.publishedAt && (
            <>
              <dt>公示时间</dt>
              <dd>
                {formatDateTime(l.publishedAt)} 至 {formatDateTime(l.publicationEndsAt)}
              </dd>
            </>
          )}
          {l.endedAt && (
            <>
              <dt>移出清单</dt>
              <dd>
                {formatDateTime(l.endedAt)}（{END_REASON_NAMES[l.endReason ?? ''] ?? l.endReason}）
              </dd>
            </>
          )}
          <dt>车辆档案</dt>
          <dd>
            <a href={href('vehicles', l.plateColor, l.plate)}>查看车辆信用档案与执法记录</a>
          </dd>
        </dl>
      </div>

      <h2>违法超限运输记录</h2>
      <ViolationsTable violations={l.violations} onChanged={reload} />

      <h2>异议（陈述申辩）</h2>
      {can('recordObjection') && (open || l.posting?.status === 'POSTED') && (
        <p>
          <a
            className="button secondary"
            href={href('objections', 'new', 'LISTING', l.id, l.id)}
            data-testid="record-objection"
          >
            登记异议
          </a>{' '}
          <span className="muted small">
            当事人对拟列入决定、列入决定或公示的异议；对单条违法记录的异议请在上表该记录处登记。
          </span>
        </p>
      )}
      {objections.data ? (
        <ObjectionsTable objections={objections.data.items} />
      ) : (
        <ErrorAlert error={objections.error} />
      )}

      <h2>失信公示</h2>
      <PublicationPanel
        subject={{
          ...l,
          path: `/v1/listings/${l.id}`,
          subjectLine: `车牌：${l.plate}`,
          partyLine: partyLine(l.party),
          party: <PartyText party={l.party} />,
          partyNote: '取自列入时的车辆登记信息；自然人姓名在公示页面中脱敏显示，证件号码不公示',
          publishEffect: '同意后将立即在失信公示页面向社会公示。',
          noun: '清单',
        }}
        onChanged={reload}
      />

      {active && (
        <>
          <h2>信用修复</h2>
          <div className="panel">
            {eligibility.data ? (
              <RepairConditions eligibility={eligibility.data} listingId={l.id} />
            ) : (
              <ErrorAlert error={eligibility.error} />
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** 当事人 in one line: name (type), id number; or that the vehicle was not registered. */
function partyLine(party: ListingPartyView | null): string {
  if (!party) return '未登记车辆（车辆登记库中无记录）';
  return `${party.ownerName}（${APPLICANT_TYPE_NAMES[party.ownerType]}，${party.ownerIdNo}）`;
}

/**
 * The listing's party from the vehicle registry as of the listing's creation, in full for staff: owner,
 * type, id number, transport certificate, operator, 车籍地.
 */
function PartyText({ party }: { party: ListingPartyView | null }) {
  if (!party) return <span className="badge warn">未登记车辆</span>;
  return (
    <>
      {party.ownerName}（{APPLICANT_TYPE_NAMES[party.ownerType]}）
      <div className="muted small">
        证件号码 {party.ownerIdNo}
        {party.transportCertNo && <> · 道路运输证 {party.transportCertNo}</>}
        {party.operatorId && <> · 经营业户 {party.operatorId}</>} · 车籍地 {party.registrationRegion}
      </div>
    </>
  );
}

/** The timeline of the listing's due process (listing-timeline.ts decides each step). */
export function TimelineView({ steps }: { steps: TimelineStep[] }) {
  return (
    <ol className="timeline" data-testid="timeline" aria-label="办理进程">
      {steps.map((s) => (
        <li key={s.key} className={`step ${s.state}`} data-step={s.key} data-state={s.state}>
          <div className="step-label">{s.label}</div>
          <div className="step-when">{s.when ? formatDateTime(s.when) : '\u00a0'}</div>
          {s.notice && (
            <div className="step-note">
              <a href={href('notices', s.notice.id)}>{s.notice.noticeNo}</a>
            </div>
          )}
          {s.note && <div className={`step-note${s.emphasis ? ' strong' : ''}`}>{s.note}</div>}
          {s.detail && <div className="step-note muted">{s.detail}</div>}
          {s.flag && (
            <span className={`badge ${s.flag.tone}`} data-testid={s.flag.testId}>
              {s.flag.text}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
