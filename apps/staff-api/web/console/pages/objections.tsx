import { useState, type FormEvent, type ReactNode } from 'react';
import type {
  ListingDetailView,
  ObjectionChannel,
  ObjectionStatus,
  ObjectionTargetType,
  ObjectionView,
  Page,
} from '../../shared/api-types';
import { formatDateTime, fromShanghaiLocalInput, toShanghaiLocalInput } from '../../shared/format';
import {
  describeReviewError,
  LISTING_STATUS_NAMES,
  OBJECTION_CHANNEL_NAMES,
  OBJECTION_TARGET_NAMES,
} from '../../shared/labels';
import {
  AttachmentLinks,
  Deadline,
  EmptyRow,
  ErrorAlert,
  Field,
  FormError,
  Loading,
  ObjectionStatusBadge,
  PagedResult,
  PlateWithColor,
  Tabs,
  useAsync,
  useFilteredPages,
  useFormAction,
} from '../components';
import { ReviewDecisionForm } from '../review-decision';
import { href, navigate } from '../router';
import { useSession } from '../session';

const PAGE_SIZE = 20;
type Queue = 'all' | 'pending' | 'overdue' | ObjectionStatus;

const QUEUES: { value: Queue; label: string; query: Record<string, string> }[] = [
  { value: 'all', label: '全部', query: {} },
  { value: 'pending', label: '待处理', query: { status: 'PENDING' } },
  { value: 'overdue', label: '逾期未答复', query: { overdue: 'true' } },
  { value: 'UPHELD', label: '异议成立', query: { status: 'UPHELD' } },
  { value: 'REJECTED', label: '异议不成立', query: { status: 'REJECTED' } },
];

const TARGET_TYPES = Object.keys(OBJECTION_TARGET_NAMES) as ObjectionTargetType[];
const CHANNELS = Object.keys(OBJECTION_CHANNEL_NAMES) as ObjectionChannel[];

/**
 * 异议 (陈述申辩) queue: pending ones first, the earliest answer due first (the API orders them), each
 * with its due date, 逾期 when past it and 日历缺失 when the calendar does not reach it.
 */
export function ObjectionsQueuePage() {
  const { api, can } = useSession();
  const { filter: queue, setFilter: setQueue, page, setPage } = useFilteredPages<Queue>('all');
  const result = useAsync(
    () =>
      api.get<Page<ObjectionView>>('/v1/objections', {
        ...QUEUES.find((q) => q.value === queue)!.query,
        page,
        pageSize: PAGE_SIZE,
      }),
    [queue, page],
  );
  return (
    <section>
      <h1>异议处理</h1>
      <p className="muted">
        当事人对称重记录、违法记录、拟列入决定或失信公示提出的异议（陈述申辩），由登记的执法人员经办，由法制审核人员（非经办人）决定；应在收到后规定的工作日内答复。
        {can('recordObjection') && (
          <>
            {' '}
            <a href={href('objections', 'new')}>登记异议</a>
          </>
        )}
      </p>
      <Tabs tabs={QUEUES} value={queue} onChange={setQueue} />
      <PagedResult result={result} what="异议" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => <ObjectionsTable objections={data.items} />}
      </PagedResult>
    </section>
  );
}

/** What a row of the objections table shows: a vehicle's objection, or a company's (SPEC §4.9). */
export interface ObjectionRow {
  id: string;
  target: { type: ObjectionTargetType };
  grounds: string;
  channel: string;
  receivedAt: string;
  dueBy: string | null;
  calendarMissing: boolean;
  overdue: boolean;
  handler: string;
  status: ObjectionStatus;
}

/** A channel code in words; a code of a later version shows as it is. */
export const channelName = (channel: string): string => OBJECTION_CHANNEL_NAMES[channel as ObjectionChannel] ?? channel;

/**
 * Objections in a table: with a 车牌 column when `plate` gives one (a vehicle's), what each is against
 * (`target`) and what can be done with it (`action`).
 */
