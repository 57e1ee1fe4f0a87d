import { generateKeyPairSync, createSign, createHmac } from 'node:crypto';
import {
  issueStaffToken,
  reservedSubjectReason,
  StaffTokenRules,
  staffTokenKey,
  TokenError,
  verifyStaffToken,
} from './staff-token';

const secret = 'a-development-secret-of-32-chars-at-least';
const key = staffTokenKey({ STAFF_JWT_SECRET: secret })!;
const rules: StaffTokenRules = { maxHours: 12 };
const now = 1_800_000_000;
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An HS256 token of exactly these claims (issueStaffToken always sets iat and exp). */
const signed = (claims: Record<string, unknown>, alg = 'HS256', hmacKey: string | Buffer = secret): string => {
  const body = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', hmacKey).update(body).digest('base64url')}`;
};
const officer = { sub: 'officer-a', roles: ['OFFICER'] };

describe('staff tokens (SPEC §4.8)', () => {
  it('accepts a valid HS256 token and returns the principal', () => {
    const token = issueStaffToken(secret, { sub: 'officer-a', roles: ['OFFICER'] }, 3600, now);
    expect(verifyStaffToken(token, key, rules, now)).toMatchObject({ sub: 'officer-a', roles: ['OFFICER'] });
  });

  it.each([
    ['expired beyond the leeway', issueStaffToken(secret, { sub: 'a', roles: ['OFFICER'] }, -31, now), 'token expired'],
    [
      'signed with another secret',
      issueStaffToken('another-secret-another-secret-xxxxx', { sub: 'a', roles: ['OFFICER'] }, 60, now),
      'bad token signature',
    ],
    ['garbage', 'not.a.token', 'malformed token'],
    ['whose header is not an object', signed(officer).replace(/^[^.]+/, b64(null)), 'malformed token'],
    [
      'with an unknown role',
      issueStaffToken(secret, { sub: 'a', roles: ['GOD' as never] }, 60, now),
      'roles must be a non-empty subset',
    ],
    ['without any role', issueStaffToken(secret, { sub: 'a', roles: [] }, 60, now), 'roles must be a non-empty subset'],
    // The ten-year token of issue 14.
    [
      'valid for ten years',
      issueStaffToken(secret, { sub: 'a', roles: ['ADMIN'] }, 10 * 365 * 86400, now),
      'token lifetime (exp - iat) exceeds STAFF_TOKEN_MAX_HOURS (12 h)',
    ],
    [
      'one second longer than 12 hours',
      issueStaffToken(secret, { sub: 'a', roles: ['ADMIN'] }, 12 * 3600 + 1, now),
      'exceeds STAFF_TOKEN_MAX_HOURS',
    ],
    ['without iat', signed({ ...officer, exp: now + 60 }), 'token has no iat'],
    ['without exp', signed({ ...officer, iat: now }), 'token has no exp'],
    ['with a string exp', signed({ ...officer, iat: now, exp: String(now + 60) }), 'token has no exp'],
    ['issued in the future', signed({ ...officer, iat: now + 31, exp: now + 600 }), 'token issued in the future'],
    ['not valid before later (nbf)', signed({ ...officer, iat: now, nbf: now + 31, exp: now + 600 }), 'nbf'],
    ['with a string nbf', signed({ ...officer, iat: now, nbf: 'now', exp: now + 600 }), 'nbf'],
    [
      'of subject system',
      issueStaffToken(secret, { sub: 'system', roles: ['ADMIN'] }, 60, now),
      '"system" is reserved',
    ],
    ['of subject SYSTEM', issueStaffToken(secret, { sub: ' SYSTEM', roles: ['ADMIN'] }, 60, now), 'reserved'],
    ['of subject cli:root', issueStaffToken(secret, { sub: 'cli:root', roles: ['ADMIN'] }, 60, now), 'cli:*'],
    ['of a station id', issueStaffToken(secret, { sub: '330500001', roles: ['ADMIN'] }, 60, now), 'stations'],
    ['of a control character', issueStaffToken(secret, { sub: 'a\nb', roles: ['ADMIN'] }, 60, now), 'control'],
  ])('refuses a token %s', (_name, token, message) => {
    expect(() => verifyStaffToken(token, key, rules, now)).toThrow(TokenError);
    expect(() => verifyStaffToken(token, key, rules, now)).toThrow(message);
  });

  it('allows 30 s of clock skew on exp, iat and nbf, not more', () => {
    const at = (claims: Record<string, unknown>) => () =>
      verifyStaffToken(signed({ ...officer, ...claims }), key, rules, now);
    expect(at({ iat: now - 600, exp: now - 29 })).not.toThrow();
    expect(at({ iat: now - 600, exp: now - 30 })).toThrow('token expired');
    expect(at({ iat: now + 30, exp: now + 600 })).not.toThrow();
    expect(at({ iat: now, nbf: now + 30, exp: now + 600 })).not.toThrow();
    expect(at({ iat: now, exp: now + 12 * 3600 })).not.toThrow();
    expect(() =>
      verifyStaffToken(signed({ ...officer, iat: now, exp: now + 5 * 3600 }), key, { maxHours: 4 }, now),
    ).toThrow('STAFF_TOKEN_MAX_HOURS (4 h)');
  });

  it('checks iss and aud when they are configured, and only then', () => {
    const strict = { maxHours: 12, issuer: 'https://idp.example/zc', audience: 'overload-credit-staff' };
    const claims = { ...officer, iat: now, exp: now + 60 };
    expect(() => verifyStaffToken(signed(claims), key, strict, now)).toThrow(
      'token issuer (iss) must be https://idp.example/zc',
    );
    expect(() => verifyStaffToken(signed({ ...claims, iss: 'https://idp.example/zc' }), key, strict, now)).toThrow(
      'token audience (aud) must include overload-credit-staff',
    );
    for (const aud of ['overload-credit-staff', ['other', 'overload-credit-staff']])
      expect(verifyStaffToken(signed({ ...claims, iss: strict.issuer, aud }), key, strict, now).sub).toBe('officer-a');
    expect(() => verifyStaffToken(signed({ ...claims, iss: strict.issuer, aud: 'other' }), key, strict, now)).toThrow(
      'aud',
    );
    expect(verifyStaffToken(signed({ ...claims, iss: 'anyone', aud: 'any' }), key, rules, now).sub).toBe('officer-a');
  });

  it('names the reserved subjects: the audit actors of the service, of operator commands and of stations', () => {
    expect(reservedSubjectReason('officer-a')).toBeNull();
    expect(reservedSubjectReason('zhang.san@jtt.zj.gov.cn')).toBeNull();
    expect(reservedSubjectReason('12345')).toBeNull();
    for (const sub of ['system', 'System', 'cli:ops', 'CLI:ops', '330521001', '330500001-lane3', 'x'.repeat(129)])
      expect(reservedSubjectReason(sub)).not.toBeNull();
  });

  it('refuses a token without exp and an unsigned ("none") token', () => {
    const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ sub: 'a', roles: ['ADMIN'] })).toString('base64url');
    expect(() => verifyStaffToken(`${h}.${p}.`, key, rules, now)).toThrow('token algorithm must be HS256');
  });

  it('verifies RS256 with the configured public key and refuses HS256 then, even signed with the public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rs = staffTokenKey({ STAFF_JWT_PUBLIC_KEY: publicPem })!;
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
    const p = b64({ sub: 'reviewer-b', roles: ['LEGAL_REVIEWER'], iat: now, exp: now + 60 });
    const sig = createSign('RSA-SHA256').update(`${h}.${p}`).sign(privateKey).toString('base64url');
    expect(verifyStaffToken(`${h}.${p}.${sig}`, rs, rules, now)).toMatchObject({
      sub: 'reviewer-b',
      roles: ['LEGAL_REVIEWER'],
    });
    expect(() =>
      verifyStaffToken(issueStaffToken(secret, { sub: 'x', roles: ['ADMIN'] }, 60, now), rs, rules, now),
    ).toThrow('token algorithm must be RS256');
    // Algorithm confusion: an HS256 token whose HMAC key is the (public) PEM itself.
    expect(() =>
      verifyStaffToken(signed({ ...officer, iat: now, exp: now + 60 }, 'HS256', publicPem), rs, rules, now),
    ).toThrow('token algorithm must be RS256');
    // An RS256 header against the HS256 secret.
    expect(() => verifyStaffToken(`${h}.${p}.${sig}`, key, rules, now)).toThrow('token algorithm must be HS256');
  });

  it('refuses to build an RS256 key from a public key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => staffTokenKey({ STAFF_JWT_PUBLIC_KEY: ec.toString() })).toThrow('RS256 needs an RSA public key');
  });
});
