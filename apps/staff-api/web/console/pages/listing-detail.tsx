import { Fragment, useState, type FormEvent } from 'react';
import type {
  ListingDetailView,
  ListingPartyView,
  NoticeView,
  ObjectionView,
  Page,
  RepairEligibilityView,
} from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import { APPLICANT_TYPE_NAMES, DECISION_CONTENT_NAMES, END_REASON_NAMES } from '../../shared/labels';
import {
  Deadline,
  ErrorAlert,
  Field,
  FormError,
  ListingFlags,
  ListingStatusBadge,
  Loading,
  PlateWithColor,
  useAsync,
  useFormAction,
} from '../components';
import { timelineSteps, type TimelineStep } from '../listing-timeline';
import { ObjectionsTable } from './objections';
import { RepairConditions } from './repairs';
import { ReviewDecisionForm } from '../review-decision';
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
      <PublicationPanel listing={l} onChanged={reload} />

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

function PublicationPanel({ listing, onChanged }: { listing: ListingDetailView; onChanged: () => void }) {
  const { can, identity } = useSession();
  const [notice, setNotice] = useState<string>();
  const done = (message: string): void => {
    setNotice(message);
    onChanged();
  };
  const p = listing.proposal;
  return (
    <div className="panel" data-testid="publication">
      {notice && (
        <div className="alert success" role="status">
          {notice}
        </div>
      )}
      {p && (
        <dl className="facts">
          <dt>决定书文号</dt>
          <dd>{p.decisionNo}</dd>
          <dt>法律依据</dt>
          <dd className="pre">{p.legalBasis}</dd>
          <dt>当事人</dt>
          <dd>
            <PartyText party={listing.party} />
          </dd>
          {DECISION_CONTENT_NAMES.filter(([key]) => p.contents?.[key]).map(([key, name]) => (
            <Fragment key={key}>
              <dt>{name}</dt>
              <dd className="pre">{p.contents![key]}</dd>
            </Fragment>
          ))}
          <dt>提请人</dt>
          <dd>
            {p.proposedBy}，{formatDateTime(p.proposedAt)}
          </dd>
        </dl>
      )}
      {listing.status === 'PENDING' && (
        <p className="muted">拟列入（告知中）：告知期满无异议或异议不成立、列入生效后，方可提请公示。</p>
      )}
      {listing.status === 'PUBLISHED' && <p>已于 {formatDateTime(listing.publishedAt)} 经法制审核后公示。</p>}
      {listing.status === 'LISTED' && !p && (
        <>
          <p className="muted">尚未提请公示。提请后须由法制审核人员（非提请人）审核通过方可公示。</p>
          {can('proposePublication') && <ProposalForm listing={listing} onDone={done} />}
        </>
      )}
      {listing.status === 'LISTED' && p && (
        <>
          <p>
            <span className="badge info">待法制审核</span>
          </p>
          {can('reviewPublication') &&
            (p.proposedBy === identity.sub ? (
              <p className="alert info">两人原则：您是本次公示的提请人，须由其他法制审核人员审核。</p>
            ) : (
              <PublicationReviewForm listing={listing} onDone={done} />
            ))}
        </>
      )}
      {!['PENDING', 'LISTED', 'PUBLISHED'].includes(listing.status) && (
        <p className="muted">该清单已结束，不再公示。</p>
      )}
    </div>
  );
}

function ProposalForm({ listing, onDone }: { listing: ListingDetailView; onDone: (m: string) => void }) {
  const { api } = useSession();
  const { dialog, confirm, busy, error, run } = useFormAction();
  const [decisionNo, setDecisionNo] = useState('');
  const [legalBasis, setLegalBasis] = useState('');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const ok = await confirm('确认提请失信公示？', [
      `车牌：${listing.plate}`,
      `决定书文号：${decisionNo.trim()}`,
      `当事人：${partyLine(listing.party)}`,
      '提请后将进入法制审核。',
    ]);
    if (!ok) return;
    await run(async () => {
      await api.post(`/v1/listings/${listing.id}/publication-proposal`, {
        decisionNo: decisionNo.trim(),
        legalBasis: legalBasis.trim(),
      });
      onDone('已提请公示，等待法制审核');
    });
  };
  return (
    <form className="stack-form" onSubmit={submit} aria-label="提请公示">
      {dialog}
      <h3>提请公示</h3>
      <Field label="决定书文号">
        <input
          name="decisionNo"
          value={decisionNo}
          onChange={(e) => setDecisionNo(e.target.value)}
          required
          maxLength={100}
          placeholder="如：湖交超决〔2026〕8号"
        />
      </Field>
      <Field label="法律依据">
        <textarea
          name="legalBasis"
          value={legalBasis}
          onChange={(e) => setLegalBasis(e.target.value)}
          required
          maxLength={2000}
          placeholder="如：《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条"
        />
      </Field>
      <p className="muted small">
        当事人：{partyLine(listing.party)}（取自列入时的车辆登记信息；自然人姓名在公示页面中脱敏显示，证件号码不公示）
      </p>
      <p className="muted small">
        决定书的事由、依据、惩戒措施、移出条件和程序、救济途径及信用修复告知按标准文本载明。
      </p>
      <button type="submit" disabled={busy}>
        提请公示
      </button>
      <FormError message={error} />
    </form>
  );
}

function PublicationReviewForm({ listing, onDone }: { listing: ListingDetailView; onDone: (m: string) => void }) {
  const { api } = useSession();
  return (
    <ReviewDecisionForm
      title="法制审核"
      className="stack-form"
      approveLabel="同意公示"
      rejectLabel="退回"
      confirmation={(approve, opinion) => ({
        title: approve ? '确认同意公示？' : '确认退回？',
        lines: [
          `车牌：${listing.plate}，决定书文号：${listing.proposal?.decisionNo}`,
          `审核意见：${opinion}`,
          approve ? '同意后将立即在失信公示页面向社会公示。' : '退回后提请将被撤回，执法人员可修改后重新提请。',
        ],
        confirmLabel: approve ? '同意公示' : '确认退回',
      })}
      submit={async (approve, opinion) => {
        await api.post(`/v1/listings/${listing.id}/publication-review`, { approve, opinion });
        onDone(approve ? '法制审核通过，已公示' : '已退回提请');
      }}
    />
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
function TimelineView({ steps }: { steps: TimelineStep[] }) {
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