export function ObjectionRowsTable<T extends ObjectionRow>({
  rows,
  plate,
  target,
  action,
}: {
  rows: T[];
  plate?: (o: T) => { plate: string; plateColor: number };
  target: (o: T) => ReactNode;
  action: (o: T) => ReactNode;
}) {
  const columns = plate ? 9 : 8;
  return (
    <table data-testid="objections">
      <thead>
        <tr>
          {plate && <th>车牌</th>}
          <th>异议对象</th>
          <th>异议理由</th>
          <th>渠道</th>
          <th>收到时间</th>
          <th>答复期限</th>
          <th>经办人</th>
          <th>状态</th>
          <th>操作</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => {
          const vehicle = plate?.(o);
          return (
            <tr key={o.id} data-objection={o.id} data-plate={vehicle?.plate}>
              {vehicle && (
                <td>
                  <PlateWithColor plate={vehicle.plate} color={vehicle.plateColor} />
                </td>
              )}
              <td>{target(o)}</td>
              <td className="clip" title={o.grounds}>
                {o.grounds}
              </td>
              <td>{channelName(o.channel)}</td>
              <td>{formatDateTime(o.receivedAt)}</td>
              <td data-testid="due">
                <Deadline dueBy={o.dueBy} overdue={o.overdue} calendarMissing={o.calendarMissing} />
              </td>
              <td data-testid="handler">{o.handler}</td>
              <td>
                <ObjectionStatusBadge status={o.status} />
              </td>
              <td>{action(o)}</td>
            </tr>
          );
        })}
        {rows.length === 0 && <EmptyRow colSpan={columns}>暂无异议</EmptyRow>}
      </tbody>
    </table>
  );
}

/** A vehicle's objections in a table (the queue, and a listing's own). */
export function ObjectionsTable({ objections }: { objections: ObjectionView[] }) {
  return (
    <ObjectionRowsTable
      rows={objections}
      plate={(o) => o}
      target={(o) => <TargetText objection={o} />}
      action={(o) => <a href={href('objections', o.id)}>{o.status === 'PENDING' ? '处理' : '查看'}</a>}
    />
  );
}

function TargetText({ objection: o }: { objection: ObjectionView }) {
  return (
    <>
      {OBJECTION_TARGET_NAMES[o.target.type]}
      {o.listingId && (
        <div className="small">
          <a href={href('listings', o.listingId)}>查看清单</a>
        </div>
      )}
    </>
  );
}

/** One objection: what it is against, its grounds and attachments, the deadline, and the decision. */
export function ObjectionPage({ id }: { id: string }) {
  const { api, can } = useSession();
  const objection = useAsync(() => api.get<ObjectionView>(`/v1/objections/${id}`), [id]);
  const [message, setMessage] = useState<string>();
  if (objection.error) return <ErrorAlert error={objection.error} />;
  if (!objection.data) return <Loading what="异议" />;
  const o = objection.data;
  return (
    <section>
      <p>
        <a href={href('objections')}>← 返回异议处理</a>
      </p>
      <h1>
        异议 <PlateWithColor plate={o.plate} color={o.plateColor} /> <ObjectionStatusBadge status={o.status} />
        {o.overdue && (
          <>
            {' '}
            <span className="badge danger">逾期未答复</span>
          </>
        )}
      </h1>
      {message && (
        <div className="alert success" role="status">
          {message}
        </div>
      )}
      <div className="panel">
        <dl className="facts" data-testid="objection-facts">
          <dt>异议对象</dt>
          <dd>
            {OBJECTION_TARGET_NAMES[o.target.type]} <span className="muted small">{o.target.id}</span>
          </dd>
          <dt>失信清单</dt>
          <dd>{o.listingId ? <a href={href('listings', o.listingId)}>查看清单与违法记录</a> : '—'}</dd>
          <dt>涉及违法记录</dt>
          <dd>{o.violationIds.length} 条</dd>
          <dt>异议理由</dt>
          <dd className="pre">{o.grounds}</dd>
          <dt>提交渠道</dt>
          <dd>{OBJECTION_CHANNEL_NAMES[o.channel]}</dd>
          <dt>附件</dt>
          <dd>
            <AttachmentLinks urls={o.attachments} />
          </dd>
          <dt>收到时间</dt>
          <dd>{formatDateTime(o.receivedAt)}</dd>
          <dt>答复期限</dt>
          <dd data-testid="due">
            <Deadline dueBy={o.dueBy} overdue={o.overdue} calendarMissing={o.calendarMissing} />
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
      </div>
      {o.status === 'PENDING' && can('decideObjection') && (
        <ObjectionDecisionForm
          objection={o}
          onDone={(decided) => {
            setMessage(decided.status === 'UPHELD' ? '已决定：异议成立' : '已决定：异议不成立，已记录答复');
            objection.reload();
          }}
        />
      )}
      {o.status === 'PENDING' && !can('decideObjection') && (
        <p className="alert info">异议由法制审核人员（非经办人）决定。</p>
      )}
    </section>
  );
}

