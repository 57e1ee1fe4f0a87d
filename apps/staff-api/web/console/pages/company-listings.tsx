import { useState, type FormEvent } from 'react';
import type {
  AuditEntryView,
  CompanyListingView,
  CompanyNoticeView,
  CompanyObjectionView,
  CompanyParty,
  ListingStatus,
  Page,
} from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import {
  END_REASON_NAMES,
  LISTING_STATUS_NAMES,
  NOTICE_STATUS_NAMES,
  OBJECTION_TARGET_NAMES,
  plateColorName,
  POSTING_END_REASON_NAMES,
  POSTING_STATUS_NAMES,
  describeReviewError,
} from '../../shared/labels';
import { AuditChainNote, AuditTable } from '../audit-trail';
import {
  AttachmentLinks,
  Deadline,
  EmptyRow,
  ErrorAlert,
  ListingFlags,
  ListingStatusBadge,
  Loading,
  NoticeStatusBadge,
  ObjectionStatusBadge,
  PagedResult,
  Tabs,
  useAsync,
  useFilteredPages,
} from '../components';
import { companyTimelineSteps } from '../listing-timeline';
import { PublicationPanel } from '../publication';
import { ReviewDecisionForm } from '../review-decision';
import { href } from '../router';
import { useSession } from '../session';
import { TimelineView } from './listing-detail';
import { NoticeSheet, ServiceForm } from './notices';
import { channelName, ObjectionForm, ObjectionRowsTable } from './objections';

const PAGE_SIZE = 20;
type StatusFilter = ListingStatus | 'all';
/** A company listing is never REPAIRED (docs/rules.md 13b: it has no credit repair of its own). */
const STATUSES: ListingStatus[] = ['PENDING', 'LISTED', 'PUBLISHED', 'EXPIRED', 'REVOKED', 'WITHDRAWN'];
const OPEN: ListingStatus[] = ['PENDING', 'LISTED', 'PUBLISHED'];

/** 企业名称 with its 统一社会信用代码 beneath; a company the vehicle registry does not name is badged. */
function CompanyName({ party }: { party: CompanyParty }) {
  return (
    <>
      {party.name ?? <span className="badge warn">企业名称未登记</span>}
      <div className="muted small">{party.operatorId}</div>
    </>
  );
}

const companyLine = (party: CompanyParty): string =>
  party.name ? `${party.name}（统一社会信用代码 ${party.operatorId}）` : `统一社会信用代码 ${party.operatorId}`;

/** 2 / 10 辆（20.0%）: the listed vehicles against the registered fleet. */
function share(c: Pick<CompanyListingView, 'vehicleCount' | 'fleetSize'>): string {
  const percent = c.fleetSize > 0 ? `（${((c.vehicleCount * 100) / c.fleetSize).toFixed(1)}%）` : '';
  return `${c.vehicleCount} / ${c.fleetSize} 辆${percent}`;
}

/**
 * 企业失信名单 (SPEC §4.9, docs/rules.md 13b): transport companies with more than COMPANY_LISTING_PERCENT of
 * their registered fleet listed, newest first, by status or by 统一社会信用代码.
 */
