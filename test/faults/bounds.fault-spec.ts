import { connect } from 'node:net';
import Redis from 'ioredis';
import { issueStaffToken } from '@oc/credit';
import { runToExit } from '../harness/app-process';
import { OwnRedis } from '../harness/redis-server';
import { violationEvent } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { startEvidenceServer } from '../browser/support/evidence-server';

/**
 * Issue 14, timeouts and bounds (docs/security.md): a slow sender holds no socket, a deep page no
 * query, a forged X-Forwarded-For no escape from the public rate limit, readiness tells its details
 * only to the operators' addresses, and the turn-back cache never runs on a Redis that evicts keys.
 */
const SECRET = 'bounds-fault-secret-0123456789abcdef0123';

/** Opens a socket, sends the start of a request and never its end; resolves with what the server did. */
function slowRequest(port: number, path: string, waitMs: number): Promise<{ closedAfterMs?: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer });
    }, waitMs);
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
  });
}

describe('faults: timeouts and bounds at the HTTP boundary, and an evicting Redis', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await Scenario.create('bounds');
  }, 60000);
  afterAll(async () => {
    await s?.close();
  });

  it('closes a request that does not arrive within the app request timeout (the gate far sooner than staff)', async () => {
    const [gate, staff] = await Promise.all([
      s.startApp('gate-api', { GATE_REQUEST_TIMEOUT_MS: '500' }),
      s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, STAFF_REQUEST_TIMEOUT_MS: '1500' }),
    ]);
    // Before: no request timeout at all, the half-sent requests held their sockets for as long as the client liked.
    const [atGate, atStaff] = await Promise.all([
      slowRequest(gate.port, '/v1/gate/decision?plate=%E6%B5%99E12345&plateColor=1', 8000),
      slowRequest(staff.port, '/v1/stats', 8000),
    ]);
    expect(atGate.closedAfterMs).toBeDefined();
    expect(atGate.closedAfterMs!).toBeLessThan(3000);
    expect(atStaff.closedAfterMs).toBeDefined();
    expect(atStaff.closedAfterMs!).toBeGreaterThanOrEqual(1000);
    expect(atGate.answer).toMatch(/^HTTP\/1\.1 408/);
    await Promise.all([gate.stop(), staff.stop()]);
  });

  it('refuses a page deeper than page × pageSize 10,000 with 400 naming page', async () => {
    const staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
    const token = issueStaffToken(SECRET, { sub: 'bounds-officer', roles: ['OFFICER'] }, 600);
    const get = (query: string) =>
      fetch(`${staff.url}/v1/weighings?${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('page=200&pageSize=50')).status).toBe(200);
    const deep = await get('page=201&pageSize=50');
    expect(deep.status).toBe(400);
    const body = (await deep.json()) as { error: { code: string; details: { field: string; message: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details).toContainEqual({
      field: 'page',
      message: 'page × pageSize must be at most 10000: narrow the filters (e.g. from/to) to reach older rows',
    });
    await staff.stop();
  });

  it('counts the public rate limit by the socket address when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    const staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, TRUSTED_PROXIES: 'none' });
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) {
      const res = await fetch(`${staff.url}/v1/public/postings`, {
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      statuses.push(res.status);
    }
    // Before: X-Forwarded-For from loopback was always believed, so every forged address had its own 60.
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(10);
    await staff.stop();
  });

  it('tells readiness details only to HEALTH_DETAILS_FROM', async () => {
    const [near, far] = await Promise.all([
      s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET }),
      s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, HEALTH_DETAILS_FROM: '10.0.0.0/8' }),
    ]);
    const detailed = (await (await fetch(`${near.url}/health/ready`)).json()) as Record<string, unknown>;
    expect(Object.keys(detailed.checks as object).sort()).toEqual(['kafka', 'postgres', 'redis']);
    const bare = await fetch(`${far.url}/health/ready`);
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ status: 'ok' });
    await Promise.all([near.stop(), far.stop()]);
  });

  // Before: the console loaded each image URL a weigh event named, from whatever host it named.
  it('shows evidence images through staff-api, fetched from EVIDENCE_HOSTS only, camera formats only', async () => {
    const images = await startEvidenceServer();
    try {
      await s.startIngest();
      const message = violationEvent({
        eventId: 'bounds-evidence-1',
        plate: '浙E93101',
        measuredAt: new Date(Date.now() - 86_400_000),
      });
      const event = JSON.parse(message.value) as Record<string, unknown>;
      event.evidence = {
        imageUrls: [
          `${images.url}/evidence/bounds-1.png`,
          'http://127.0.0.1:9/evidence/elsewhere.png',
          `${images.url}/not-an-image`,
        ],
      };
      await s.produce([{ key: message.key, value: JSON.stringify(event) }]);
      await s.waitUntilConsumed(30000);
      const staff = await s.startApp('staff-api', {
        STAFF_JWT_SECRET: SECRET,
        EVIDENCE_HOSTS: new URL(images.url).host,
      });
      const token = issueStaffToken(SECRET, { sub: 'bounds-officer', roles: ['OFFICER'] }, 600);
      const get = (path: string) =>
        fetch(`${staff.url}/v1/weighings/${path}`, { headers: { authorization: `Bearer ${token}` } });
      const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

      const shown = await get('bounds-evidence-1/evidence/1');
      expect(shown.status).toBe(200);
      expect(shown.headers.get('content-type')).toBe('image/png');
      expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
      const png = Buffer.from(await shown.arrayBuffer());
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(images.requests).toEqual(['/evidence/bounds-1.png']);

      const elsewhere = await get('bounds-evidence-1/evidence/2');
      expect(elsewhere.status).toBe(403);
      expect(await code(elsewhere)).toBe('EVIDENCE_HOST_NOT_ALLOWED');
      const notImage = await get('bounds-evidence-1/evidence/3');
      expect(notImage.status).toBe(502);
      expect(await code(notImage)).toBe('EVIDENCE_UNAVAILABLE');
      expect((await get('bounds-evidence-1/evidence/4')).status).toBe(404);
      expect((await get('no-such-event/evidence/1')).status).toBe(404);
      expect((await get('bad%20id/evidence/1')).status).toBe(400);
      expect((await get('bounds-evidence-1/evidence/0')).status).toBe(400);
      expect((await fetch(`${staff.url}/v1/weighings/bounds-evidence-1/evidence/1`)).status).toBe(401);
      await staff.stop();
    } finally {
      await images.close();
    }
  });

  it('refuses to start the gate and ingest on a Redis that evicts keys', async () => {
    const redis = await OwnRedis.start();
    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'maxmemory', '64mb');
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      for (const app of ['gate-api', 'ingest'] as const) {
        const run = await runToExit(app, s.env({ REDIS_URL: redis.url }), 30000);
        expect(run.code).not.toBe(0);
        expect(run.output).toContain('maxmemory-policy allkeys-lru');
      }
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  });
});
