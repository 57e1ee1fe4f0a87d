import { createHmac, createPublicKey, createVerify, KeyObject, timingSafeEqual } from 'node:crypto';
import type { StaffRegions } from '@oc/domain';
import { RegionsClaimError, staffTokenRegions } from './staff-regions';

export const STAFF_ROLES = ['OFFICER', 'LEGAL_REVIEWER', 'REPAIR_REVIEWER', 'ADMIN'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffPrincipal {
  sub: string;
  roles: StaffRole[];
  name?: string;
  exp: number;
  /** Division-code prefixes of the staff member's jurisdiction; null = the whole city (SPEC §4.8). */
  regions: StaffRegions;
}

export class TokenError extends Error {}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');
const fromB64url = (input: string): Buffer => Buffer.from(input, 'base64url');

export type StaffTokenKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; publicKey: KeyObject };

/** What a staff token must satisfy beyond its signature (SPEC §4.8). */
export interface StaffTokenRules {
  /** `exp` at most this many hours after `iat` (STAFF_TOKEN_MAX_HOURS). */
  maxHours: number;
  /** STAFF_JWT_ISSUER / STAFF_JWT_AUDIENCE: checked when set. */
  issuer?: string;
  audience?: string;
}

/** Clock skew allowed between the identity provider, this host and the CLI (SPEC §4.8). */
export const TOKEN_LEEWAY_SECONDS = 30;

/** A station id (SPEC §4.9): the subject of a station's audit entries, never a staff member's. */
const STATION_ID_SUBJECT = /^\d{6}[A-Za-z0-9._-]{0,26}$/;

/**
 * Why `sub` cannot name a staff member, or null when it can. The audit log's actors (SPEC §4.7) are
 * `system` (the service itself), `cli:<login>` (an operator command) and station ids; a token with one
 * of them as subject would let its holder act as the service, an operator or a station.
 */
export function reservedSubjectReason(sub: string): string | null {
  if (sub.trim().toLowerCase() === 'system') return 'the subject "system" is reserved for the service itself';
  if (/^cli:/i.test(sub.trim())) return 'subjects "cli:*" are reserved for operator commands';
  if (STATION_ID_SUBJECT.test(sub.trim())) return 'subjects of the station id format are reserved for stations';
  if (sub !== sub.trim() || sub.length > 128 || /\p{Cc}/u.test(sub))
    return 'the subject must be at most 128 characters, without control characters or surrounding spaces';
  return null;
}

export function staffTokenKey(config: {
  STAFF_JWT_SECRET?: string;
  STAFF_JWT_PUBLIC_KEY?: string;
}): StaffTokenKey | null {
  if (config.STAFF_JWT_PUBLIC_KEY) {
    const publicKey = createPublicKey(config.STAFF_JWT_PUBLIC_KEY);
    // libs/config refuses other keys at boot; a caller building its own key gets the same rule.
    if (publicKey.asymmetricKeyType !== 'rsa') throw new TokenError('RS256 needs an RSA public key');
    return { alg: 'RS256', publicKey };
  }
  if (config.STAFF_JWT_SECRET) return { alg: 'HS256', secret: config.STAFF_JWT_SECRET };
  return null;
}

