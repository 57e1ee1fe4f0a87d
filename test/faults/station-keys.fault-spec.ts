import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { TcpProxy } from '../harness/tcp-proxy';

/**
 * Station keys at the gate (SPEC §4.8, issue 14): a malformed or wrong key costs no database query,
 * repeated failures from one address are throttled with 429 while a real key keeps working, and a key
 * that cannot be checked gets GATE_FAILURE_MODE's answer. Postgres is reached through a proxy that
 * counts the statements about station keys the gate sends (node-postgres sends a statement's text with
 * every execution), so "no query" is what Postgres itself would have seen.
 */
interface Reply {
  status: number;
  retryAfter?: string;
  body: { decision?: string; reasons?: string[]; source?: string; error?: { code: string; message: string } };
}

/** One keep-alive agent per client address: Linux routes all of 127.0.0.0/8 to the loopback. */
const agents = new Map<string, Agent>();
function ask(gate: RunningApp, bearer: string, from: string, cargo = 'LADEN'): Promise<Reply> {
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new Agent({ keepAlive: true, maxSockets: 4 })));
  const path = `/v1/gate/decision?plate=${encodeURIComponent('浙E61234')}&plateColor=1&cargo=${cargo}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gate.port,
        path,
        agent,
        localAddress: from,
        headers: { authorization: `Bearer ${bearer}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
            body: JSON.parse(text) as Reply['body'],
          });
        });
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('the gate did not answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

const wellFormedKey = (): string => `ocst_${randomBytes(24).toString('base64url')}`;

async function metric(gate: RunningApp, result: string): Promise<number> {
  const text = await (await fetch(`${gate.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gate_station_auth_total{result="${result}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('faults: station keys at the gate (running gate-api, Postgres behind a counting proxy)', () => {
  let s: Scenario;
  let pgProxy: TcpProxy;
  let gate: RunningApp;
  let realKey: string;
  let lookups: () => number;
  let keyStatements: () => number;

  const viaProxy = (): string => {
    const url = new URL(s.databaseUrl);
    url.host = `127.0.0.1:${pgProxy.port}`;
    return url.toString();
  };

  beforeAll(async () => {
    s = await Scenario.create('stationkeys');
    pgProxy = await TcpProxy.start('127.0.0.1', Number(new URL(s.databaseUrl).port || 5432));
    lookups = pgProxy.countClientSends('FROM stations WHERE key_hash = $1');
    keyStatements = pgProxy.countClientSends('FROM stations WHERE key_hash');
    const issued = await runCli(['station:add', '330500061'], s.env());
    expect(issued.code).toBe(0);
    realKey = issued.stdout.trim();
    gate = await s.startApp('gate-api', { DATABASE_URL: viaProxy() });
  });
  afterAll(async () => {
    for (const agent of agents.values()) agent.destroy();
    await s?.close();
    await pgProxy?.cut();
  });

  it('the key issued before the start is loaded with the others: its first request costs no lookup', async () => {
    expect((await ask(gate, realKey, '127.0.0.1')).status).toBe(200);
    expect(keyStatements()).toBeGreaterThan(0); // the load at start went through the proxy
    expect(lookups()).toBe(0);
    expect(await metric(gate, 'cache')).toBe(1);
  });

  it('a malformed key → 401 naming the format, before any lookup', async () => {
    const before = { lookups: lookups(), statements: keyStatements() };
    for (const bad of ['ocst_wrong', "ocst_'OR'1'='1", `${realKey}A`, realKey.slice(0, -1), 'x'.repeat(2000)]) {
      const reply = await ask(gate, bad, '127.0.0.3');
      expect({ bad: bad.slice(0, 40), status: reply.status, body: reply.body }).toEqual({
        bad: bad.slice(0, 40),
        status: 401,
        body: {
          error: {
            code: 'UNAUTHORIZED',
            message: 'The station key is not of the issued format (ocst_ and 32 characters)',
          },
        },
      });
    }
    expect(lookups()).toBe(before.lookups);
    expect(await metric(gate, 'malformed')).toBe(5);
  });

  it('600 random well-formed wrong keys from one address: 429 after 20, no lookup at all, and a real key keeps working', async () => {
    const before = { lookups: lookups(), statements: keyStatements() };
    const started = Date.now();
    const statuses: Record<number, number> = {};
    const real: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 600; i++) {
      const reply = await ask(gate, wellFormedKey(), '127.0.0.2');
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      if (reply.status === 429) {
        retryAfter ??= reply.retryAfter;
        expect(reply.body.error?.code).toBe('TOO_MANY_REQUESTS');
      }
      if (i % 10 === 0) real.push((await ask(gate, realKey, '127.0.0.2')).status);
    }
    const seconds = (Date.now() - started) / 1000;
    expect(statuses).toEqual({ 401: 20, 429: 580 });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(real).toEqual(Array(60).fill(200));
    // Postgres saw no lookup of any of the 600 keys; only the gate's periodic reloads of every active
    // key (GATE_KEY_REFRESH_SECONDS=10) touched the keys meanwhile.
    expect(lookups()).toBe(before.lookups);
    expect(keyStatements() - before.statements).toBeLessThanOrEqual(Math.ceil(seconds / 10) + 1);
    expect(await metric(gate, 'throttled')).toBe(580);
    // Another address is not throttled by this one's failures.
    expect((await ask(gate, wellFormedKey(), '127.0.0.4')).status).toBe(401);
    console.log(`600 wrong keys in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)}`);
  });

  it('a new key works and a revoked key is refused within a second of the command (NOTIFY), with no lookup', async () => {
    const issued = await runCli(['station:add', '330500062'], s.env());
    expect(issued.stderr).toContain('Every gate-api accepts it within a second');
    const otherKey = issued.stdout.trim();
    const before = lookups();
    let since = Date.now();
    await eventually(async () => (await ask(gate, otherKey, '127.0.0.5')).status === 200, {
      what: 'the new key to be accepted',
      timeoutMs: 1000,
      intervalMs: 50,
    });
    const revoked = await runCli(['station:revoke', '330500062'], s.env());
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain('at the latest after GATE_KEY_REFRESH_SECONDS=10 s');
    since = Date.now();
    await eventually(async () => (await ask(gate, otherKey, '127.0.0.5')).status === 401, {
      what: 'the revoked key to be refused',
      timeoutMs: 1000,
      intervalMs: 50,
    });
    expect(Date.now() - since).toBeLessThan(1000);
    expect(lookups()).toBe(before);
  });

  it.each([
    ['closed', { decision: 'TURN_BACK', reasons: ['FAIL_CLOSED'], source: 'fail-closed' }],
    ['open', { decision: 'ALLOW', reasons: [], source: 'fail-open' }],
  ] as const)(
    'a key that cannot be checked (Postgres away since the start) gets GATE_FAILURE_MODE=%s',
    async (mode, expected) => {
      await pgProxy.cut();
      const blind = await s.startApp('gate-api', { DATABASE_URL: viaProxy(), GATE_FAILURE_MODE: mode });
      try {
        expect((await ask(blind, realKey, '127.0.0.6')).body).toEqual({
          ...expected,
          listing: null,
          overKg: null,
          decidedAt: expect.any(String),
        });
        expect((await ask(blind, realKey, '127.0.0.6', 'EMPTY')).body).toMatchObject({
          decision: 'ALLOW',
          source: `fail-${mode}`,
        });
        expect((await ask(blind, 'ocst_short', '127.0.0.6')).status).toBe(401);
        await pgProxy.restore();
        await eventually(
          async () => {
            const reply = await ask(blind, realKey, '127.0.0.6');
            return reply.status === 200 && !reply.body.source!.startsWith('fail-');
          },
          {
            what: 'the keys to be loaded once Postgres is back',
            timeoutMs: 15000,
            intervalMs: 250,
          },
        );
      } finally {
        await pgProxy.restore();
        await blind.stop();
      }
    },
  );
});
