import { plainToInstance } from 'class-transformer';
import { IsIn, IsString, IsUUID, MaxLength, MinLength, validateSync } from 'class-validator';
import { Doc, IsDateTimeWithOffset, RefusesControlCharacters } from '../message-rules';
import {
  controlCharacterProblem,
  controlCharacterProblems,
  FieldError,
  flattenValidationErrors,
  parseDateTimeWithOffset,
  STRICT_VALIDATION,
} from '../validation';

/** How the notification channel delivered a notice (SPEC §4.10). */
export const RECEIPT_CHANNELS = ['SMS', 'POST', 'EMAIL', 'APP'] as const;

/**
 * `credit.notice-receipts.v1` (SPEC §4.10), key = noticeId: the notification channel's proof that a
 * notice (告知书) reached its party. Service is recorded at `deliveredAt`; the notice period runs from the
 * day after it. One receipt per notice counts; a repeat is dead-lettered, never applied twice.
 */
@RefusesControlCharacters()
export class NoticeReceiptV1Dto {
  @Doc("the channel's own id of the receipt")
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  receiptId!: string;

  @Doc('the noticeId of credit.notices.v1 or credit.company-notices.v1; also the message key')
  @IsUUID('all', { message: 'noticeId must be a UUID' })
  noticeId!: string;

  @Doc('how the notification channel delivered the notice')
  @IsIn(RECEIPT_CHANNELS, { message: `channel must be one of ${RECEIPT_CHANNELS.join(', ')}` })
  channel!: (typeof RECEIPT_CHANNELS)[number];

  @Doc('when the notice reached its party: service is recorded at this moment, the period runs from the next day')
  @IsDateTimeWithOffset('deliveredAt', { fractionDigits: 3 })
  @IsString()
  deliveredAt!: string;
}

export interface NoticeReceipt {
  receiptId: string;
  noticeId: string;
  channel: (typeof RECEIPT_CHANNELS)[number];
  deliveredAt: Date;
}

export const MAX_NOTICE_RECEIPT_BYTES = 16 * 1024;

export const NOTICE_RECEIPT_INVALID_REASONS = ['TOO_LARGE', 'BAD_JSON', 'SCHEMA_INVALID', 'KEY_MISMATCH'] as const;
type NoticeReceiptInvalidReason = (typeof NOTICE_RECEIPT_INVALID_REASONS)[number];
/**
 * The `error-code` header of a letter on `credit.notice-receipts.v1.dlq`: the receipt's own reason,
 * `RECEIPT_<domain error code>` when the rules refuse it (an unknown notice, one already served, an
 * implausible time), or the store's refusal.
 */
export const noticeReceiptDeadLetterCodes = (domainErrorCodes: readonly string[]): string[] => [
  ...NOTICE_RECEIPT_INVALID_REASONS,
  ...domainErrorCodes.map((code) => `RECEIPT_${code}`),
  'PROCESSING_FAILED',
];

export type NoticeReceiptParseResult =
  { ok: true; receipt: NoticeReceipt } | { ok: false; code: NoticeReceiptInvalidReason; details: FieldError[] };

/** One Kafka record of the receipts topic. Never throws: a failure names the field and the reason. */
export function parseNoticeReceipt(key: Buffer | null, value: Buffer | null): NoticeReceiptParseResult {
  const fail = (code: NoticeReceiptInvalidReason, field: string, message: string): NoticeReceiptParseResult => ({
    ok: false,
    code,
    details: [{ field, message }],
  });
  if (value === null) return fail('SCHEMA_INVALID', '(message)', 'a receipt has a value (no tombstones)');
  if (value.length > MAX_NOTICE_RECEIPT_BYTES)
    return fail('TOO_LARGE', '(message)', `value is ${value.length} bytes; at most ${MAX_NOTICE_RECEIPT_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return fail('BAD_JSON', '(message)', `not JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('SCHEMA_INVALID', '(message)', 'value must be a JSON object');
  const control = controlCharacterProblems(raw);
  if (control.length > 0) return { ok: false, code: 'SCHEMA_INVALID', details: control };
  const dto = plainToInstance(NoticeReceiptV1Dto, raw);
  const details = flattenValidationErrors(validateSync(dto, STRICT_VALIDATION));
  if (details.length > 0) return { ok: false, code: 'SCHEMA_INVALID', details };
  const deliveredAt = parseDateTimeWithOffset(dto.deliveredAt);
  if (!deliveredAt) return fail('SCHEMA_INVALID', 'deliveredAt', 'deliveredAt is not a real date-time');
  const keyText = key?.toString('utf8');
  const keyControl = keyText === undefined ? null : controlCharacterProblem('(key)', keyText);
  if (keyControl) return { ok: false, code: 'KEY_MISMATCH', details: [keyControl] };
  if (keyText !== undefined && keyText !== dto.noticeId)
    return fail('KEY_MISMATCH', '(key)', `the message key must be the noticeId "${dto.noticeId}", got "${keyText}"`);
  return { ok: true, receipt: { receiptId: dto.receiptId, noticeId: dto.noticeId, channel: dto.channel, deliveredAt } };
}
