import { useState, type FormEvent } from 'react';
import { ApiError } from '../../shared/api';
import type { CreditRepairView, ListingDetailView, Page, RepairEligibilityView } from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import { APPLICANT_TYPE_NAMES, describeError, repairConditionText } from '../../shared/labels';
import {
  ApplicantTypeField,
  EmptyRow,
  ErrorAlert,
  Field,
  FormError,
  ListingStatusBadge,
  Loading,
  PagedResult,
  PlateWithColor,
  RepairStatusBadge,
  Tabs,
  useAsync,
  useFilteredPages,
  useFormAction,
} from '../components';
import { ReviewDecisionForm } from '../review-decision';
import { href, navigate } from '../router';
import { useSession } from '../session';

/**
 * §4.5's conditions for a listing, in words, and the way to the request form when they are met.
 * `forReview`: shown beside a pending request, which is itself not a reason against it.
 */
export function RepairConditions({
  eligibility,
  listingId,
  forReview = false,
}: {
  eligibility: RepairEligibilityView;
  listingId: string;
  forReview?: boolean;
}) {
  const { can } = useSession();
  const unmet = forReview ? eligibility.unmet.filter((u) => u.code !== 'REPAIR_PENDING') : eligibility.unmet;
  const kinds = [...new Map(unmet.map((u) => [u.code, u])).values()];
  const open = unmet.filter((u) => u.code === 'VIOLATIONS_NOT_PROCESSED').length;
  return (
    <div data-testid="repair-conditions">
      {unmet.length === 0 ? (
        <p className="alert success">
          {forReview
            ? '申请条件仍然满足：全部违法记录已处理完毕，清单仍在有效期内。'
            : '已满足信用修复条件：全部违法记录已处理完毕，当事人可签署信用承诺后申请修复。'}
        </p>
      ) : (
        <>
          <p>暂不符合信用修复条件：</p>
          <ul className="unmet">
            {kinds.map((u) => (
              <li key={u.code}>
                {repairConditionText(u, formatDateTime)}
                {u.code === 'VIOLATIONS_NOT_PROCESSED' && `（尚有 ${open} 条未处理）`}
              </li>
            ))}
          </ul>
        </>
      )}
      {!forReview && unmet.length === 0 && can('requestRepair') && (
        <a className="button" href={href('repairs', 'new', listingId)}>
          申请信用修复
        </a>
      )}
    </div>
  );
}

const PAGE_SIZE = 20;
type RepairStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** 信用修复 queue: pending requests oldest first (the API orders them), decided ones to look up. */
export function RepairsQueuePage() {
  const { api } = useSession();
  const { filter: status, setFilter: setStatus, page, setPage } = useFilteredPages<RepairStatus>('PENDING');
  const result = useAsync(
    () => api.get<Page<CreditRepairView>>('/v1/credit-repairs', { status, page, pageSize: PAGE_SIZE }),
    [status, page],
  );
  return (
    <section>
      <h1>信用修复</h1>
      <p className="muted">
        申请由执法人员在清单页面提交（须全部违法记录已处理并签署信用承诺），由信用修复审核人员（非申请提交人）审核。
      </p>
      <Tabs
        tabs={[
          { value: 'PENDING', label: '待审核' },
          { value: 'APPROVED', label: '已通过' },
          { value: 'REJECTED', label: '已驳回' },
        ]}
        value={status}
        onChange={setStatus}
      />
      <PagedResult result={result} what="申请" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="repair-queue">
            <thead>
              <tr>
                <th>车牌</th>
                <th>申请人</th>
                <th>提交人</th>
                <th>提交时间</th>
                <th>状态</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.id} data-plate={r.plate}>
                  <td>
                    <PlateWithColor plate={r.plate} color={r.plateColor} />
                  </td>
                  <td>
                    {r.applicant.name}（{APPLICANT_TYPE_NAMES[r.applicant.type]}）
                  </td>
                  <td>{r.submittedBy}</td>
                  <td>{formatDateTime(r.submittedAt)}</td>
                  <td>
                    <RepairStatusBadge status={r.status} />
                  </td>
                  <td>
                    <a href={href('repairs', r.id)}>{r.status === 'PENDING' ? '审核' : '查看'}</a>
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={6}>暂无申请</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}