function ObjectionDecisionForm({
  objection: o,
  onDone,
}: {
  objection: ObjectionView;
  onDone: (decided: ObjectionView) => void;
}) {
  const { api } = useSession();
  const decisionOfListing = o.target.type === 'LISTING' || o.target.type === 'POSTING';
  return (
    <ReviewDecisionForm
      title="异议决定"
      className="panel stack-form"
      approveLabel="异议成立"
      rejectLabel="异议不成立"
      opinionLabel="答复意见"
      hint={`两人原则：异议须由经办人（${o.handler}）以外的法制审核人员决定。答复意见将告知当事人并记入执法全过程记录。`}
      confirmation={(uphold, reply) => ({
        title: uphold ? '确认异议成立？' : '确认异议不成立？',
        lines: [
          `车牌：${o.plate}，异议对象：${OBJECTION_TARGET_NAMES[o.target.type]}`,
          `答复意见：${reply}`,
          uphold
            ? `异议成立后，所涉违法记录（${o.violationIds.length} 条）将被撤销并重新计数${decisionOfListing ? '；拟列入的清单撤回，已列入的撤销，公示以“更正”撤下' : ''}。`
            : '异议不成立：不再阻止列入生效，告知期满后列入生效。',
        ],
        confirmLabel: uphold ? '确认异议成立' : '确认异议不成立',
      })}
      submit={async (uphold, reply) => {
        onDone(await api.post<ObjectionView>(`/v1/objections/${o.id}/review`, { uphold, reply }));
      }}
      describe={(e) => describeReviewError(e, '本异议的经办人')}
    />
  );
}

/** What an officer records of an objection (the target's id aside). */
export interface ObjectionInput<T extends ObjectionTargetType> {
  targetType: T;
  grounds: string;
  channel: ObjectionChannel;
  attachments: string[];
  /** ISO 8601 with +08:00. */
  receivedAt: string;
}

/**
 * 登记异议 (OFFICER, who becomes its handler): what it is against (`targetTypes`, and `targetField` for
 * its id where one is asked for), the grounds, the channel, attachments and when it was received, each
 * confirmed first. `subject` names the listing's party in the confirmation, `noun` the listing (清单 or
 * 名单); `submit` sends it.
 */
