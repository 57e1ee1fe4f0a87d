import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

/**
 * The README's run command (`npm run up` = scripts/up.sh) against this run's services: it must leave the
 * console and the public page reachable, with simulated data, and hand out a token per role.
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
    up = spawn('bash', ['scripts/up.sh'], {
      env: {
        ...process.env,
        ...s.env({
          INGEST_PORT: String(ports.ingest),
          GATE_PORT: String(ports.gate),
          STAFF_PORT: String(ports.staff),
          UP_SKIP_BUILD: '1',
          UP_RUN_DIR: runDir,
        }),
      },
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

  it('fills them with simulated data: listings to review and published postings', async () => {
    const officer = readFileSync(join(runDir, 'tokens.txt'), 'utf8').split('\n')[0]!.trim().split(/\s+/).pop()!;
    const listed = await eventually(
      async () => {
        const res = await fetch(`${staff()}/v1/listings?status=LISTED&pageSize=1`, {
          headers: { authorization: `Bearer ${officer}` },
        });
        const body = (await res.json()) as { total: number };
        return res.ok && body.total > 0 ? body.total : undefined;
      },
      { timeoutMs: 120000, what: 'listings from the simulated history' },
    );
    expect(listed).toBeGreaterThan(0);
    const postings = await eventually(
      async () => {
        const body = (await (await fetch(`${staff()}/v1/public/postings`)).json()) as { items: unknown[] };
        return body.items.length >= 3 ? body.items : undefined;
      },
      { timeoutMs: 180000, what: 'the demo publications on the public page' },
    );
    expect(postings).toHaveLength(3);
  });
});
