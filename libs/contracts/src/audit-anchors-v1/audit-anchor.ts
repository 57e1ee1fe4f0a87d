import type { AuditAnchor } from '@oc/domain';
import { FieldError, parseDateTimeWithOffset } from '../validation';

/** Every anchor is published under one key: one partition, in the order they were made. */
export const AUDIT_ANCHOR_KEY = 'audit-chain';

export type AuditAnchorParse = { ok: true; anchor: AuditAnchor } | { ok: false; details: FieldError[] };

const HEX64 = /^[0-9a-f]{64}$/;
const FIELDS = ['slot', 'seq', 'hash', 'hmac', 'anchoredAt', 'keyId', 'mac'] as const;

/**
 * A record of `audit.anchors.v1` (SPEC §4.7), checked field by field before its seal is: the topic may
 * hold anything someone with access wrote to it, and verification ignores (and counts) what is not an
 * anchor.
 */
export function parseAuditAnchor(value: Buffer | null): AuditAnchorParse {
  let d: unknown;
  try {
    d = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, details: [{ field: '(message)', message: (error as Error).message }] };
  }
  if (d === null || typeof d !== 'object' || Array.isArray(d)) {
    return { ok: false, details: [{ field: '(message)', message: 'must be a JSON object' }] };
  }
  const o = d as Record<string, unknown>;
  const problems: FieldError[] = [];
  for (const key of Object.keys(o))
    if (!(FIELDS as readonly string[]).includes(key)) problems.push({ field: key, message: `${key} is not a field` });
  const check = (field: string, ok: boolean, rule: string) => {
    if (!ok) problems.push({ field, message: `${field} must be ${rule}` });
  };
  const str = (v: unknown): v is string => typeof v === 'string';
  check('slot', str(o.slot) && parseDateTimeWithOffset(o.slot) !== null, 'an ISO 8601 time with offset');
  check(
    'anchoredAt',
    str(o.anchoredAt) && parseDateTimeWithOffset(o.anchoredAt) !== null,
    'an ISO 8601 time with offset',
  );
  check('seq', str(o.seq) && /^(0|[1-9]\d{0,18})$/.test(o.seq), 'a decimal seq');
  check('hash', str(o.hash) && HEX64.test(o.hash), '64 hex digits');
  check('hmac', o.hmac === null || (str(o.hmac) && HEX64.test(o.hmac)), '64 hex digits or null');
  check('keyId', str(o.keyId) && /^[0-9a-f]{16}$/.test(o.keyId), '16 hex digits');
  check('mac', str(o.mac) && HEX64.test(o.mac), '64 hex digits');
  if (problems.length) return { ok: false, details: problems };
  return { ok: true, anchor: o as unknown as AuditAnchor };
}
