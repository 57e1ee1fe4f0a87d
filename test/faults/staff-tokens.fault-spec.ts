import { issueStaffToken } from '@oc/credit';
import { RunningApp, runToExit } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';

/**
 * Staff tokens mean what they say (SPEC §4.8, issue 14): a long-lived token, a token of a reserved
 * subject and the published development secret are refused by the running staff-api; the CLI's
 * token:issue caps the lifetime and writes its audit entry.
 */
const SECRET = 'staff-tokens-fault-secret-0123456789abcdef';
/** The value README.md, scripts/up.sh and docker/compose.yaml publish (written out: it is what they say). */
const PUBLISHED_DEVELOPMENT_SECRET = 'development-only-secret-change-me-please';

describe('faults: staff tokens (running staff-api and the CLI)', () => {
  let s: Scenario;
  let staff: RunningApp;
  const me = async (token: string) => {
    const res = await fetch(`${staff.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    s = await Scenario.create('stafftokens', { stations: [] });
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
  });
  afterAll(() => s?.close());

  it('a token valid for ten years → 401; one within STAFF_TOKEN_MAX_HOURS → 200', async () => {
    expect((await me(issueStaffToken(SECRET, { sub: 'officer-a', roles: ['OFFICER'] }, 12 * 3600))).status).toBe(200);
    const tenYears = issueStaffToken(SECRET, { sub: 'officer-a', roles: ['ADMIN'] }, 10 * 365 * 86400);
    expect(await me(tenYears)).toEqual({
      status: 401,
      body: {
        error: {
          code: 'UNAUTHORIZED',
          message: 'token lifetime (exp - iat) exceeds STAFF_TOKEN_MAX_HOURS (12 h)',
        },
      },
    });
  });

  it('a token of subject system (or cli:*, or a station id) → 401', async () => {
    for (const sub of ['system', 'cli:root', '330500001']) {
      const res = await me(issueStaffToken(SECRET, { sub, roles: ['ADMIN'] }, 600));
      expect({ sub, status: res.status, code: res.body.error?.code }).toEqual({
        sub,
        status: 401,
        code: 'UNAUTHORIZED',
      });
      expect(res.body.error?.message).toMatch(/^token subject refused: /);
    }
  });

  it('the published development secret stops staff-api and the CLI unless NODE_ENV=development', async () => {
    for (const NODE_ENV of [undefined, 'production']) {
      const env = s.env({ STAFF_JWT_SECRET: PUBLISHED_DEVELOPMENT_SECRET, ...(NODE_ENV ? { NODE_ENV } : {}) });
      const { code, output } = await runToExit('staff-api', env);
      expect({ NODE_ENV, code }).toEqual({ NODE_ENV, code: 78 });
      expect(output).toContain('STAFF_JWT_SECRET is the development secret published in README.md');
      const cli = await runCli(['token:issue', '--sub', 'officer-a', '--roles', 'OFFICER'], env);
      expect({ NODE_ENV, code: cli.code, stdout: cli.stdout }).toEqual({ NODE_ENV, code: 78, stdout: '' });
    }
    // On a laptop (npm run up) it works, and only there.
    const laptop = await s.startApp('staff-api', {
      STAFF_JWT_SECRET: PUBLISHED_DEVELOPMENT_SECRET,
      NODE_ENV: 'development',
    });
    const dev = issueStaffToken(PUBLISHED_DEVELOPMENT_SECRET, { sub: 'officer-a', roles: ['OFFICER'] }, 600);
    const res = await fetch(`${laptop.url}/v1/me`, { headers: { authorization: `Bearer ${dev}` } });
    expect(res.status).toBe(200);
    // The production staff-api of this test does not take it either (another secret, of course).
    expect((await me(dev)).status).toBe(401);
  });

  it('token:issue caps the lifetime and writes an audit entry without the token', async () => {
    const auditOf = (sub: string) =>
      s.query<{ actor: string; action: string; entity_type: string; after: Record<string, unknown> }>(
        `SELECT actor, action, entity_type, after FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
        [sub],
      );
    const env = s.env({ STAFF_JWT_SECRET: SECRET });
    const tooLong = await runCli(['token:issue', '--sub', 'officer-x', '--roles', 'OFFICER', '--ttl', '43201'], env);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('--ttl must be from 1 to 43200 seconds (STAFF_TOKEN_MAX_HOURS=12), not 43201');
    const reserved = await runCli(['token:issue', '--sub', 'system', '--roles', 'ADMIN'], env);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain('--sub: the subject "system" is reserved');
    expect(await auditOf('officer-x')).toEqual([]);
    expect(await auditOf('system')).toEqual([]);

    const issued = await runCli(
      ['token:issue', '--sub', 'officer-x', '--roles', 'officer,ADMIN', '--name', '王执法', '--ttl', '3600'],
      env,
    );
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect((await me(token)).status).toBe(200);
    const [entry, ...more] = await auditOf('officer-x');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      action: 'STAFF_TOKEN_ISSUED',
      entity_type: 'staff',
      after: { roles: ['OFFICER', 'ADMIN'], name: '王执法', lifetimeSeconds: 3600, tokenId: expect.any(String) },
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, number>;
    expect(entry!.after).toMatchObject({
      issuedAt: new Date(claims.iat! * 1000).toISOString(),
      expiresAt: new Date(claims.exp! * 1000).toISOString(),
      tokenId: claims.jti,
    });
    // Neither the token nor its signature is anywhere in the audit log.
    const [{ n }] = await s.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE audit_log::text LIKE '%' || $1 || '%'`,
      [token.split('.')[2]!],
    );
    expect(n).toBe(0);
  });
});