/** The rules of a configuration (STAFF_TOKEN_MAX_HOURS, STAFF_JWT_ISSUER, STAFF_JWT_AUDIENCE). */
export function staffTokenRules(config: {
  STAFF_TOKEN_MAX_HOURS: number;
  STAFF_JWT_ISSUER?: string;
  STAFF_JWT_AUDIENCE?: string;
}): StaffTokenRules {
  return {
    maxHours: config.STAFF_TOKEN_MAX_HOURS,
    ...(config.STAFF_JWT_ISSUER ? { issuer: config.STAFF_JWT_ISSUER } : {}),
    ...(config.STAFF_JWT_AUDIENCE ? { audience: config.STAFF_JWT_AUDIENCE } : {}),
  };
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Verifies a staff JWT (SPEC §4.8): the algorithm must be the configured one and the key of its kind
 * (no "none", no switching HS/RS); `iat` and `exp` required, `exp` in the future and at most
 * `rules.maxHours` after `iat`, `iat` not in the future, `nbf` honoured, each with 30 s of leeway;
 * `iss`/`aud` when configured; `sub` a string that is not reserved; `roles` ⊆ the four staff roles.
 */
export function verifyStaffToken(
  token: string,
  key: StaffTokenKey,
  rules: StaffTokenRules,
  nowSeconds = Math.floor(Date.now() / 1000),
): StaffPrincipal {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('malformed token');
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string; typ?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(fromB64url(h).toString('utf8'));
    payload = JSON.parse(fromB64url(p).toString('utf8'));
  } catch {
    throw new TokenError('malformed token');
  }
  if (header === null || typeof header !== 'object' || payload === null || typeof payload !== 'object')
    throw new TokenError('malformed token');
  if (header.alg !== key.alg) throw new TokenError(`token algorithm must be ${key.alg}`);
  const signed = `${h}.${p}`;
  const signature = fromB64url(s);
  const valid =
    key.alg === 'HS256'
      ? (() => {
          const expected = createHmac('sha256', key.secret).update(signed).digest();
          return expected.length === signature.length && timingSafeEqual(expected, signature);
        })()
      : key.publicKey.asymmetricKeyType === 'rsa' &&
        createVerify('RSA-SHA256').update(signed).verify(key.publicKey, signature);
  if (!valid) throw new TokenError('bad token signature');
  const { exp, iat, nbf } = payload;
  if (!isTime(exp)) throw new TokenError('token has no exp');
  if (!isTime(iat)) throw new TokenError('token has no iat');
  if (exp <= nowSeconds - TOKEN_LEEWAY_SECONDS) throw new TokenError('token expired');
  if (iat > nowSeconds + TOKEN_LEEWAY_SECONDS) throw new TokenError('token issued in the future (iat)');
  if (exp - iat > rules.maxHours * 3600)
    throw new TokenError(`token lifetime (exp - iat) exceeds STAFF_TOKEN_MAX_HOURS (${rules.maxHours} h)`);
  if (nbf !== undefined && (!isTime(nbf) || nbf > nowSeconds + TOKEN_LEEWAY_SECONDS))
    throw new TokenError('token not yet valid (nbf)');
  if (rules.issuer !== undefined && payload.iss !== rules.issuer)
    throw new TokenError(`token issuer (iss) must be ${rules.issuer}`);
  if (rules.audience !== undefined) {
    const aud = payload.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(rules.audience))
      throw new TokenError(`token audience (aud) must include ${rules.audience}`);
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new TokenError('token has no sub');
  const reserved = reservedSubjectReason(payload.sub);
  if (reserved) throw new TokenError(`token subject refused: ${reserved}`);
  const roles = payload.roles;
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((r) => (STAFF_ROLES as readonly unknown[]).includes(r))
  ) {
    throw new TokenError(`token roles must be a non-empty subset of ${STAFF_ROLES.join(', ')}`);
  }
  let regions: StaffRegions;
  try {
    regions = staffTokenRegions(payload.regions);
  } catch (error) {
    throw error instanceof RegionsClaimError ? new TokenError(error.message) : error;
  }
  return {
    sub: payload.sub,
    roles: roles as StaffRole[],
    exp,
    regions,
    ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
  };
}

/**
 * Signs an HS256 token (CLI token:issue, tests). It checks nothing: StaffTokenIssuer checks and audits
 * what the CLI issues. Production tokens come from the identity provider.
 */
export function issueStaffToken(
  secret: string,
  claims: {
    sub: string;
    roles: StaffRole[];
    name?: string;
    iss?: string;
    aud?: string;
    jti?: string;
    regions?: string[];
  },
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ ...claims, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
