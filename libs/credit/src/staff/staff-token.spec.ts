import { generateKeyPairSync, createSign } from 'node:crypto';
import { issueStaffToken, staffTokenKey, TokenError, verifyStaffToken } from './staff-token';

const secret = 'a-development-secret-of-32-chars-at-least';
const key = staffTokenKey({ STAFF_JWT_SECRET: secret })!;

describe('staff tokens (SPEC §4.8)', () => {
  it('accepts a valid HS256 token and returns the principal', () => {
    const token = issueStaffToken(secret, { sub: 'officer-a', roles: ['OFFICER'] }, 3600);
    expect(verifyStaffToken(token, key)).toMatchObject({ sub: 'officer-a', roles: ['OFFICER'] });
  });

  it.each([
    ['expired', issueStaffToken(secret, { sub: 'a', roles: ['OFFICER'] }, -1), 'token expired'],
    [
      'signed with another secret',
      issueStaffToken('another-secret-another-secret-xxxxx', { sub: 'a', roles: ['OFFICER'] }, 60),
      'bad token signature',
    ],
    ['garbage', 'not.a.token', 'malformed token'],
    [
      'with an unknown role',
      issueStaffToken(secret, { sub: 'a', roles: ['GOD' as never] }, 60),
      'roles must be a non-empty subset',
    ],
    ['without any role', issueStaffToken(secret, { sub: 'a', roles: [] }, 60), 'roles must be a non-empty subset'],
  ])('refuses a token %s', (_name, token, message) => {
    expect(() => verifyStaffToken(token, key)).toThrow(TokenError);
    expect(() => verifyStaffToken(token, key)).toThrow(message);
  });

  it('refuses a token without exp and an unsigned ("none") token', () => {
    const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ sub: 'a', roles: ['ADMIN'] })).toString('base64url');
    expect(() => verifyStaffToken(`${h}.${p}.`, key)).toThrow('token algorithm must be HS256');
  });

  it('verifies RS256 with the configured public key and refuses HS256 then', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = staffTokenKey({ STAFF_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() })!;
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
    const p = Buffer.from(
      JSON.stringify({ sub: 'reviewer-b', roles: ['LEGAL_REVIEWER'], exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    const sig = createSign('RSA-SHA256').update(`${h}.${p}`).sign(privateKey).toString('base64url');
    expect(verifyStaffToken(`${h}.${p}.${sig}`, rs)).toMatchObject({ sub: 'reviewer-b', roles: ['LEGAL_REVIEWER'] });
    expect(() => verifyStaffToken(issueStaffToken(secret, { sub: 'x', roles: ['ADMIN'] }, 60), rs)).toThrow(
      'token algorithm must be RS256',
    );
  });
});