export function CompanyListingsPage() {
  const { api } = useSession();
  const { filter, setFilter, page, setPage } = useFilteredPages<{ status: StatusFilter; operatorId: string }>({
    status: 'all',
    operatorId: '',
  });
  const [code, setCode] = useState('');
  const result = useAsync(
    () =>
      api.get<Page<CompanyListingView>>('/v1/company-listings', {
        status: filter.status === 'all' ? undefined : filter.status,
        operatorId: filter.operatorId,
        page,
        pageSize: PAGE_SIZE,
      }),
    [filter, page],
  );
  const search = (event: FormEvent): void => {
    event.preventDefault();
    setFilter({ ...filter, operatorId: code.trim().toUpperCase() });
  };
  return (
    <section>
      <h1>企业失信名单</h1>
      <p className="muted">
        道路运输企业登记的货运车辆中，统计期内列入违法失信清单并生效的车辆超过规定比例的，拟列入严重失信当事人名单；告知、陈述申辩、公示程序与车辆清单相同。企业名单不导致车辆在入口被劝返。
      </p>
      <form className="panel search" onSubmit={search} role="search" aria-label="按统一社会信用代码查询">
        <label>
          统一社会信用代码{' '}
          <input
            name="operatorId"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="18 位代码"
            maxLength={18}
          />
        </label>
        <button type="submit">查询</button>
        {filter.operatorId && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setCode('');
              setFilter({ ...filter, operatorId: '' });
            }}
          >
            清除
          </button>
        )}
      </form>
      <Tabs
        tabs={[
          { value: 'all' as StatusFilter, label: '全部' },
          ...STATUSES.map((s) => ({ value: s, label: LISTING_STATUS_NAMES[s] })),
        ]}
        value={filter.status}
        onChange={(status) => setFilter({ ...filter, status })}
      />
      <PagedResult result={result} what="企业失信名单" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="company-listings">
            <thead>
              <tr>
                <th>企业名称 / 统一社会信用代码</th>
                <th>状态</th>
                <th className="num">失信车辆 / 登记车辆</th>
                <th>拟列入时间</th>
                <th>生效时间</th>
                <th>公示</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.id} data-company={c.operatorId} data-listing={c.id}>
                  <td>
                    <CompanyName party={c.party} />
                  </td>
                  <td>
                    <ListingStatusBadge listing={c} />
                  </td>
                  <td className="num" data-testid="share">
                    {share(c)}
                  </td>
                  <td>{formatDateTime(c.listedAt)}</td>
                  <td>{c.effectiveAt ? formatDateTime(c.effectiveAt) : '未生效'}</td>
                  <td data-testid="posting">
                    <PostingText listing={c} />
                  </td>
                  <td>
                    <a href={href('companies', c.id)}>查看</a>
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={7}>暂无企业失信名单</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}

/** 公示 of a company listing in a cell: the posting and its period, or what publication waits for. */
function PostingText({ listing: c }: { listing: CompanyListingView }) {
  if (c.posting) {
    const reason = c.posting.reason ? `（${POSTING_END_REASON_NAMES[c.posting.reason]}）` : '';
    return (
      <>
        {POSTING_STATUS_NAMES[c.posting.status]}
        {reason}
        <div className="muted small">
          {formatDateTime(c.publishedAt)} 至 {formatDateTime(c.posting.withdrawnAt ?? c.posting.until)}
        </div>
      </>
    );
  }
  if (c.status !== 'LISTED') return <span className="muted">未公示</span>;
  if (!c.proposal && !c.overdue) return <span className="muted">待提请公示</span>;
  return <ListingFlags listing={c} />;
}

/**
 * One company listing: where its due process stands, its facts, its objections (recorded by an officer,
 * decided by a legal reviewer who did not handle them), publication by two persons, its audit record,
 * and its 告知书 as the A4 sheet that is printed and served (print.css prints the sheet alone).
 */
export function CompanyListingPage({ id }: { id: string }) {
  const { api, can } = useSession();
  const listing = useAsync(() => api.get<CompanyListingView>(`/v1/company-listings/${id}`), [id]);
  const [message, setMessage] = useState<string>();
  const [recording, setRecording] = useState(false);
  if (listing.error) return <ErrorAlert error={listing.error} />;
  if (!listing.data) return <Loading what="企业失信名单" />;
  const c = listing.data;
  const path = `/v1/company-listings/${c.id}`;
  const changed = (text?: string): void => {
    setMessage(text);
    listing.reload();
  };
  const open = OPEN.includes(c.status);
  const posted = c.posting?.status === 'POSTED';
  const name = c.party.name ?? `统一社会信用代码 ${c.operatorId}`;
  return (
    <section>
      <div className="no-print">
        <p>
          <a href={href('companies')}>← 返回企业失信名单</a>
        </p>
        <h1>
          企业失信名单 {name} <ListingStatusBadge listing={c} /> <ListingFlags listing={c} />
        </h1>
        {message && (
          <div className="alert success" role="status">
            {message}
          </div>
        )}
        <div className="panel">
          <TimelineView steps={companyTimelineSteps(c)} />
        </div>
        <CompanyFacts listing={c} />

        <h2>异议（陈述申辩）</h2>
        {can('recordObjection') && (open || posted) && !recording && (
          <p>
            <button type="button" className="secondary" onClick={() => setRecording(true)}>
              登记异议
            </button>{' '}
            <span className="muted small">企业对拟列入（列入）决定或对公示提出的异议；登记人为经办人。</span>
          </p>
        )}
        {recording && (
          <ObjectionForm
            targetTypes={posted ? (['LISTING', 'POSTING'] as const) : (['LISTING'] as const)}
            initialType="LISTING"
            subject={`（${name}）`}
            noun="名单"
            submit={async (input) => {
              await api.post(`${path}/objections`, input);
              setRecording(false);
              changed('已登记异议，您为该异议的经办人');
            }}
          />
        )}
        <CompanyObjections listing={c} onDecided={changed} />

        <h2>失信公示</h2>
        <PublicationPanel
          subject={{
            ...c,
            path,
            subjectLine: `企业：${name}`,
            partyLine: companyLine(c.party),
            party: <CompanyName party={c.party} />,
            partyNote: '取自车辆登记库中该统一社会信用代码的企业车主',
            publishEffect: `同意后企业名单即予公示（公示期自同意之日起计算）；本系统的失信公示页面暂不展示企业名单。`,
            noun: '名单',
          }}
          onChanged={() => changed()}
        />

        <h2>执法全过程记录</h2>
        <CompanyAudit listing={c} />

        <h2>告知书</h2>
        {c.notice ? (
          <NoticeActions
            listing={c}
            notice={c.notice}
            onServed={(served) =>
              changed(
                served.notice?.periodEndsAt
                  ? `已登记送达，告知期限至 ${formatDateTime(served.notice.periodEndsAt)}`
                  : '已登记送达',
              )
            }
          />
        ) : (
          <p className="muted">无告知书。</p>
        )}
      </div>
      {c.notice && <CompanyNoticeSheet listing={c} notice={c.notice} />}
    </section>
  );
}

