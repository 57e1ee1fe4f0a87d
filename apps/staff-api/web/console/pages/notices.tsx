import { useState, type FormEvent, type ReactNode } from 'react';
import type {
  NoticeDocumentView,
  NoticeServiceMethod,
  NoticeServiceView,
  NoticeStatus,
  NoticeView,
  Page,
} from '../../shared/api-types';
import {
  formatChineseDate,
  formatDateTime,
  formatNumber,
  fromShanghaiLocalInput,
  toShanghaiLocalInput,
} from '../../shared/format';
import { APPLICANT_TYPE_NAMES, LISTING_STATUS_NAMES, plateColorName, SERVICE_METHOD_NAMES } from '../../shared/labels';
import {
  Deadline,
  EmptyRow,
  ErrorAlert,
  Field,
  FormError,
  Loading,
  NoticeStatusBadge,
  PagedResult,
  PlateWithColor,
  Tabs,
  useAsync,
  useFilteredPages,
  useFormAction,
} from '../components';
import { href } from '../router';
import { useSession } from '../session';

/** The authority that issues the notices (SPEC §1: Huzhou's transport bureau). */
const AUTHORITY = '湖州市交通运输局';
/** The ways staff record service themselves (a delivery receipt arrives on its own topic). */
const STAFF_SERVICE_METHODS: NoticeServiceMethod[] = ['IN_PERSON', 'POST', 'ANNOUNCEMENT'];
const PAGE_SIZE = 20;
type StatusFilter = NoticeStatus | 'all';

