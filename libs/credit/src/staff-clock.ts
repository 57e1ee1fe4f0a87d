/**
 * Clocks of the staff's machines and of the notification channel drift: a time given this far ahead of
 * the server's clock is still "now" (processing dates, service, receipt of an objection).
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
