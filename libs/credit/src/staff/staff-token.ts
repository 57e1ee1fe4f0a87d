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

export function staffTokenKey(config: {
  STAFF_JWT_SECRET?: string;
  STAFF_JWT_PUBLIC_KEY?: string;
}): StaffTokenKey | null {
  if (config.STAFF_JWT_PUBLIC_KEY) return { alg: 'RS256', publicKey: createPublicKey(config.STAFF_JWT_PUBLIC_KEY) };
  if (config.STAFF_JWT_SECRET) return { alg: 'HS256', secret: config.STAFF_JWT_SECRET };
  return null;
}

/**
 * Verifies a staff JWT (SPEC §4.8): the algorithm must be the configured one (no "none", no switching
 * HS/RS), `exp` is required and in the future, `sub` is a string, `roles` ⊆ the four staff roles.
 */
export function verifyStaffToken(
  token: string,
  key: StaffTokenKey,
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
  if (header.alg !== key.alg) throw new TokenError(`token algorithm must be ${key.alg}`);
  const signed = `${h}.${p}`;
  const signature = fromB64url(s);
  const valid =
    key.alg === 'HS256'
      ? (() => {
          const expected = createHmac('sha256', key.secret).update(signed).digest();
          return expected.length === signature.length && timingSafeEqual(expected, signature);
        })()
      : createVerify('RSA-SHA256').update(signed).verify(key.publicKey, signature);
  if (!valid) throw new TokenError('bad token signature');
  if (typeof payload.exp !== 'number') throw new TokenError('token has no exp');
  if (payload.exp <= nowSeconds) throw new TokenError('token expired');
  if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds) throw new TokenError('token not yet valid');
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new TokenError('token has no sub');
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
    exp: payload.exp,
    regions,
    ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
  };
}

/** Issues an HS256 development token (CLI token:issue). Production tokens come from the identity provider. */
export function issueStaffToken(
  secret: string,
  claims: { sub: string; roles: StaffRole[]; name?: string; regions?: string[] },
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ ...claims, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
