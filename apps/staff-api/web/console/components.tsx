import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  ListingStatus,
  ListingView,
  NoticeStatus,
  ObjectionStatus,
  Page,
  RevocationView,
  ViolationView,
} from '../shared/api-types';
import { regionOfStation } from '../shared/api-types';
import { formatDate, formatDateTime } from '../shared/format';
import {
  describeError,
  LISTING_STATUS_NAMES,
  NOTICE_STATUS_NAMES,
  OBJECTION_STATUS_NAMES,
  plateColorName,
  REPAIR_STATUS_NAMES,
  REVOCATION_STATUS_NAMES,
  VIOLATION_STATUS_NAMES,
} from '../shared/labels';

/** Loads with `load` whenever `deps` change; `reload` loads again (after an action). */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller names what `load` depends on.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export function Plate({ plate, color }: { plate: string; color: number }) {
  return (
    <span className={`plate c${color}`} title={`${plateColorName(color)}车牌`}>
      {plate}
    </span>
  );
}

export function PlateWithColor({ plate, color }: { plate: string; color: number }) {
  return (
    <>
      <Plate plate={plate} color={color} /> <span className="muted">{plateColorName(color)}</span>
    </>
  );
}

const LISTING_TONES: Record<ListingStatus, string> = {
  PENDING: 'info',
  LISTED: 'warn',
  PUBLISHED: 'danger',
  REPAIRED: 'ok',
  EXPIRED: 'ok',
  REVOKED: 'ok',
  WITHDRAWN: 'ok',
};

/** A listing's status (a vehicle's or a company's). */
export function ListingStatusBadge({ listing }: { listing: { status: ListingStatus } }) {
  const tone = LISTING_TONES[listing.status];
  return <span className={`badge ${tone}`}>{LISTING_STATUS_NAMES[listing.status]}</span>;
}

export function ViolationStatusBadge({ status }: { status: ViolationView['status'] }) {
  const tone = status === 'OPEN' ? 'warn' : status === 'PROCESSED' ? 'ok' : '';
  return <span className={`badge ${tone}`}>{VIOLATION_STATUS_NAMES[status]}</span>;
}

export function RepairStatusBadge({ status }: { status: string }) {
  const tone = status === 'PENDING' ? 'warn' : status === 'APPROVED' ? 'ok' : 'danger';
  return <span className={`badge ${tone}`}>{REPAIR_STATUS_NAMES[status] ?? status}</span>;
}

export function NoticeStatusBadge({ status }: { status: NoticeStatus }) {
  const tone = { ISSUED: 'warn', SERVED: 'ok', VOID: '' }[status];
  return <span className={`badge ${tone}`}>{NOTICE_STATUS_NAMES[status]}</span>;
}

export function ObjectionStatusBadge({ status }: { status: ObjectionStatus }) {
  const tone = { PENDING: 'warn', UPHELD: 'info', REJECTED: '' }[status];
  return <span className={`badge ${tone}`}>{OBJECTION_STATUS_NAMES[status]}</span>;
}

export function RevocationStatusBadge({ status }: { status: RevocationView['status'] }) {
  const tone = { PENDING: 'warn', APPROVED: 'ok', REJECTED: '' }[status];
  return <span className={`badge ${tone}`}>{REVOCATION_STATUS_NAMES[status]}</span>;
}

/**
 * A working-day deadline as the API computed it (§4.10): the instant, 逾期 when past, and 日历缺失 when
 * the official calendar does not reach it yet (null: the API refuses to guess).
 */
export function Deadline({
  dueBy,
  overdue = false,
  calendarMissing = false,
  overdueLabel = '逾期',
}: {
  dueBy: string | null | undefined;
  overdue?: boolean;
  calendarMissing?: boolean;
  overdueLabel?: string;
}) {
  return (
    <>
      {dueBy ? formatDateTime(dueBy) : calendarMissing ? '' : '—'}
      {overdue && (
        <>
          {' '}
          <span className="badge danger" data-testid="overdue">
            {overdueLabel}
          </span>
        </>
      )}
      {calendarMissing && !dueBy && (
        <span
          className="badge warn"
          data-testid="calendar-missing"
          title="期限超出已知的法定节假日安排，须补充日历后计算"
        >
          日历缺失
        </span>
      )}
    </>
  );
}

/** Attachment links (附件 1, 附件 2 …), opened outside the console. */
export function AttachmentLinks({ urls }: { urls: string[] }) {
  if (urls.length === 0) return <>无</>;
  return (
    <>
      {urls.map((a, i) => (
        <div key={a}>
          <a href={a} target="_blank" rel="noopener noreferrer">
            附件 {i + 1}
          </a>
        </div>
      ))}
    </>
  );
}

/** 逾期未公示 / 待法制审核 flags of a listing in the queue (a vehicle's or a company's). */
export function ListingFlags({
  listing,
}: {
  listing: Pick<ListingView, 'overdue' | 'status'> & { proposal?: object | null };
}) {
  return (
    <>
      {listing.overdue && (
        <span className="badge danger" data-testid="overdue">
          逾期未公示
        </span>
      )}{' '}
      {listing.status === 'LISTED' && listing.proposal && <span className="badge info">待法制审核</span>}
    </>
  );
}