/** 告知书: every notice, newest first, by status; 待送达 is the officers' work list. */
export function NoticesPage() {
  const { api } = useSession();
  const { filter: status, setFilter: setStatus, page, setPage } = useFilteredPages<StatusFilter>('all');
  const result = useAsync(
    () =>
      api.get<Page<NoticeView>>('/v1/notices', {
        status: status === 'all' ? undefined : status,
        page,
        pageSize: PAGE_SIZE,
      }),
    [status, page],
  );
  return (
    <section>
      <h1>告知书</h1>
      <p className="muted">
        达到列入条件时即向当事人制发《违法失信清单拟列入告知书》；告知期限自送达次日起按工作日计算，期满无异议（或异议不成立）方列入生效。
      </p>
      <Tabs
        tabs={[
          { value: 'all', label: '全部' },
          { value: 'ISSUED', label: '待送达' },
          { value: 'SERVED', label: '已送达' },
          { value: 'VOID', label: '已作废' },
        ]}
        value={status}
        onChange={setStatus}
      />
      <PagedResult result={result} what="告知书" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="notices">
            <thead>
              <tr>
                <th>文号</th>
                <th>车牌</th>
                <th>当事人</th>
                <th>制发时间</th>
                <th>送达</th>
                <th>告知期满</th>
                <th>状态</th>
                <th>清单</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((n) => (
                <tr key={n.id} data-notice={n.noticeNo} data-plate={n.plate}>
                  <td>{n.noticeNo}</td>
                  <td>
                    <PlateWithColor plate={n.plate} color={n.plateColor} />
                  </td>
                  <td>{n.document.party?.ownerName ?? <span className="badge warn">未登记车辆</span>}</td>
                  <td>{formatDateTime(n.issuedAt)}</td>
                  <td>
                    {n.servedAt ? (
                      <>
                        {formatDateTime(n.servedAt)}
                        <div className="muted small">{n.serviceMethod && SERVICE_METHOD_NAMES[n.serviceMethod]}</div>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{n.servedAt ? <Deadline dueBy={n.periodEndsAt} calendarMissing={n.calendarMissing} /> : '—'}</td>
                  <td>
                    <NoticeStatusBadge status={n.status} />
                  </td>
                  <td>
                    <a href={href('listings', n.listingId)}>{LISTING_STATUS_NAMES[n.listingStatus]}</a>
                  </td>
                  <td>
                    <a href={href('notices', n.id)}>{n.status === 'ISSUED' ? '查看 / 登记送达' : '查看'}</a>
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={9}>暂无告知书</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}

/**
 * One notice: the document as issued, laid out as the A4 page that is printed and served (print.css
 * drops everything else), its 送达回证 filled from the recorded service, and for an officer the form
 * that records service while it is outstanding.
 */
export function NoticePage({ id }: { id: string }) {
  const { api, can } = useSession();
  const notice = useAsync(() => api.get<NoticeView>(`/v1/notices/${id}`), [id]);
  const [message, setMessage] = useState<string>();
  if (notice.error) return <ErrorAlert error={notice.error} />;
  if (!notice.data) return <Loading what="告知书" />;
  const n = notice.data;
  return (
    <section className="notice-page">
      <div className="no-print">
        <p>
          <a href={href('notices')}>← 返回告知书</a> · <a href={href('listings', n.listingId)}>查看清单</a>
        </p>
        <h1>
          告知书 {n.noticeNo} <NoticeStatusBadge status={n.status} />{' '}
          <span className="muted small">清单：{LISTING_STATUS_NAMES[n.listingStatus]}</span>
        </h1>
        {message && (
          <div className="alert success" role="status">
            {message}
          </div>
        )}
        <div className="actions notice-actions">
          <button type="button" onClick={() => window.print()}>
            打印
          </button>
          <span className="muted small">按 A4 纸张打印（页边距 20 毫米）；打印件不含本页的导航与按钮。</span>
        </div>
        {n.status === 'ISSUED' && can('serveNotice') && (
          <ServiceForm
            notice={n}
            submit={(input) => api.post<NoticeView>(`/v1/notices/${n.id}/service`, input)}
            onDone={(served) => {
              setMessage(
                served.periodEndsAt
                  ? `已登记送达，告知期限至 ${formatDateTime(served.periodEndsAt)}`
                  : '已登记送达；告知期限超出已知日历，须补充日历后计算',
              );
              notice.reload();
            }}
          />
        )}
        {n.status === 'VOID' && <p className="alert info">清单在告知书送达前已结束，本告知书作废，无需送达。</p>}
      </div>
      <NoticeDocument notice={n} />
    </section>
  );
}

/** 违法失信清单拟列入告知书 as issued (SPEC §4.10): the vehicle's party, and the counted trips as its facts. */
function NoticeDocument({ notice }: { notice: NoticeView }) {
  const d = notice.document;
  return (
    <NoticeSheet
      notice={notice}
      addressee={d.party?.ownerName ?? `${d.vehicle.plate}号车辆所有人`}
      announcementNote="车辆未登记，当事人不明，以公告方式送达。"
      party={
        <>
          <tr>
            <th>当事人</th>
            <td>
              {d.party ? (
                <>
                  {d.party.ownerName}（{APPLICANT_TYPE_NAMES[d.party.ownerType]}）
                </>
              ) : (
                '未登记车辆（车辆登记库中无记录），本告知书以公告方式送达'
              )}
            </td>
          </tr>
          {d.party && (
            <>
              <tr>
                <th>{d.party.ownerType === 'COMPANY' ? '统一社会信用代码' : '身份证号码'}</th>
                <td>{d.party.ownerIdNo}</td>
              </tr>
              {d.party.transportCertNo && (
                <tr>
                  <th>道路运输证号</th>
                  <td>{d.party.transportCertNo}</td>
                </tr>
              )}
              {d.party.operatorId && (
                <tr>
                  <th>道路运输经营业户</th>
                  <td>{d.party.operatorId}</td>
                </tr>
              )}
              <tr>
                <th>车籍地</th>
                <td>{d.party.registrationRegion}</td>
              </tr>
            </>
          )}
          <tr>
            <th>车辆</th>
            <td data-testid="notice-vehicle">
              {d.vehicle.plate}（{plateColorName(d.vehicle.plateColor)}车牌）
            </td>
          </tr>
        </>
      }
      facts={<TripsTable trips={d.trips} />}
    />
  );
}

/** What the printed notice and its receipt read of a notice: a vehicle's, or a company's (SPEC §4.9). */
export interface SheetNotice extends Omit<NoticeServiceView, 'id'> {
  document: {
    title: string;
    noticeNo: string;
    issuedAt: string;
    serviceHint: 'TO_PARTY' | 'ANNOUNCEMENT';
    grounds: string;
    basis: string[];
    consequences: string[];
    rights: string[];
    period: { workingDays: number; text: string };
    repair: string[];
  };
}

/**
 * A 告知书 as issued, laid out as the A4 sheet that is printed and served (print.css): title, number,
 * the party's table (`party`: its rows), the salutation, 一 事实与理由 with `facts` under the grounds,
 * 二 依据, 三 列入后果, 四 权利, 五 期限, 六 `repairTitle`, the signature, an `annex` (附件) and the 送达回证.
 */
export function NoticeSheet({
  notice,
  addressee,
  party,
  facts,
  annex,
  repairTitle = '六、信用修复条件',
  announcementNote,
}: {
  notice: SheetNotice;
  addressee: string;
  party: ReactNode;
  facts?: ReactNode;
  annex?: ReactNode;
  repairTitle?: string;
  /** The receipt's 备注 when the notice is served by announcement. */
  announcementNote: string;
}) {
  const d = notice.document;
  return (
    <article className="notice-doc" data-testid="notice-document" aria-label={d.title}>
      {notice.status === 'VOID' && <div className="void-mark">作废</div>}
      <h1 className="doc-title">{d.title}</h1>
      <p className="doc-no" data-testid="notice-no">
        {d.noticeNo}
      </p>

      <table className="doc-party" data-testid="notice-party">
        <tbody>{party}</tbody>
      </table>

      <p className="salutation">{addressee}：</p>

      <h2>一、事实与理由</h2>
      <p className="para">{d.grounds}</p>
      {facts}

      <h2>二、依据</h2>
      <DocList items={d.basis} />

      <h2>三、列入后果</h2>
      <DocList items={d.consequences} />

      <h2>四、当事人的权利（陈述、申辩和异议）</h2>
      <DocList items={d.rights} />

      <h2>五、期限</h2>
      <p className="para" data-testid="notice-period">
        {d.period.text}
      </p>

      <h2>{repairTitle}</h2>
      <DocList items={d.repair} />

      <p className="para">特此告知。</p>

      <div className="doc-sign">
        <div className="seal" aria-label="印章">
          （印章）
        </div>
        <div className="authority">{AUTHORITY}</div>
        <div className="date" data-testid="notice-date">
          {formatChineseDate(d.issuedAt)}
        </div>
      </div>

      {annex}

      <ServiceReceipt notice={notice} addressee={addressee} announcementNote={announcementNote} />
    </article>
  );
}

function DocList({ items }: { items: string[] }) {
  return (
    <ol className="doc-list">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ol>
  );
}

/** The counted trips (趟次) with each weighing: time, station, axles, gross weight, limit, kg over, evidence. */
function TripsTable({ trips }: { trips: NoticeDocumentView['trips'] }) {
  return (
    <table className="doc-table" data-testid="notice-trips">
      <thead>
        <tr>
          <th>趟次</th>
          <th>检测时间</th>
          <th>检测站点</th>
          <th className="num">轴数</th>
          <th className="num">总质量（千克）</th>
          <th className="num">限值（千克）</th>
          <th className="num">超限（千克）</th>
          <th>证据</th>
        </tr>
      </thead>
      <tbody>
        {trips.flatMap((t) =>
          t.weighings.map((w, i) => (
            <tr key={w.violationId} data-event={w.eventId}>
              {i === 0 && (
                <td rowSpan={t.weighings.length} className="trip-seq">
                  第{t.seq}趟
                </td>
              )}
              <td>{formatDateTime(w.measuredAt)}</td>
              <td>
                {w.stationName ?? w.stationId}
                {w.stationName && <div className="small">{w.stationId}</div>}
              </td>
              <td className="num">{w.axles}</td>
              <td className="num">{formatNumber(w.grossWeightKg)}</td>
              <td className="num">{formatNumber(w.limitKg)}</td>
              <td className="num">{formatNumber(w.overKg)}</td>
              <td>
                <EvidenceLinks evidence={w.evidence} />
              </td>
            </tr>
          )),
        )}
        {trips.length === 0 && <EmptyRow colSpan={8}>无</EmptyRow>}
      </tbody>
    </table>
  );
}

/** The weighing's evidence as links (the printed page shows their addresses). */
function EvidenceLinks({ evidence }: { evidence: unknown }) {
  const e = evidence as { imageUrls?: unknown; deviceCertNo?: unknown } | null;
  const urls = Array.isArray(e?.imageUrls) ? e.imageUrls.filter((u): u is string => typeof u === 'string') : [];
  if (urls.length === 0 && !e?.deviceCertNo) return <>无</>;
  return (
    <>
      {urls.map((url, i) => (
        <div key={url}>
          <a className="evidence-link" href={url} target="_blank" rel="noopener noreferrer">
            照片 {i + 1}
          </a>
        </div>
      ))}
      {typeof e?.deviceCertNo === 'string' && <div className="small">检定证书 {e.deviceCertNo}</div>}
    </>
  );
}

/**
 * 送达回证: the document served, to whom, how and when (filled from the recorded service, else left
 * to be written by hand), and the two signatures.
 */
function ServiceReceipt({
  notice,
  addressee,
  announcementNote,
}: {
  notice: SheetNotice;
  addressee: string;
  announcementNote: string;
}) {
  const methods: NoticeServiceMethod[] =
    notice.serviceMethod === 'RECEIPT' ? ['RECEIPT', ...STAFF_SERVICE_METHODS] : STAFF_SERVICE_METHODS;
  const workingDays = notice.document.period.workingDays;
  return (
    <section className="receipt" data-testid="service-receipt" aria-label="送达回证">
      <h2 className="receipt-title">送达回证</h2>
      <table className="doc-table receipt-table">
        <tbody>
          <tr>
            <th>送达文书</th>
            <td>
              {notice.document.title}（{notice.noticeNo}）
            </td>
          </tr>
          <tr>
            <th>受送达人</th>
            <td>{addressee}</td>
          </tr>
          <tr>
            <th>送达方式</th>
            <td data-testid="receipt-method">
              {methods.map((m) => (
                <span key={m} className="choice">
                  {notice.serviceMethod === m ? '☑' : '☐'}
                  {SERVICE_METHOD_NAMES[m]}
                </span>
              ))}
            </td>
          </tr>
          <tr>
            <th>送达时间</th>
            <td data-testid="receipt-time">
              {notice.servedAt ? formatDateTime(notice.servedAt) : '　　　　年　　月　　日　　时　　分'}
            </td>
          </tr>
          <tr>
            <th>告知期限届满</th>
            <td data-testid="receipt-period">
              {workingDays === 0 ? (
                '不设告知期限（列入自达到条件之日起生效）'
              ) : notice.servedAt ? (
                <Deadline dueBy={notice.periodEndsAt} calendarMissing={notice.calendarMissing} />
              ) : (
                `自送达次日起 ${workingDays} 个工作日`
              )}
            </td>
          </tr>
          <tr className="signature">
            <th>受送达人签名</th>
            <td>
              <span className="sign-line" />
              <span className="sign-date">年　　月　　日</span>
            </td>
          </tr>
          <tr className="signature">
            <th>送达人签名</th>
            <td>
              <span className="sign-line" />
              <span className="sign-date">年　　月　　日</span>
            </td>
          </tr>
          <tr>
            <th>备注</th>
            <td>
              {notice.document.serviceHint === 'ANNOUNCEMENT'
                ? announcementNote
                : '受送达人拒绝签收的，送达人注明情况。'}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/** What staff record of a service: how, and when (ISO 8601). */
export interface ServiceInput {
  method: NoticeServiceMethod;
  servedAt: string;
}

/**
 * 登记送达 (OFFICER): how and when the notice reached the party; the period runs from the next day.
 * `submit` sends it (a vehicle's notice and a company's have their own endpoints); `onDone` gets the answer.
 */
export function ServiceForm<T>({
  notice,
  submit,
  onDone,
}: {
  notice: Pick<SheetNotice, 'noticeNo' | 'issuedAt'> & {
    document: Pick<SheetNotice['document'], 'serviceHint' | 'period'>;
  };
  submit: (input: ServiceInput) => Promise<T>;
  onDone: (result: T) => void;
}) {
  const { dialog, confirm, busy, error, run } = useFormAction();
  const [method, setMethod] = useState<NoticeServiceMethod>(
    notice.document.serviceHint === 'ANNOUNCEMENT' ? 'ANNOUNCEMENT' : 'IN_PERSON',
  );
  const [servedAt, setServedAt] = useState(() => toShanghaiLocalInput(new Date()));
  const workingDays = notice.document.period.workingDays;

  const send = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const ok = await confirm('确认登记送达？', [
      `告知书：${notice.noticeNo}`,
      `送达方式：${SERVICE_METHOD_NAMES[method]}`,
      `送达时间：${servedAt.replace('T', ' ')}`,
      workingDays > 0
        ? `告知期限自送达次日起计算（${workingDays} 个工作日），期满无异议的列入生效。`
        : '不设告知期限：列入自达到条件之日起生效，当事人仍可提出异议。',
    ]);
    if (!ok) return;
    await run(async () => {
      onDone(await submit({ method, servedAt: servedInstant(servedAt, notice.issuedAt) }));
    });
  };
  return (
    <form className="panel inline-form" onSubmit={send} aria-label="登记送达">
      {dialog}
      <Field label="送达方式">
        <select name="method" value={method} onChange={(e) => setMethod(e.target.value as NoticeServiceMethod)}>
          {STAFF_SERVICE_METHODS.map((m) => (
            <option key={m} value={m}>
              {SERVICE_METHOD_NAMES[m]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="送达时间">
        <input
          type="datetime-local"
          name="servedAt"
          value={servedAt}
          min={toShanghaiLocalInput(new Date(notice.issuedAt))}
          max={toShanghaiLocalInput(new Date())}
          onChange={(e) => setServedAt(e.target.value)}
          required
        />
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          登记送达
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}

/**
 * The instant of a service typed to the minute. Served in the minute the notice was issued: the issue
 * instant itself, since service can be no earlier than issue and the field has no seconds.
 */
function servedInstant(local: string, issuedAt: string): string {
  const typed = fromShanghaiLocalInput(local);
  return new Date(typed).getTime() < Date.parse(issuedAt) && local === toShanghaiLocalInput(new Date(issuedAt))
    ? issuedAt
    : typed;
}
