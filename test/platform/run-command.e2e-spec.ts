import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually, testServices } from '../harness/services';

/**
 * The README's run command (`npm run up` = scripts/up.sh) against this run's services: it must leave the
 * console and the public page reachable, with simulated data and the demo of due process
 * (scripts/demo-due-process.js), and hand out a token per role.
 */
describe('npm run up (scripts/up.sh)', () => {
  let s: Scenario;
  let up: ChildProcess;
  let output = '';
  let runDir: string;
  const ports = { ingest: 0, gate: 0, staff: 0 };

  beforeAll(async () => {
    s = await Scenario.create('up');
    runDir = mkdtempSync(join(tmpdir(), 'oc-up-'));
    ports.ingest = await freePort();
    ports.gate = await freePort();
    ports.staff = await freePort();
    // What `npm run up` runs by default: the configuration's notice period (5 working days), not the
    // immediate effect the other suites run with (test/harness/services.ts).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...s.env({
        INGEST_PORT: String(ports.ingest),
        GATE_PORT: String(ports.gate),
        STAFF_PORT: String(ports.staff),
        UP_SKIP_BUILD: '1',
        UP_RUN_DIR: runDir,
      }),
    };
    delete env.NOTICE_PERIOD_WORKING_DAYS;
    // As a newcomer runs it: no Kafka login given, so the script logs in with the broker's principals file.
    delete env.KAFKA_SASL_USERNAME;
    delete env.KAFKA_SASL_PASSWORD;
    env.KAFKA_PRINCIPALS_FILE = testServices().kafkaPrincipalsFile;
    up = spawn('bash', ['scripts/up.sh'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    up.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  });

  afterAll(async () => {
    if (up.exitCode === null && up.pid) {
      const exited = new Promise((resolve) => up.once('exit', resolve));
      process.kill(-up.pid, 'SIGINT');
      await exited;
    }
    rmSync(runDir, { recursive: true, force: true });
    await s.close();
  });

  const staff = () => `http://127.0.0.1:${ports.staff}`;

  it('prints where the console and the public page are, and a development token per role', async () => {
    await eventually(async () => output.includes('sign in to the console'), {
      timeoutMs: 120000,
      what: 'up.sh to announce the console',
    }).catch((error: Error) => {
      throw new Error(`${error.message}; up.sh printed:\n${output.slice(-3000)}`);
    });
    expect(output).toContain(`${staff()}/console/`);
    expect(output).toContain(`${staff()}/postings/`);
    const roles = readFileSync(join(runDir, 'tokens.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(roles).toEqual(['OFFICER', 'LEGAL_REVIEWER', 'REPAIR_REVIEWER', 'ADMIN']);
  });

  it('serves the console and the public page', async () => {
    for (const page of ['/console/', '/postings/']) {
      const res = await fetch(`${staff()}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('fills them with the demo of due process: listings in effect (three published), pending ones, one objection', async () => {
    const officer = readFileSync(join(runDir, 'tokens.txt'), 'utf8').split('\n')[0]!.trim().split(/\s+/).pop()!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
    const get = async (path: string): Promise<any> => {
      const res = await fetch(`${staff()}${path}`, { headers: { authorization: `Bearer ${officer}` } });
      expect(res.status).toBe(200);
      return res.json();
    };
    // Publication is the demo's last step.
    const postings = await eventually(
      async () => {
        const body = (await (await fetch(`${staff()}/v1/public/postings`)).json()) as { items: unknown[] };
        return body.items.length >= 3 ? body.items : undefined;
      },
      { timeoutMs: 240000, intervalMs: 1000, what: 'the demo publications on the public page' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; up.sh printed:\n${output.replace(/^劝返.*\n/gm, '').slice(-3000)}`);
    });
    expect(postings).toHaveLength(3);

    // In effect under the default notice period: each from the end of a period that its notice's service
    // (the demo history, ~12 days back) started, never from a status written by the demo.
    const published = (await get('/v1/listings?status=PUBLISHED&pageSize=10')).items;
    const listed = (await get('/v1/listings?status=LISTED&pageSize=10')).items;
    expect(published).toHaveLength(3);
    expect(listed).toHaveLength(2);
    const now = Date.now();
    for (const listing of [...published, ...listed]) {
      const notice = await get(`/v1/notices/${listing.noticeId}`);
      expect(notice).toMatchObject({ status: 'SERVED', periodEndsAt: listing.effectiveAt });
      expect(notice.document.period.workingDays).toBe(5);
      expect(Date.parse(notice.issuedAt)).toBeLessThanOrEqual(Date.parse(notice.servedAt));
      expect(notice.document.issuedAt).toBe(notice.issuedAt);
      expect(now - Date.parse(notice.servedAt)).toBeGreaterThan(9 * 86_400_000);
      expect(Date.parse(listing.effectiveAt)).toBeLessThan(now);
    }
    // The gate turns them back: up.sh prints each turn-back of the live traffic.
    const plates = [...published, ...listed].map((l: { plate: string }) => l.plate);
    await eventually(async () => plates.some((plate) => output.includes(`1:${plate} DISHONESTY_LIST`)), {
      timeoutMs: 60000,
      what: `a DISHONESTY_LIST turn-back of ${plates.join(', ')}`,
    });

    // Still pending: notices served now (their period runs) and unserved ones; one objection holds one.
    const served = (await get('/v1/notices?status=SERVED&pageSize=50')).items.filter(
      (n: { listingStatus: string }) => n.listingStatus === 'PENDING',
    );
    expect(served).toHaveLength(3);
    for (const notice of served) expect(Date.parse(notice.periodEndsAt)).toBeGreaterThan(now);
    expect((await get('/v1/notices?status=ISSUED&pageSize=1')).total).toBeGreaterThan(0);
    const objections = await get('/v1/objections?status=PENDING');
    expect(objections.total).toBe(1);
    expect(objections.items[0]).toMatchObject({ target: { type: 'LISTING' } });
    expect(served.map((n: { listingId: string }) => n.listingId)).toContain(objections.items[0].listingId);
    expect((await get(`/v1/listings/${objections.items[0].listingId}`)).status).toBe('PENDING');
  }, 360000);
});