export function StationName({ stationId }: { stationId: string }) {
  const region = regionOfStation(stationId);
  return (
    <>
      {stationId}
      {region && <div className="muted small">{region.name}</div>}
    </>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="alert error" role="alert">
      {describeError(error)}
    </div>
  );
}

/** A form's own error message (already in words). */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="alert error" role="alert">
      {message}
    </div>
  );
}

/** The single row of an empty table. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="muted">
        {children}
      </td>
    </tr>
  );
}

export function Loading({ what = '数据' }: { what?: string }) {
  return <p className="muted">正在加载{what}…</p>;
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="分页">
      <button className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        上一页
      </button>
      <span>
        第 {page} / {pages} 页，共 {total} 条
      </span>
      <button className="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        下一页
      </button>
    </nav>
  );
}

/** A filter and a page number; changing the filter goes back to page 1. */
export function useFilteredPages<F>(initial: F): {
  filter: F;
  setFilter: (filter: F) => void;
  page: number;
  setPage: (page: number) => void;
} {
  const [filter, setFilterState] = useState<F>(initial);
  const [page, setPage] = useState(1);
  const setFilter = (next: F): void => {
    setFilterState(next);
    setPage(1);
  };
  return { filter, setFilter, page, setPage };
}

/** A page of results from `useAsync`: the error, a loading note until the first data, then `children` and the pager. */
export function PagedResult<T>({
  result,
  what,
  page,
  pageSize,
  onPage,
  children,
  footer,
}: {
  result: { data?: Page<T>; error?: unknown; loading: boolean };
  what: string;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  children: (data: Page<T>) => ReactNode;
  footer?: ReactNode;
}) {
  const { data, error, loading } = result;
  return (
    <>
      <ErrorAlert error={error} />
      {loading && !data ? (
        <Loading what={what} />
      ) : (
        data && (
          <>
            {children(data)}
            <Pager page={page} pageSize={pageSize} total={data.total} onPage={onPage} />
            {footer}
          </>
        )
      )}
    </>
  );
}

export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.value}
          role="tab"
          aria-selected={t.value === value}
          className={t.value === value ? '' : 'secondary'}
          onClick={() => onChange(t.value)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="muted small">{hint}</span>}
    </label>
  );
}

/** 企业 / 自然人: the type of a party or an applicant. */
export function ApplicantTypeField({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: string;
  value: 'PERSON' | 'COMPANY';
  onChange: (value: 'PERSON' | 'COMPANY') => void;
}) {
  return (
    <Field label={label}>
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as 'PERSON' | 'COMPANY')}>
        <option value="COMPANY">企业</option>
        <option value="PERSON">自然人</option>
      </select>
    </Field>
  );
}

export function DateText({ value }: { value?: string }) {
  return <>{formatDate(value)}</>;
}

/**
 * The state of a form that changes something: its confirmation dialog, busy while the request runs,
 * and the error in words. `run(action)` clears the error and marks the form busy; a failed action
 * shows `describe(error)` and frees the form (a successful one leaves it busy: the page moves on).
 */
export function useFormAction(): {
  dialog: ReactNode;
  confirm: (title: string, lines: string[], confirmLabel?: string) => Promise<boolean>;
  busy: boolean;
  error?: string;
  setError: (error?: string) => void;
  run: (action: () => Promise<void>, describe?: (error: unknown) => string) => Promise<void>;
} {
  const [dialog, confirm] = useConfirm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>, describe = describeError): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  };
  return { dialog, confirm, busy, error, setError, run };
}

/**
 * A confirmation before every change (a modal `<dialog>`): `confirm(title, lines)` resolves true when
 * the user confirms.
 */
export function useConfirm(): [ReactNode, (title: string, lines: string[], confirmLabel?: string) => Promise<boolean>] {
  const dialog = useRef<HTMLDialogElement>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);
  const [content, setContent] = useState<{ title: string; lines: string[]; confirmLabel: string }>({
    title: '',
    lines: [],
    confirmLabel: '确认',
  });
  const close = (ok: boolean): void => {
    dialog.current?.close();
    resolver.current?.(ok);
    resolver.current = null;
  };
  const element = (
    <dialog ref={dialog} className="confirm" aria-labelledby="confirm-title" onCancel={() => close(false)}>
      <h2 id="confirm-title">{content.title}</h2>
      {content.lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => close(false)}>
          取消
        </button>
        <button type="button" onClick={() => close(true)} data-testid="confirm">
          {content.confirmLabel}
        </button>
      </div>
    </dialog>
  );
  const confirm = (title: string, lines: string[], confirmLabel = '确认'): Promise<boolean> => {
    setContent({ title, lines, confirmLabel });
    resolver.current?.(false);
    return new Promise((resolve) => {
      resolver.current = resolve;
      dialog.current?.showModal();
    });
  };
  return [element, confirm];
}
