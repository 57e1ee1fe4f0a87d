import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './audit-hash';

/**
 * The seal of the audit chain (SPEC §4.7, docs/security.md): an HMAC-SHA256 per entry under
 * AUDIT_HMAC_KEY, a key the database never holds, so that whoever can rewrite the table and recompute
 * its SHA-256 chain still cannot produce entries that verify. Anchors of the chain head carry one too.
 */

/** Shortest secret accepted (characters): 32 random characters carry at least 128 bits. */
export const AUDIT_HMAC_KEY_MIN_LENGTH = 32;

export interface AuditKey {
  /** Derived from the secret (not secret itself): which key sealed an entry, so a rotated key still verifies. */
  id: string;
  secret: string;
}

/** The key that seals new entries, and every key (current and retired) that verification accepts. */
export interface AuditKeyring {
  current: AuditKey;
  byId: ReadonlyMap<string, AuditKey>;
}

/** 16 hex digits of a SHA-256 of the secret under its own label: names the key, reveals nothing of it. */
export function auditKeyId(secret: string): string {
  return createHash('sha256').update(`overload-credit audit key id\n${secret}`, 'utf8').digest('hex').slice(0, 16);
}

export function auditKeyring(current: string, retired: readonly string[] = []): AuditKeyring {
  const key = (secret: string): AuditKey => ({ id: auditKeyId(secret), secret });
  const currentKey = key(current);
  const byId = new Map<string, AuditKey>();
  for (const k of [currentKey, ...retired.map(key)]) byId.set(k.id, k);
  return { current: currentKey, byId };
}

function mac(key: AuditKey, text: string): string {
  return createHmac('sha256', key.secret).update(text, 'utf8').digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** An entry's HMAC covers its hash (itself over the content) and its predecessor's hash. */
export function auditEntryHmac(key: AuditKey, prevHash: string, hash: string): string {
  return mac(key, `entry\n${prevHash}\n${hash}`);
}

export type AuditSealCheck = 'VALID' | 'UNKNOWN_KEY' | 'MISMATCH';

export function checkAuditEntryHmac(
  ring: AuditKeyring,
  entry: { prevHash: string; hash: string; hmac: string; hmacKeyId: string },
): AuditSealCheck {
  const key = ring.byId.get(entry.hmacKeyId);
  if (!key) return 'UNKNOWN_KEY';
  return sameHex(auditEntryHmac(key, entry.prevHash, entry.hash), entry.hmac) ? 'VALID' : 'MISMATCH';
}

/** The chain head as published on `audit.anchors.v1` (SPEC §4.7). */
export interface AuditAnchorFields {
  /** Start of the anchoring slot (ISO 8601): one anchor per AUDIT_ANCHOR_INTERVAL_MS, whoever makes it. */
  slot: string;
  /** The last entry's seq ("0" for an empty log), its hash and HMAC (null for an entry from before the seal). */
  seq: string;
  hash: string;
  hmac: string | null;
  /** When the head was read (ISO 8601). */
  anchoredAt: string;
}

export interface AuditAnchor extends AuditAnchorFields {
  keyId: string;
  /** HMAC of the other fields: a record on the topic that was not made with the key is not an anchor. */
  mac: string;
}

const anchorText = (a: AuditAnchorFields): string =>
  `anchor\n${canonicalJson({ slot: a.slot, seq: a.seq, hash: a.hash, hmac: a.hmac, anchoredAt: a.anchoredAt })}`;

export function sealAuditAnchor(key: AuditKey, fields: AuditAnchorFields): AuditAnchor {
  return { ...fields, keyId: key.id, mac: mac(key, anchorText(fields)) };
}

export function checkAuditAnchor(ring: AuditKeyring, anchor: AuditAnchor): AuditSealCheck {
  const key = ring.byId.get(anchor.keyId);
  if (!key) return 'UNKNOWN_KEY';
  return sameHex(mac(key, anchorText(anchor)), anchor.mac) ? 'VALID' : 'MISMATCH';
}

/** The slot an anchor made at `now` belongs to: the start of its interval since the epoch. */
export function auditAnchorSlot(now: Date, intervalMs: number): Date {
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
}
