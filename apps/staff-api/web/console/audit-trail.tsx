import { useState } from 'react';
import type { AuditEntryView, Page } from '../shared/api-types';
import { formatDateTime } from '../shared/format';
import { auditEntryName, auditReasonText, ENTITY_TYPE_NAMES } from '../shared/labels';
import { EmptyRow, PagedResult, useAsync } from './components';
import { useSession } from './session';

const AUDIT_PAGE_SIZE = 50;

/** An audit trail (执法全过程记录, SPEC §4.7) read page by page from `path` (a vehicle's). */
export function AuditTrail({ path, changed }: { path: string; changed: unknown }) {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const trail = useAsync(
    () => api.get<Page<AuditEntryView>>(path, { page, pageSize: AUDIT_PAGE_SIZE }),
    [path, page, changed],
  );
  return (
    <PagedResult
      result={trail}
      what="执法记录"
      page={page}
      pageSize={AUDIT_PAGE_SIZE}
      onPage={setPage}
      footer={<AuditChainNote />}
    >
      {(data) => <AuditTable entries={data.items} />}
    </PagedResult>
  );
}

export function AuditChainNote() {
  return <p className="muted small">记录只增不改，每条以哈希值与前一条相连；可在“统计”页面校验整条记录链。</p>;
}

/** Audit entries in chain order: seq, time, who, the action and its entity in words, the reason. */
export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  return (
    <table data-testid="audit-trail">
      <thead>
        <tr>
          <th className="num">序号</th>
          <th>时间</th>
          <th>操作人</th>
          <th>事项</th>
          <th>对象</th>
          <th>理由 / 意见</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq} data-action={e.action}>
            <td className="num">{e.seq}</td>
            <td>{formatDateTime(e.at)}</td>
            <td>{e.actor === 'system' ? '系统' : e.actor}</td>
            <td>{auditEntryName(e)}</td>
            <td>{ENTITY_TYPE_NAMES[e.entityType] ?? e.entityType}</td>
            <td className="pre">{auditReasonText(e.reason)}</td>
          </tr>
        ))}
        {entries.length === 0 && <EmptyRow colSpan={6}>无记录</EmptyRow>}
      </tbody>
    </table>
  );
}
