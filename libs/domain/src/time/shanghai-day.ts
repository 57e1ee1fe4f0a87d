import { assertValidDate, MS_PER_MINUTE } from './time';

/** Asia/Shanghai is UTC+8 all year (no DST since 1991). */
export const SHANGHAI_UTC_OFFSET_MINUTES = 480;

/** The first instant of the Asia/Shanghai calendar day of `instant` (statistics are by local day). */
export function startOfShanghaiDay(instant: Date): Date {
  assertValidDate(instant, 'instant');
  const offsetMs = SHANGHAI_UTC_OFFSET_MINUTES * MS_PER_MINUTE;
  const local = new Date(instant.getTime() + offsetMs);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetMs);
}
