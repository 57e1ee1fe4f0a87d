import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../shared/api';
import type { Page, RevocationView, ViolationView } from '../shared/api-types';
import { formatDateTime, formatNumber, fromShanghaiLocalInput, toShanghaiLocalInput } from '../shared/format';
import { describeError, PERMIT_CHECK_NAMES } from '../shared/labels';
import { EmptyRow, Field, FormError, StationName, useAsync, useFormAction, ViolationStatusBadge } from './components';
import { href } from './router';
import { useSession } from './session';

const REVOCATION_REASONS = ['称重设备故障', '当事人申诉成立', '车牌识别错误', '重复记录'];

/**
 * A listing's or a vehicle's violations: station, time, axles, weight, limit, kg over, suggested
 * fine, status, the permit it carried and why that permit did not exempt it, evidence; for an officer,
 * case processing (已处理), a revocation proposal (提请撤销: a legal reviewer decides, SPEC §4.4) and
 * the way to record an objection against it, each confirmed first.
 */
export function ViolationsTable({ violations, onChanged }: { violations: ViolationView[]; onChanged: () => void }) {
  const { api, can } = useSession();
  const [open, setOpen] = useState<{ id: string; form: 'process' | 'revoke' } | null>(null);
  const [notice, setNotice] = useState<string>();
  const actions = can('processViolation') || can('revokeViolation') || can('recordObjection');
  // The proposals awaiting review: their violations say so and take no second proposal.
  const pending = useAsync(
    () => api.get<Page<RevocationView>>('/v1/revocations', { status: 'PENDING', pageSize: 500 }),
    [violations],
  );
  const awaitingReview = new Set((pending.data?.items ?? []).map((r) => r.violationId));
  const done = (message: string): void => {
    setOpen(null);
    setNotice(message);
    onChanged();
  };
  return (
    <>
      {notice && (
        <div className="alert success" role="status">
          {notice}
        </div>
      )}
      <div className="table-scroll">
        <table data-testid="violations">
          <thead>
            <tr>
              <th>检测站点</th>
              <th>检测时间</th>
              <th className="num">轴数</th>
              <th className="num">总质量（千克）</th>
              <th className="num">限值（千克）</th>
              <th className="num">超限（千克）</th>
              <th className="num">建议罚款（元）</th>
              <th>状态</th>
              <th>通行证</th>
              <th>处理情况</th>
              <th>证据</th>
              {actions && <th>操作</th>}
            </tr>
          </thead>
          <tbody>
            {violations.map((v) => (
              <ViolationRow
                key={v.id}
                v={v}
                actions={actions}
                revocationPending={awaitingReview.has(v.id)}
                open={open?.id === v.id ? open.form : null}
                onOpen={(form) => {
                  setNotice(undefined);
                  setOpen(form ? { id: v.id, form } : null);
                }}
                onDone={done}
              />
            ))}
            {violations.length === 0 && <EmptyRow colSpan={actions ? 12 : 11}>无违法记录</EmptyRow>}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ViolationRow({
  v,
  actions,
  revocationPending,
  open,
  onOpen,
  onDone,
}: {
  v: ViolationView;
  actions: boolean;
  revocationPending: boolean;
  open: 'process' | 'revoke' | null;
  onOpen: (form: 'process' | 'revoke' | null) => void;
  onDone: (message: string) => void;
}) {
  const { can } = useSession();
  return (
    <>
      <tr data-violation={v.eventId}>
        <td>
          <StationName stationId={v.stationId} />
        </td>
        <td>{formatDateTime(v.measuredAt)}</td>
        <td className="num">{v.axles}</td>
        <td className="num">{formatNumber(v.grossWeightKg)}</td>
        <td className="num">{formatNumber(v.limitKg)}</td>
        <td className="num strong">{formatNumber(v.overKg)}</td>
        <td className="num">{formatNumber(v.suggestedFineYuan)}</td>
        <td>
          <ViolationStatusBadge status={v.status} />
          {revocationPending && v.status !== 'REVOKED' && (
            <div>
              <span className="badge info" data-testid="revocation-pending">
                撤销待审核
              </span>
            </div>
          )}
        </td>
        <td className="small" data-testid="permit">
          <PermitOutcome v={v} />
        </td>
        <td className="small">
          {v.status === 'PROCESSED' && (
            <>
              案号 {v.caseNo}
              <br />
              罚款 {formatNumber(v.fineYuan)} 元<br />
              {formatDateTime(v.processedAt)}
            </>
          )}
          {v.status === 'REVOKED' && <>撤销理由：{v.revokedReason}</>}
        </td>
        <td>
          <Evidence eventId={v.eventId} evidence={v.evidence} />
        </td>
        {actions && (
          <td className="row-actions">
            {v.status === 'OPEN' && can('processViolation') && (
              <button className="secondary small" onClick={() => onOpen(open === 'process' ? null : 'process')}>
                录入处理结果
              </button>
            )}
            {v.status !== 'REVOKED' && !revocationPending && can('revokeViolation') && (
              <button className="secondary small" onClick={() => onOpen(open === 'revoke' ? null : 'revoke')}>
                提请撤销
              </button>
            )}
            {v.status !== 'REVOKED' && can('recordObjection') && (
              <a
                className="button secondary small"
                href={href('objections', 'new', 'VIOLATION', v.id, v.listingId ?? '')}
              >
                登记异议
              </a>
            )}
          </td>
        )}
      </tr>
      {open && (
        <tr className="row-form">
          <td colSpan={12}>
            {open === 'process' ? (
              <ProcessForm v={v} onDone={onDone} onCancel={() => onOpen(null)} />
            ) : (
              <RevokeForm v={v} onDone={onDone} onCancel={() => onOpen(null)} />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * 通行证: the permit number the weighing carried and why it did not exempt it (SPEC §4.2, 62号令
 * 第二十七条: a permit of another vehicle, another time, a heavier load or another route does not cover).
 */
function PermitOutcome({ v }: { v: ViolationView }) {
  if (!v.permitNo) return <span className="muted">无</span>;
  return (
    <>
      {v.permitNo}
      {v.permitCheck && (
        <div>
          <span className="badge danger">{PERMIT_CHECK_NAMES[v.permitCheck]}</span>
        </div>
      )}
    </>
  );
}

/**
 * Camera images of the weighing, through staff-api (docs/security.md: the browser never loads a host
 * the weigh event names); an image staff-api cannot fetch says so.
 */
function Evidence({ eventId, evidence }: { eventId: string; evidence?: ViolationView['evidence'] }) {
  if (!evidence) return <span className="muted">无</span>;
  return (
    <div className="evidence">
      {evidence.imageUrls.map((url, i) => (
        <EvidenceImage key={url} eventId={eventId} index={i + 1} />
      ))}
      {evidence.deviceCertNo && <div className="muted small">检定证书 {evidence.deviceCertNo}</div>}
    </div>
  );
}

function EvidenceImage({ eventId, index }: { eventId: string; index: number }) {
  const { api } = useSession();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    api
      .blob(`/v1/weighings/${encodeURIComponent(eventId)}/evidence/${index}`)
      .then((blob) => {
        url = URL.createObjectURL(blob);
        if (live) setSrc(url);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, eventId, index]);
  if (failed) return <span className="evidence-missing">图片 {index} 无法加载</span>;
  if (!src) return <span className="muted small">图片 {index} 加载中…</span>;
  return (
    <a href={src} target="_blank" rel="noopener noreferrer" title="在新窗口查看原图">
      <img src={src} alt={`证据图片 ${index}`} />
    </a>
  );
}

function ProcessForm({ v, onDone, onCancel }: { v: ViolationView; onDone: (m: string) => void; onCancel: () => void }) {
  const { api } = useSession();
  const { dialog, confirm, busy, error, run } = useFormAction();
  const [caseNo, setCaseNo] = useState('');
  const [fine, setFine] = useState(String(v.suggestedFineYuan));
  const [processedAt, setProcessedAt] = useState(() => toShanghaiLocalInput(new Date()));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const fineYuan = Number(fine);
    const ok = await confirm('确认录入案件处理结果？', [
      `案件编号：${caseNo}`,
      `罚款金额：${formatNumber(fineYuan)} 元`,
      `处理时间：${processedAt.replace('T', ' ')}`,
      '提交后该违法记录将标记为“已处理”，并记入执法全过程记录。',
    ]);
    if (!ok) return;
    await run(async () => {
      await api.post(`/v1/violations/${v.id}/processing`, {
        caseNo: caseNo.trim(),
        fineYuan,
        processedAt: fromShanghaiLocalInput(processedAt),
      });
      onDone(`已录入案件 ${caseNo.trim()} 的处理结果`);
    });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="录入案件处理结果">
      {dialog}
      <Field label="案件编号">
        <input value={caseNo} onChange={(e) => setCaseNo(e.target.value)} required maxLength={64} name="caseNo" />
      </Field>
      <Field label="罚款金额（元）" hint={`建议 ${formatNumber(v.suggestedFineYuan)} 元`}>
        <input
          type="number"
          min={0}
          max={1000000}
          step={1}
          value={fine}
          onChange={(e) => setFine(e.target.value)}
          required
          name="fineYuan"
        />
      </Field>
      <Field label="处理时间">
        <input
          type="datetime-local"
          value={processedAt}
          min={toShanghaiLocalInput(new Date(v.measuredAt))}
          max={toShanghaiLocalInput(new Date())}
          onChange={(e) => setProcessedAt(e.target.value)}
          required
          name="processedAt"
        />
      </Field>
      <InlineFormActions submitLabel="提交处理结果" busy={busy} error={error} onCancel={onCancel} />
    </form>
  );
}

function RevokeForm({ v, onDone, onCancel }: { v: ViolationView; onDone: (m: string) => void; onCancel: () => void }) {
  const { api } = useSession();
  const { dialog, confirm, busy, error, run } = useFormAction();
  const [reason, setReason] = useState(REVOCATION_REASONS[0]!);
  const [detail, setDetail] = useState('');
  const [withCase, setWithCase] = useState(false);
  const processed = v.status === 'PROCESSED';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const text = detail.trim() ? `${reason}：${detail.trim()}` : reason;
    const ok = await confirm(
      '确认提请撤销该违法记录？',
      [
        `检测时间：${formatDateTime(v.measuredAt)}，超限 ${formatNumber(v.overKg)} 千克`,
        `撤销理由：${text}`,
        ...(processed ? [`连同案件 ${v.caseNo ?? ''} 一并撤销`] : []),
        '提请后须经法制审核人员（非提请人）审核同意方可撤销；在此之前违法记录不变。同意后将重新计数，若低于列入标准，该车辆将移出失信清单并停止劝返。',
      ],
      '确认提请',
    );
    if (!ok) return;
    await run(
      async () => {
        await api.post(`/v1/violations/${v.id}/revocation`, { reason: text, ...(processed ? { withCase } : {}) });
        onDone('已提请撤销，等待法制审核');
      },
      (e) =>
        e instanceof ApiError && e.code === 'STATE_CONFLICT' && e.details.some((d) => d.field === 'revocation')
          ? '该违法记录已有待审核的撤销申请'
          : describeError(e),
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="提请撤销违法记录">
      {dialog}
      <Field label="撤销理由">
        <select value={reason} onChange={(e) => setReason(e.target.value)} name="reason">
          {REVOCATION_REASONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
          <option value="其他">其他</option>
        </select>
      </Field>
      <Field label="说明">
        <input
          value={detail}
          onChange={(e) => setDetail(e.target.value)}
          maxLength={900}
          required={reason === '其他'}
          placeholder="如：设备检定报告编号、申诉决定文号"
          name="detail"
        />
      </Field>
      {processed && (
        <label className="check">
          <input
            type="checkbox"
            name="withCase"
            checked={withCase}
            onChange={(e) => setWithCase(e.target.checked)}
            required
          />
          连同案件处理结果一并撤销（已处理的违法记录须连同案件撤销）
        </label>
      )}
      <InlineFormActions submitLabel="提交撤销申请" danger busy={busy} error={error} onCancel={onCancel} />
    </form>
  );
}

/** Submit and cancel of a form in a table row, then its error. */
function InlineFormActions({
  submitLabel,
  danger = false,
  busy,
  error,
  onCancel,
}: {
  submitLabel: string;
  danger?: boolean;
  busy: boolean;
  error?: string;
  onCancel: () => void;
}) {
  return (
    <>
      <div className="actions">
        <button type="submit" className={danger ? 'danger' : undefined} disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          取消
        </button>
      </div>
      <FormError message={error} />
    </>
  );
}
