import { Fragment, useState } from 'react';
import type { Page, RevocationView } from '../../shared/api-types';
import { formatDateTime, formatNumber } from '../../shared/format';
import { describeReviewError, VIOLATION_STATUS_NAMES } from '../../shared/labels';
import {
  EmptyRow,
  PagedResult,
  PlateWithColor,
  RevocationStatusBadge,
  StationName,
  Tabs,
  useAsync,
  useFilteredPages,
} from '../components';
import { ReviewDecisionForm } from '../review-decision';
import { href } from '../router';
import { useSession } from '../session';

const PAGE_SIZE = 20;

/**
 * 撤销审核: proposed revocations of violations (SPEC §4.4), the oldest first (the API orders them).
 * Nothing changes until a legal reviewer who is not the proposer approves; then the violation is
 * revoked and the vehicle recounted.
 */
export function RevocationsQueuePage() {
  const { api, can } = useSession();
  const { filter: status, setFilter: setStatus, page, setPage } = useFilteredPages<RevocationView['status']>('PENDING');
  const result = useAsync(
    () => api.get<Page<RevocationView>>('/v1/revocations', { status, page, pageSize: PAGE_SIZE }),
    [status, page],
  );
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string>();
  const reviewer = can('reviewRevocation');
  const columns = reviewer && status === 'PENDING' ? 9 : 8;
  return (
    <section>
      <h1>撤销审核</h1>
      <p className="muted">
        执法人员提请撤销的违法记录（设备故障、申诉成立等）。须由法制审核人员（非提请人）审核同意后方撤销并重新计数；不同意的，违法记录不变。
      </p>
      {message && (
        <div className="alert success" role="status">
          {message}
        </div>
      )}
      <Tabs
        tabs={[
          { value: 'PENDING', label: '待审核' },
          { value: 'APPROVED', label: '已同意' },
          { value: 'REJECTED', label: '不同意' },
        ]}
        value={status}
        onChange={(s) => {
          setOpen(null);
          setStatus(s);
        }}
      />
      <PagedResult result={result} what="撤销申请" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="revocations">
            <thead>
              <tr>
                <th>车牌</th>
                <th>违法记录</th>
                <th>撤销理由</th>
                <th>提请人</th>
                <th>提请时间</th>
                <th>状态</th>
                <th>审核结果</th>
                <th>清单</th>
                {columns === 9 && <th>操作</th>}
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <Fragment key={r.id}>
                  <tr data-revocation={r.id} data-plate={r.plate}>
                    <td>{r.plate !== undefined && <PlateWithColor plate={r.plate} color={r.plateColor ?? 1} />}</td>
                    <td className="small">
                      {r.violation && (
                        <>
                          {formatDateTime(r.violation.measuredAt)}，超限 {formatNumber(r.violation.overKg)} 千克
                          <div>
                            <StationName stationId={r.violation.stationId} />
                          </div>
                          <div className="muted">{VIOLATION_STATUS_NAMES[r.violation.status]}</div>
                        </>
                      )}
                    </td>
                    <td className="pre" data-testid="reason">
                      {r.reason}
                      {r.withCase && <div className="badge warn">连同案件撤销</div>}
                    </td>
                    <td data-testid="proposer">{r.proposedBy}</td>
                    <td>{formatDateTime(r.proposedAt)}</td>
                    <td>
                      <RevocationStatusBadge status={r.status} />
                    </td>
                    <td className="small">
                      {r.reviewedAt ? (
                        <>
                          {r.reviewedBy}，{formatDateTime(r.reviewedAt)}
                          <div className="pre">{r.opinion}</div>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{r.violation?.listingId ? <a href={href('listings', r.violation.listingId)}>查看</a> : '—'}</td>
                    {columns === 9 && (
                      <td>
                        {r.status === 'PENDING' && (
                          <button className="secondary small" onClick={() => setOpen(open === r.id ? null : r.id)}>
                            审核
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                  {open === r.id && (
                    <tr className="row-form">
                      <td colSpan={columns}>
                        <RevocationReviewForm
                          revocation={r}
                          onDone={(approved) => {
                            setOpen(null);
                            setMessage(
                              approved ? '已同意撤销，违法记录已撤销并重新计数' : '已决定不同意撤销，违法记录不变',
                            );
                            result.reload();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={columns}>当前没有待办事项</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}

function RevocationReviewForm({
  revocation: r,
  onDone,
}: {
  revocation: RevocationView;
  onDone: (approved: boolean) => void;
}) {
  const { api } = useSession();
  return (
    <ReviewDecisionForm
      title="撤销审核"
      className="stack-form"
      approveLabel="同意撤销"
      rejectLabel="不同意撤销"
      hint={`两人原则：须由提请人（${r.proposedBy}）以外的法制审核人员审核。`}
      confirmation={(approve, opinion) => ({
        title: approve ? '确认同意撤销该违法记录？' : '确认不同意撤销？',
        lines: [
          `车牌：${r.plate ?? ''}，撤销理由：${r.reason}`,
          `审核意见：${opinion}`,
          approve
            ? '同意后该违法记录即被撤销并重新计数；若低于列入标准，该车辆移出失信清单并停止劝返。此操作不可恢复。'
            : '不同意的，违法记录保持不变。',
        ],
        confirmLabel: approve ? '同意撤销' : '确认不同意',
      })}
      submit={async (approve, opinion) => {
        await api.post(`/v1/violations/${r.violationId}/revocation-review`, { approve, opinion });
        onDone(approve);
      }}
      describe={(e) => describeReviewError(e, '本次撤销的提请人')}
    />
  );
}