function CompanyFacts({ listing: c }: { listing: CompanyListingView }) {
  const plates = new Map((c.notice?.document.vehicles ?? []).map((v) => [v.listingId, v]));
  return (
    <div className="panel">
      <dl className="facts" data-testid="company-facts">
        <dt>企业名称</dt>
        <dd>{c.party.name ?? <span className="badge warn">企业名称未登记（告知书以公告方式送达）</span>}</dd>
        <dt>统一社会信用代码</dt>
        <dd>{c.operatorId}</dd>
        <dt>失信车辆 / 登记车辆</dt>
        <dd data-testid="share">{share(c)}</dd>
        <dt>所列车辆清单</dt>
        <dd>
          {c.vehicleListingIds.map((listingId, i) => {
            const v = plates.get(listingId);
            return (
              <span key={listingId}>
                {i > 0 && '、'}
                <a href={href('listings', listingId)}>{v ? v.plate : `清单 ${i + 1}`}</a>
              </span>
            );
          })}
        </dd>
        <dt>达到列入条件</dt>
        <dd>{formatDateTime(c.listedAt)}</dd>
        <dt>列入生效</dt>
        <dd>{c.effectiveAt ? formatDateTime(c.effectiveAt) : '未生效'}</dd>
        <dt>名单有效期至</dt>
        <dd>{formatDateTime(c.expiresAt)}</dd>
        <dt>公示期限</dt>
        <dd>
          {c.effectiveAt ? (
            <Deadline
              dueBy={c.publicationDueBy}
              overdue={c.overdue}
              calendarMissing={c.publicationDueBy === null}
              overdueLabel="已逾期"
            />
          ) : (
            '生效后按工作日计算'
          )}
        </dd>
        {c.publishedAt && (
          <>
            <dt>公示时间</dt>
            <dd>
              {formatDateTime(c.publishedAt)} 至 {formatDateTime(c.posting?.until)}
            </dd>
          </>
        )}
        {c.endedAt && (
          <>
            <dt>移出名单</dt>
            <dd>
              {formatDateTime(c.endedAt)}（{END_REASON_NAMES[c.endReason ?? ''] ?? c.endReason}）
            </dd>
          </>
        )}
        <dt>告知书</dt>
        <dd>
          {c.notice ? (
            <>
              {c.notice.noticeNo} <NoticeStatusBadge status={c.notice.status} />
            </>
          ) : (
            '—'
          )}
        </dd>
      </dl>
    </div>
  );
}

/** The company's objections: the table, then the one chosen (the first pending by default) with its decision. */
function CompanyObjections({
  listing: c,
  onDecided,
}: {
  listing: CompanyListingView;
  onDecided: (message: string) => void;
}) {
  const [chosen, setChosen] = useState<string>();
  const rows = c.objections.map((o) => ({ ...o, calendarMissing: o.dueBy === null }));
  const shown = c.objections.find((o) => o.id === chosen) ?? c.objections.find((o) => o.status === 'PENDING');
  return (
    <>
      <ObjectionRowsTable
        rows={rows}
        target={(o) => OBJECTION_TARGET_NAMES[o.target.type]}
        action={(o) => (
          <button type="button" className="secondary small" onClick={() => setChosen(o.id)}>
            {o.status === 'PENDING' ? '处理' : '查看'}
          </button>
        )}
      />
      {shown && (
        <CompanyObjection
          listing={c}
          objection={shown}
          onDecided={(message) => {
            // The decided objection stays in view, with its reply.
            setChosen(shown.id);
            onDecided(message);
          }}
        />
      )}
    </>
  );
}