/** The request form (OFFICER): the conditions first, in words; the server checks them again. */
export function RepairRequestPage({ listingId }: { listingId: string }) {
  const { api, can } = useSession();
  const listing = useAsync(() => api.get<ListingDetailView>(`/v1/listings/${listingId}`), [listingId]);
  const eligibility = useAsync(
    () => api.get<RepairEligibilityView>(`/v1/listings/${listingId}/repair-eligibility`),
    [listingId],
  );
  if (!can('requestRepair')) return <p className="alert error">您的角色无权提交信用修复申请（须为执法人员）。</p>;
  if (listing.error || eligibility.error) return <ErrorAlert error={listing.error ?? eligibility.error} />;
  if (!listing.data || !eligibility.data) return <Loading />;
  const l = listing.data;
  return (
    <section>
      <p>
        <a href={href('listings', l.id)}>← 返回清单</a>
      </p>
      <h1>
        信用修复申请 <PlateWithColor plate={l.plate} color={l.plateColor} /> <ListingStatusBadge listing={l} />
      </h1>
      <div className="panel">
        <RepairConditions eligibility={eligibility.data} listingId={l.id} />
      </div>
      {eligibility.data.eligible && <RepairRequestForm listingId={l.id} plate={l.plate} />}
    </section>
  );
}

function RepairRequestForm({ listingId, plate }: { listingId: string; plate: string }) {
  const { api } = useSession();
  const { dialog, confirm, busy, error, setError, run } = useFormAction();
  const [name, setName] = useState('');
  const [type, setType] = useState<'PERSON' | 'COMPANY'>('COMPANY');
  const [contact, setContact] = useState('');
  const [rectification, setRectification] = useState('');
  const [attachments, setAttachments] = useState('');
  const [commitment, setCommitment] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const urls = attachments
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = urls.find((u) => !/^https?:\/\/\S+$/i.test(u));
    if (bad) return setError(`附件链接须为 http(s) 地址：${bad}`);
    const ok = await confirm('确认提交信用修复申请？', [
      `车牌：${plate}`,
      `申请人：${name.trim()}（${APPLICANT_TYPE_NAMES[type]}），联系方式 ${contact.trim()}`,
      `附件：${urls.length} 个`,
      '提交后由信用修复审核人员审核。',
    ]);
    if (!ok) return;
    await run(async () => {
      const created = await api.post<CreditRepairView>('/v1/credit-repairs', {
        listingId,
        applicant: { name: name.trim(), type, contact: contact.trim() },
        commitment,
        rectification: rectification.trim(),
        attachments: urls,
      });
      navigate('repairs', created.id);
    });
  };
  return (
    <form className="panel stack-form" onSubmit={submit} aria-label="信用修复申请">
      {dialog}
      <div className="row">
        <Field label="申请人名称">
          <input name="applicantName" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <ApplicantTypeField label="申请人类型" name="applicantType" value={type} onChange={setType} />
        <Field label="联系方式">
          <input name="contact" value={contact} onChange={(e) => setContact(e.target.value)} required maxLength={200} />
        </Field>
      </div>
      <Field label="整改情况">
        <textarea
          name="rectification"
          value={rectification}
          onChange={(e) => setRectification(e.target.value)}
          required
          maxLength={10000}
          placeholder="如：已卸载超限货物，车辆恢复出厂状态，驾驶员已完成培训"
        />
      </Field>
      <Field label="附件链接（每行一个）" hint="信用承诺书、整改证明等材料的存储地址">
        <textarea name="attachments" value={attachments} onChange={(e) => setAttachments(e.target.value)} rows={3} />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          name="commitment"
          checked={commitment}
          onChange={(e) => setCommitment(e.target.checked)}
          required
        />
        申请人已签署信用承诺书（信用承诺）
      </label>
      <button type="submit" disabled={busy}>
        提交申请
      </button>
      <FormError message={error} />
    </form>
  );
}

