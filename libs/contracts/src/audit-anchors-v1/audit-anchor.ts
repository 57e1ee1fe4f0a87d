import { plainToInstance } from 'class-transformer';
import { IsString, Matches, validateSync } from 'class-validator';
import type { AuditAnchor } from '@oc/domain';
import { Doc, IsDateTimeWithOffset, IsNullable } from '../message-rules';
import { FieldError, flattenValidationErrors, STRICT_VALIDATION } from '../validation';

/** Every anchor is published under one key: one partition, in the order they were made. */
export const AUDIT_ANCHOR_KEY = 'audit-chain';

const HEX64 = /^[0-9a-f]{64}$/;

/** `audit.anchors.v1` (SPEC §4.7), key `audit-chain`: the audit chain head, sealed. */
export class AuditAnchorV1 implements AuditAnchor {
  @Doc('start of the anchoring interval (AUDIT_ANCHOR_INTERVAL_MS); one anchor per slot')
  @IsDateTimeWithOffset('slot')
  @IsString()
  slot!: string;

  @Doc('the last entry\'s seq, decimal; "0" for an empty log')
  @Matches(/^(0|[1-9]\d{0,18})$/, { message: 'seq must be a decimal seq' })
  @IsString()
  seq!: string;

  @Doc("the last entry's hash")
  @Matches(HEX64, { message: 'hash must be 64 hex digits' })
  @IsString()
  hash!: string;

  @Doc("the last entry's HMAC; null for an entry from before the seal")
  @IsNullable()
  @Matches(HEX64, { message: 'hmac must be 64 hex digits or null' })
  @IsString({ message: 'hmac must be 64 hex digits or null' })
  hmac!: string | null;

  @Doc('when the head was read')
  @IsDateTimeWithOffset('anchoredAt')
  @IsString()
  anchoredAt!: string;

  @Doc('which AUDIT_HMAC_KEY sealed the anchor')
  @Matches(/^[0-9a-f]{16}$/, { message: 'keyId must be 16 hex digits' })
  @IsString()
  keyId!: string;

  @Doc('HMAC-SHA256 of the other fields under that key')
  @Matches(HEX64, { message: 'mac must be 64 hex digits' })
  @IsString()
  mac!: string;
}

export type AuditAnchorParse = { ok: true; anchor: AuditAnchor } | { ok: false; details: FieldError[] };

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
  const problems = flattenValidationErrors(validateSync(plainToInstance(AuditAnchorV1, d), STRICT_VALIDATION));
  if (problems.length) return { ok: false, details: problems };
  return { ok: true, anchor: d as AuditAnchor };
}