function CompanyObjection({
  listing: c,
  objection: o,
  onDecided,
}: {
  listing: CompanyListingView;
  objection: CompanyObjectionView;
  onDecided: (message: string) => void;
}) {
  const { api, can, identity } = useSession();
  const name = c.party.name ?? `统一社会信用代码 ${c.operatorId}`;
  const open = OPEN.includes(c.status);
  const upheld = open
    ? c.status === 'PENDING'
      ? '拟列入的企业名单撤回（未列入）'
      : `企业名单撤销${c.posting?.status === 'POSTED' ? '，公示以“更正”撤下' : ''}`
    : '公示以“更正”撤下';
  return (
    <div className="panel" data-testid="company-objection" data-objection={o.id}>
      <h3>
        异议 {OBJECTION_TARGET_NAMES[o.target.type]} <ObjectionStatusBadge status={o.status} />
      </h3>
      <dl className="facts">
        <dt>异议理由</dt>
        <dd className="pre">{o.grounds}</dd>
        <dt>提交渠道</dt>
        <dd>{channelName(o.channel)}</dd>
        <dt>附件</dt>
        <dd>
          <AttachmentLinks urls={o.attachments} />
        </dd>
        <dt>收到时间</dt>
        <dd>{formatDateTime(o.receivedAt)}</dd>
        <dt>答复期限</dt>
        <dd>
          <Deadline dueBy={o.dueBy} overdue={o.overdue} calendarMissing={o.dueBy === null} />
        </dd>
        <dt>经办人</dt>
        <dd data-testid="handler">{o.handler}</dd>
        {o.decidedAt && (
          <>
            <dt>决定</dt>
            <dd>
              {o.decidedBy}，{formatDateTime(o.decidedAt)}
            </dd>
            <dt>答复意见</dt>
            <dd className="pre" data-testid="reply">
              {o.reply}
            </dd>
          </>
        )}
      </dl>
      {o.status === 'PENDING' && !can('decideObjection') && (
        <p className="alert info">异议由法制审核人员（非经办人）决定。</p>
      )}
      {o.status === 'PENDING' && can('decideObjection') && o.handler === identity.sub && (
        <p className="alert info" data-testid="handler-refused">
          两人原则：您是本异议的经办人，不能决定本异议，须由其他法制审核人员决定。
        </p>
      )}
      {o.status === 'PENDING' && can('decideObjection') && o.handler !== identity.sub && (
        <ReviewDecisionForm
          title="异议决定"
          className="stack-form"
          approveLabel="异议成立"
          rejectLabel="异议不成立"
          opinionLabel="答复意见"
          hint={`两人原则：异议须由经办人（${o.handler}）以外的法制审核人员决定。答复意见将告知企业并记入执法全过程记录。`}
          confirmation={(uphold, reply) => ({
            title: uphold ? '确认异议成立？' : '确认异议不成立？',
            lines: [
              `企业：${name}，异议对象：${OBJECTION_TARGET_NAMES[o.target.type]}`,
              `答复意见：${reply}`,
              uphold
                ? `异议成立：${upheld}。`
                : c.status === 'PENDING'
                  ? '异议不成立：不再阻止列入生效，告知期满后列入生效。'
                  : '异议不成立：企业名单维持。',
            ],
            confirmLabel: uphold ? '确认异议成立' : '确认异议不成立',
          })}
          submit={async (uphold, reply) => {
            await api.post(`/v1/company-listings/${c.id}/objections/${o.id}/review`, { uphold, reply });
            onDecided(uphold ? '已决定：异议成立' : '已决定：异议不成立，已记录答复');
          }}
          describe={(e) => describeReviewError(e, '本异议的经办人')}
        />
      )}
    </div>
  );
}

/**
 * The company listing's record (执法全过程记录, SPEC §4.7): its own entries, its notice's and its
 * objections', in chain order.
 */