export function ObjectionForm<T extends ObjectionTargetType>({
  targetTypes,
  initialType,
  targetField,
  subject = '',
  noun,
  submit,
}: {
  targetTypes: readonly T[];
  initialType: T;
  targetField?: ReactNode;
  subject?: string;
  noun: string;
  submit: (input: ObjectionInput<T>) => Promise<void>;
}) {
  const { dialog, confirm, busy, error, setError, run } = useFormAction();
  const [type, setType] = useState<T>(initialType);
  const [grounds, setGrounds] = useState('');
  const [channel, setChannel] = useState<ObjectionChannel>('IN_PERSON');
  const [attachments, setAttachments] = useState('');
  const [receivedAt, setReceivedAt] = useState(() => toShanghaiLocalInput(new Date()));

  const send = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const urls = attachments
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = urls.find((u) => !/^https?:\/\/\S+$/i.test(u));
    if (bad) return setError(`附件链接须为 http(s) 地址：${bad}`);
    const ok = await confirm('确认登记异议？', [
      `异议对象：${OBJECTION_TARGET_NAMES[type]}${subject}`,
      `提交渠道：${OBJECTION_CHANNEL_NAMES[channel]}，收到时间：${receivedAt.replace('T', ' ')}`,
      `附件：${urls.length} 个`,
      `登记后您为该异议的经办人，由其他法制审核人员决定；异议处理期间拟列入的${noun}不生效。`,
    ]);
    if (!ok) return;
    await run(() =>
      submit({
        targetType: type,
        grounds: grounds.trim(),
        channel,
        attachments: urls,
        receivedAt: fromShanghaiLocalInput(receivedAt),
      }),
    );
  };
  return (
    <form className="panel stack-form" onSubmit={send} aria-label="登记异议">
      {dialog}
      <div className="row">
        <Field label="异议对象">
          <select name="targetType" value={type} onChange={(e) => setType(e.target.value as T)}>
            {targetTypes.map((t) => (
              <option key={t} value={t}>
                {OBJECTION_TARGET_NAMES[t]}
              </option>
            ))}
          </select>
        </Field>
        {targetField}
      </div>
      <Field label="异议理由">
        <textarea
          name="grounds"
          value={grounds}
          onChange={(e) => setGrounds(e.target.value)}
          required
          maxLength={4000}
          placeholder="如：当事人称该趟次称重时车辆为空载，称重设备读数异常"
        />
      </Field>
      <div className="row">
        <Field label="提交渠道">
          <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value as ObjectionChannel)}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {OBJECTION_CHANNEL_NAMES[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="收到时间" hint="答复期限自收到次日起按工作日计算">
          <input
            type="datetime-local"
            name="receivedAt"
            value={receivedAt}
            max={toShanghaiLocalInput(new Date())}
            onChange={(e) => setReceivedAt(e.target.value)}
            required
          />
        </Field>
      </div>
      <Field label="附件链接（每行一个）" hint="申辩书、证明材料等的存储地址">
        <textarea name="attachments" value={attachments} onChange={(e) => setAttachments(e.target.value)} rows={3} />
      </Field>
      <button type="submit" disabled={busy}>
        登记异议
      </button>
      <FormError message={error} />
    </form>
  );
}

/**
 * 登记异议 of a vehicle: against a weighing, a violation, the listing or its posting, prefilled from the
 * listing or the violation it was opened from.
 */
export function ObjectionRecordPage({
  targetType,
  targetId,
  listingId,
}: {
  targetType?: string;
  targetId?: string;
  listingId?: string;
}) {
  const { api, can } = useSession();
  const listing = useAsync(
    () => (listingId ? api.get<ListingDetailView>(`/v1/listings/${listingId}`) : Promise.resolve(undefined)),
    [listingId],
  );
  const [id, setId] = useState(targetId ?? '');

  if (!can('recordObjection')) return <p className="alert error">您的角色无权登记异议（须为执法人员）。</p>;
  const l = listing.data;
  return (
    <section>
      <p>
        {listingId ? (
          <a href={href('listings', listingId)}>← 返回清单</a>
        ) : (
          <a href={href('objections')}>← 返回异议处理</a>
        )}
      </p>
      <h1>登记异议（陈述申辩）{l && <PlateWithColor plate={l.plate} color={l.plateColor} />}</h1>
      {l && (
        <p className="muted">
          清单状态：{LISTING_STATUS_NAMES[l.status]}，违法超限运输 {l.violationCount} 趟次
        </p>
      )}
      <ObjectionForm
        targetTypes={TARGET_TYPES}
        initialType={
          TARGET_TYPES.includes(targetType as ObjectionTargetType) ? (targetType as ObjectionTargetType) : 'LISTING'
        }
        targetField={
          <Field label="对象编号" hint="清单、公示填清单编号；违法记录填其编号；称重记录填其编号或事件编号">
            <input name="targetId" value={id} onChange={(e) => setId(e.target.value)} required maxLength={200} />
          </Field>
        }
        subject={l ? `（${l.plate}）` : ''}
        noun="清单"
        submit={async ({ targetType: type, ...input }) => {
          const created = await api.post<ObjectionView>('/v1/objections', {
            target: { type, id: id.trim() },
            ...input,
          });
          navigate('objections', created.id);
        }}
      />
    </section>
  );
}
