// Every time is shown in Asia/Shanghai (UTC+8 all year), whatever the browser's own zone.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** The Asia/Shanghai wall-clock fields of an instant. */
function shanghaiFields(instant: Date): { y: number; mo: number; d: number; h: number; mi: number } {
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return {
    y: local.getUTCFullYear(),
    mo: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    h: local.getUTCHours(),
    mi: local.getUTCMinutes(),
  };
}

const toDate = (value: string | Date): Date => (typeof value === 'string' ? new Date(value) : value);

/** 2026-05-01 */
export function formatDate(value: string | Date | undefined | null): string {
  if (!value) return '—';
  const f = shanghaiFields(toDate(value));
  return `${f.y}-${pad(f.mo)}-${pad(f.d)}`;
}

/** 2026-05-01 09:30 */
export function formatDateTime(value: string | Date | undefined | null): string {
  if (!value) return '—';
  const f = shanghaiFields(toDate(value));
  return `${f.y}-${pad(f.mo)}-${pad(f.d)} ${pad(f.h)}:${pad(f.mi)}`;
}

/** 2026年5月1日: the date of an official document (落款日期). */
export function formatChineseDate(value: string | Date | undefined | null): string {
  if (!value) return '　　年　　月　　日';
  const f = shanghaiFields(toDate(value));
  return `${f.y}年${f.mo}月${f.d}日`;
}

/** The value of an `<input type="datetime-local">` showing this instant in Asia/Shanghai. */
export function toShanghaiLocalInput(instant: Date): string {
  const f = shanghaiFields(instant);
  return `${f.y}-${pad(f.mo)}-${pad(f.d)}T${pad(f.h)}:${pad(f.mi)}`;
}

/** An `<input type="datetime-local">` value read as Asia/Shanghai time, as ISO 8601 with its offset. */
export function fromShanghaiLocalInput(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) throw new Error(`not a local date-time: ${value}`);
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** 12,345 */
export function formatNumber(n: number | undefined | null): string {
  return n === undefined || n === null ? '—' : n.toLocaleString('zh-CN');
}

/** A calendar date `YYYY-MM-DD` as `MM-DD`, for chart axes. */
export function shortDate(date: string): string {
  return date.slice(5);
}