function CompanyAudit({ listing: c }: { listing: CompanyListingView }) {
  const { api } = useSession();
  const entities: [string, string][] = [
    ['company_listing', c.id],
    ...(c.notice ? [['notice', c.notice.id] as [string, string]] : []),
    ...c.objections.map((o) => ['objection', o.id] as [string, string]),
  ];
  const trail = useAsync(async () => {
    const pages = await Promise.all(
      entities.map(([entityType, entityId]) =>
        api.get<Page<AuditEntryView>>('/v1/audit', { entityType, entityId, pageSize: 500 }),
      ),
    );
    return pages
      .flatMap((p) => p.items)
      .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0));
  }, [c]);
  if (trail.error) return <ErrorAlert error={trail.error} />;
  if (!trail.data) return <Loading what="执法记录" />;
  return (
    <>
      <AuditTable entries={trail.data} />
      <AuditChainNote />
    </>
  );
}

/** 打印 and, while the notice is outstanding, 登记送达 (OFFICER). */
function NoticeActions({
  listing: c,
  notice: n,
  onServed,
}: {
  listing: CompanyListingView;
  notice: CompanyNoticeView;
  onServed: (served: CompanyListingView) => void;
}) {
  const { api, can } = useSession();
  return (
    <>
      <p>
        {n.noticeNo} <NoticeStatusBadge status={n.status} />{' '}
        <span className="muted small">
          {NOTICE_STATUS_NAMES[n.status]}
          {n.servedAt && `，${formatDateTime(n.servedAt)} 送达`}
        </span>
      </p>
      <div className="actions notice-actions">
        <button type="button" onClick={() => window.print()}>
          打印告知书
        </button>
        <span className="muted small">按 A4 纸张打印（页边距 20 毫米）；打印件只含下方的告知书与送达回证。</span>
      </div>
      {n.status === 'ISSUED' && can('serveNotice') && (
        <ServiceForm
          notice={n}
          submit={(input) => api.post<CompanyListingView>(`/v1/company-listings/${c.id}/notice-service`, input)}
          onDone={onServed}
        />
      )}
      {n.status === 'VOID' && <p className="alert info">企业名单在告知书送达前已结束，本告知书作废，无需送达。</p>}
    </>
  );
}

/**
 * 道路运输企业拟列入严重失信当事人名单告知书 as issued (SPEC §4.9, §4.10): the company as the party, the
 * grounds, and the vehicles listed (附件) after the signature, as the grounds say (车辆清单附后).
 */
function CompanyNoticeSheet({ listing: c, notice }: { listing: CompanyListingView; notice: CompanyNoticeView }) {
  const d = notice.document;
  return (
    <NoticeSheet
      notice={notice}
      addressee={d.party.name ?? `统一社会信用代码为 ${d.party.operatorId} 的道路运输企业`}
      announcementNote="车辆登记库中无该统一社会信用代码的企业名称，以公告方式送达。"
      repairTitle="六、移出条件"
      party={
        <>
          <tr>
            <th>当事人</th>
            <td>
              {d.party.name
                ? `${d.party.name}（道路运输企业）`
                : '企业名称未登记（车辆登记库中无该代码的企业车主），本告知书以公告方式送达'}
            </td>
          </tr>
          <tr>
            <th>统一社会信用代码</th>
            <td>{d.party.operatorId}</td>
          </tr>
          <tr>
            <th>登记货运车辆</th>
            <td>{d.fleetSize} 辆</td>
          </tr>
          <tr>
            <th>列入清单车辆</th>
            <td data-testid="notice-vehicle-count">{d.vehicles.length} 辆（见附件）</td>
          </tr>
        </>
      }
      annex={
        <section className="annex" data-testid="notice-annex" aria-label="附件">
          <h2>附件：列入违法失信清单并生效的车辆</h2>
          <table className="doc-table" data-testid="notice-vehicles">
            <thead>
              <tr>
                <th className="num">序号</th>
                <th>车牌号码</th>
                <th>车牌颜色</th>
                <th>列入生效时间</th>
              </tr>
            </thead>
            <tbody>
              {d.vehicles.map((v, i) => (
                <tr key={v.listingId} data-plate={v.plate}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <a href={href('listings', v.listingId)}>{v.plate}</a>
                  </td>
                  <td>{plateColorName(v.plateColor)}</td>
                  <td>{formatDateTime(v.effectiveAt)}</td>
                </tr>
              ))}
              {d.vehicles.length === 0 && <EmptyRow colSpan={4}>无</EmptyRow>}
            </tbody>
          </table>
          {c.vehicleListingIds.length !== d.vehicles.length && (
            <p className="muted small no-print">
              告知书制发后重新计数，现列车辆 {c.vehicleListingIds.length} 辆（见上方名单信息）。
            </p>
          )}
        </section>
      }
    />
  );
}
