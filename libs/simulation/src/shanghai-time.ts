/** Registry times are China Standard Time (UTC+8, no daylight saving), written with their offset. */
const OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** ISO 8601 with the +08:00 offset, e.g. 2026-12-01T00:00:00+08:00 (milliseconds only when not zero). */
export function shanghaiIso(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS).toISOString();
  const ms = at.getTime() % 1000 === 0 ? '' : local.slice(19, 23);
  return `${local.slice(0, 19)}${ms}+08:00`;
}

/** 00:00:00 of the Shanghai calendar day that holds `at`. */
export function shanghaiDayStart(at: Date | number): Date {
  const t = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor((t + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS);
}

/** 23:59:59 of that day: a permit "valid to" a day covers that day to its last second. */
export function shanghaiDayEnd(at: Date | number): Date {
  return new Date(shanghaiDayStart(at).getTime() + DAY_MS - 1000);
}

/** The Shanghai calendar date as YYYYMMDD (the birth date of a 身份证号). */
export function shanghaiYmd(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** 00:00:00 of the first day of the Shanghai calendar month that holds `at`. */
export function shanghaiMonthStart(at: Date): Date {
  const local = new Date(at.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - OFFSET_MS);
}

/** 00:00:00 of 1 January of the Shanghai calendar year that holds `at`. */
export function shanghaiYearStart(at: Date): Date {
  const local = new Date(at.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), 0, 1) - OFFSET_MS);
}