/** One request; the review form for a REPAIR_REVIEWER who did not submit it. */
export function RepairReviewPage({ id }: { id: string }) {
  const { api, can, identity } = useSession();
  const repair = useAsync(() => api.get<CreditRepairView>(`/v1/credit-repairs/${id}`), [id]);
  const pending = repair.data?.status === 'PENDING';
  const eligibility = useAsync(
    () =>
      pending && repair.data
        ? api.get<RepairEligibilityView>(`/v1/listings/${repair.data.listingId}/repair-eligibility`)
        : Promise.resolve(undefined),
    [pending, repair.data?.listingId],
  );
  if (repair.error) return <ErrorAlert error={repair.error} />;
  if (!repair.data) return <Loading what="申请" />;
  const r = repair.data;
  return (
    <section>
      <p>
        <a href={href('repairs')}>← 返回信用修复</a>
      </p>
      <h1>
        信用修复申请 <PlateWithColor plate={r.plate} color={r.plateColor} /> <RepairStatusBadge status={r.status} />
      </h1>
      <div className="panel">
        <dl className="facts">
          <dt>申请人</dt>
          <dd>
            {r.applicant.name}（{APPLICANT_TYPE_NAMES[r.applicant.type]}），{r.applicant.contact}
          </dd>
          <dt>信用承诺</dt>
          <dd>{r.commitment ? '已签署' : '未签署'}</dd>
          <dt>整改情况</dt>
          <dd className="pre">{r.rectification}</dd>
          <dt>附件</dt>
          <dd>
            {r.attachments.length === 0
              ? '无'
              : r.attachments.map((a, i) => (
                  <div key={a}>
                    <a href={a} target="_blank" rel="noopener noreferrer">
                      附件 {i + 1}
                    </a>
                  </div>
                ))}
          </dd>
          <dt>提交</dt>
          <dd>
            {r.submittedBy}，{formatDateTime(r.submittedAt)}
          </dd>
          {r.reviewedAt && (
            <>
              <dt>审核</dt>
              <dd>
                {r.reviewedBy}，{formatDateTime(r.reviewedAt)}
              </dd>
              <dt>审核意见</dt>
              <dd className="pre">{r.opinion}</dd>
            </>
          )}
          <dt>失信清单</dt>
          <dd>
            <a href={href('listings', r.listingId)}>查看清单与违法记录</a>
          </dd>
        </dl>
      </div>
      {pending && eligibility.data && (
        <div className="panel">
          <RepairConditions eligibility={eligibility.data} listingId={r.listingId} forReview />
        </div>
      )}
      {pending &&
        can('reviewRepair') &&
        (r.submittedBy === identity.sub ? (
          <p className="alert info">两人原则：您是本申请的提交人，须由其他信用修复审核人员审核。</p>
        ) : (
          <RepairReviewForm repair={r} onDone={repair.reload} />
        ))}
    </section>
  );
}

function RepairReviewForm({ repair, onDone }: { repair: CreditRepairView; onDone: () => void }) {
  const { api } = useSession();
  return (
    <ReviewDecisionForm
      title="信用修复审核"
      className="panel stack-form"
      approveLabel="同意修复"
      rejectLabel="驳回"
      confirmation={(approve, opinion) => ({
        title: approve ? '确认同意信用修复？' : '确认驳回申请？',
        lines: [
          `车牌：${repair.plate}，申请人：${repair.applicant.name}`,
          `审核意见：${opinion}`,
          approve ? '同意后该车辆移出失信清单，停止劝返并撤下公示。' : '驳回后可由执法人员重新提交申请。',
        ],
        confirmLabel: approve ? '同意修复' : '确认驳回',
      })}
      submit={async (approve, opinion) => {
        await api.post(`/v1/credit-repairs/${repair.id}/review`, { approve, opinion });
        onDone();
      }}
      describe={(e) =>
        e instanceof ApiError && e.code === 'REPAIR_REFUSED'
          ? `${describeError(e)}。请退回或待条件满足后再审。`
          : describeError(e)
      }
    />
  );
}
