import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { issueStaffToken } from '@oc/credit';
import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { PrismProxy, startPrismProxy, unexpected } from './support/prism';

const DAY = 86_400_000;
const SECRET = 'contracts-prism-secret-0123456789abcdef';
const listedPlate = '浙E61001';

/** Where an answer Prism could not check breaks staff-api's document: its status and its top-level shape. */
function documentedAnswer(method: string, path: string, status: number, body: unknown): string[] {
  const document = JSON.parse(readFileSync('openapi/staff-api.json', 'utf8'));
  const template = Object.keys(document.paths).find((p) =>
    new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path.split('?')[0]!),
  );
  const operation = template && document.paths[template][method.toLowerCase()];
  if (!operation) return [`${method} ${path}: no such operation`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${path}: ${status} is not documented`];
  const ref: string | undefined = response.content?.['application/json']?.schema?.$ref;
  const schema = ref ? document.components.schemas[ref.split('/').pop()!] : undefined;
  const required: string[] = schema?.required ?? [];
  const missing = required.filter((k) => !(k in (body as object)));
  return missing.map((k) => `${method} ${path} ${status}: ${k} missing`);
}

// Stoplight Prism in front of gate-api and staff-api while a scenario runs through them: every request
// and every answer, errors included, must be what openapi/gate-api.json and openapi/staff-api.json say.
describe('the running apps answer as their OpenAPI documents say (Prism validating proxy)', () => {
  let s: Scenario;
  let gate: PrismProxy;
  let staff: PrismProxy;
  let stationKey: string;
  let staffUrl = '';
  let gateUrl = '';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    s = await Scenario.create('prism');
    const issued = await runCli(['station:add', '330500001', '--name', '湖州东收费站'], s.env());
    expect(issued.code).toBe(0);
    stationKey = issued.stdout.trim();
    await s.startIngest();
    const [gateApp, staffApp] = await Promise.all([
      s.startApp('gate-api'),
      s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, PUBLIC_CORS_ORIGINS: 'https://postings.example.org' }),
    ]);
    staffUrl = staffApp.url;
    gateUrl = gateApp.url;
    [gate, staff] = await Promise.all([
      startPrismProxy('openapi/gate-api.json', gateApp.url),
      startPrismProxy('openapi/staff-api.json', staffApp.url),
    ]);
    for (const [name, roles] of Object.entries({
      officer: ['OFFICER'],
      legal: ['LEGAL_REVIEWER'],
      admin: ['ADMIN'],
    } as const))
      tokens[name] = issueStaffToken(SECRET, { sub: `prism-${name}`, roles: [...roles] }, 3600);
    const t0 = Date.now() - 40 * DAY;
    await s.produce(
      [0, 2, 4].map((d, i) =>
        violationEvent({ eventId: `prism-${i}`, plate: listedPlate, measuredAt: new Date(t0 + d * DAY) }),
      ),
    );
    await eventually(
      async () =>
        ((await (await askGate({ plate: listedPlate, plateColor: '1' })).json()) as { decision: string }).decision ===
        'TURN_BACK',
      { what: 'the listing to reach the gate', timeoutMs: 60_000 },
    );
  });
  afterAll(async () => {
    // What Prism saw, for a failure's reader (test-results/, not printed).
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync('test-results', { recursive: true });
    if (gate) writeFileSync('test-results/prism-gate-api.log', gate.output());
    if (staff) writeFileSync('test-results/prism-staff-api.log', staff.output());
    await Promise.all([gate?.stop(), staff?.stop()]);
    await s.close();
  });

  const askGate = (query: Record<string, string>, key: string | null = stationKey) =>
    gate.fetch(`/v1/gate/decision?${new URLSearchParams(query)}`, {
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });
  const callStaff = (method: string, path: string, token: string | null = tokens.admin!, body?: string) =>
    staff.fetch(path, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });

  it('gate-api: the SPEC §4.6 answers, its errors and its platform endpoints', async () => {
    const statuses = await Promise.all([
      askGate({ plate: listedPlate, plateColor: '1', cargo: 'LADEN' }),
      askGate({ plate: listedPlate, plateColor: 'YELLOW', cargo: 'EMPTY' }),
      askGate({ plate: '浙E61002', plateColor: '1', axles: '6', grossWeightKg: String(49000 + 2451) }),
      askGate({ plate: '浙E61002', plateColor: '1', axles: '6', grossWeightKg: String(49000 + 800), laneId: 'L1' }),
      askGate({
        plate: '浙E61002',
        plateColor: '1',
        combination: 'true',
        singleDriveAxle: 'false',
        axles: '6',
        grossWeightKg: '30000',
      }),
      // Deliberately wrong, with rules whose messages are ASCII: Prism 5.16 fails on a violation header
      // with other characters (the plate's pattern); the refused plate is test/gate's.
      askGate({ plate: '浙E61002', plateColor: '1', cargo: 'FULL' }),
      askGate({ plate: '浙E61002', plateColor: '1', colour: 'blue' }),
      askGate({ plate: '浙E61002', plateColor: '1' }, null),
      askGate({ plate: '浙E61002', plateColor: '1' }, 'ocst_wrong'),
      gate.fetch('/health/live'),
      gate.fetch('/health/ready'),
      gate.fetch('/metrics'),
    ]).then((answers) => answers.map((a) => a.status));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400, 400, 401, 401, 200, 200, 200]);
    expect(unexpected(gate)).toEqual([]);
  });

  it('staff-api: reads, workflow steps, conflicts and refusals, the public postings', async () => {
    const listings = (await (await callStaff('GET', '/v1/listings?status=LISTED')).json()) as {
      items: { id: string }[];
    };
    const listingId = listings.items[0]!.id;
    const violations = (await (
      await callStaff('GET', `/v1/violations?plate=${encodeURIComponent(listedPlate)}&plateColor=1`)
    ).json()) as {
      items: { id: string }[];
    };
    const violationId = violations.items[0]!.id;
    const notices = (await (await callStaff('GET', '/v1/notices')).json()) as { items: { id: string }[] };
    const plate = encodeURIComponent(listedPlate);
    const from = encodeURIComponent(new Date(Date.now() - 60 * DAY).toISOString());
    const posts: { path: string; status: number; body: unknown }[] = [];
    const isJson = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    const requests: [string, string, string | null, string | undefined, number][] = [
      ['GET', '/v1/me', tokens.officer!, undefined, 200],
      ['GET', `/v1/vehicles/1/${plate}`, tokens.admin!, undefined, 200],
      ['GET', `/v1/vehicles/YELLOW/${plate}/audit`, tokens.admin!, undefined, 200],
      ['GET', `/v1/weighings?plate=${plate}&plateColor=1&from=${from}&pageSize=5`, tokens.admin!, undefined, 200],
      ['GET', '/v1/weighings?classification=VIOLATION&stationId=330500001', tokens.admin!, undefined, 200],
      ['GET', '/v1/violations?status=OPEN', tokens.admin!, undefined, 200],
      ['GET', '/v1/listings?overdue=false&page=1', tokens.admin!, undefined, 200],
      ['GET', `/v1/listings/${listingId}`, tokens.admin!, undefined, 200],
      ['GET', `/v1/listings/${listingId}/repair-eligibility`, tokens.admin!, undefined, 200],
      ['GET', `/v1/listings/${randomUUID()}`, tokens.admin!, undefined, 404],
      ['GET', '/v1/listings/not-a-uuid', tokens.admin!, undefined, 400],
      ['GET', '/v1/listings?status=SOMETIMES', tokens.admin!, undefined, 400],
      ['GET', '/v1/listings', null, undefined, 401],
      ['GET', '/v1/listings', 'not-a-jwt', undefined, 401],
      [
        'GET',
        `/v1/notices/${notices.items[0]?.id ?? randomUUID()}`,
        tokens.admin!,
        undefined,
        notices.items.length ? 200 : 404,
      ],
      ['GET', '/v1/objections?overdue=false', tokens.admin!, undefined, 200],
      ['GET', '/v1/revocations', tokens.admin!, undefined, 200],
      ['GET', '/v1/credit-repairs?status=PENDING', tokens.admin!, undefined, 200],
      ['GET', '/v1/company-listings', tokens.admin!, undefined, 200],
      ['GET', '/v1/stats', tokens.admin!, undefined, 200],
      ['GET', '/v1/stats/regions', tokens.admin!, undefined, 200],
      ['GET', `/v1/stats/daily?from=${from}&region=3305`, tokens.admin!, undefined, 200],
      ['GET', '/v1/audit?entityType=listing', tokens.admin!, undefined, 200],
      ['GET', '/v1/audit/verification', tokens.admin!, undefined, 200],
      ['GET', '/v1/audit/verification', tokens.officer!, undefined, 403],
      ['GET', '/v1/registry/stations?region=3305', tokens.admin!, undefined, 200],
      ['GET', `/v1/registry/vehicles/1/${plate}`, tokens.admin!, undefined, 404],
      ['GET', '/v1/registry/permits/%E6%B5%99%E4%BA%A4%E8%B6%85%E8%AF%81000', tokens.admin!, undefined, 404],
      [
        'POST',
        '/v1/credit-repairs',
        tokens.officer!,
        JSON.stringify({
          listingId,
          applicant: { name: '张三', type: 'PERSON', contact: '13800000000' },
          commitment: true,
          rectification: '已整改',
          attachments: [],
        }),
        409,
      ],
      ['POST', '/v1/objections', tokens.officer!, '{"target":', 400],
      ['POST', `/v1/violations/${violationId}/revocation`, tokens.legal!, JSON.stringify({ reason: '设备故障' }), 403],
      [
        'POST',
        `/v1/violations/${violationId}/processing`,
        tokens.officer!,
        JSON.stringify({
          caseNo: 'HZ-2025-001',
          fineYuan: 2000,
          processedAt: new Date(Date.now() - 60_000).toISOString().replace('T', ' '),
        }),
        200,
      ],
      [
        'POST',
        `/v1/listings/${listingId}/publication-review`,
        tokens.legal!,
        JSON.stringify({ approve: true, opinion: '同意' }),
        409,
      ],
      ['GET', '/v1/public/postings?page=1&pageSize=10', null, undefined, 200],
      ['GET', `/v1/public/postings?plate=${plate}`, null, undefined, 200],
      ['GET', '/v1/public/company-postings', null, undefined, 200],
      ['GET', '/health/live', null, undefined, 200],
      ['GET', '/metrics', null, undefined, 200],
    ];
    for (const [method, path, token, body, expected] of requests) {
      // A body that is not JSON hangs Prism 5.16 (it never answers): that one goes to the app directly
      // and its answer is checked against the document below.
      const malformed = body !== undefined && !isJson(body);
      const res = malformed
        ? await fetch(`${staffUrl}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
          })
        : await callStaff(method, path, token, body);
      if (malformed) posts.push({ path, status: res.status, body: await res.json() });
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} ${expected}`);
    }
    expect(unexpected(staff)).toEqual([]);
    for (const post of posts) expect(documentedAnswer('POST', post.path, post.status, post.body)).toEqual([]);
  });

  // Each REPAIR_REFUSED detail: a condition code of its own, and only the documented fields.
  it('staff-api: the REPAIR_REFUSED answer is the documented ConflictErrorBody', async () => {
    const listings = (await (await callStaff('GET', '/v1/listings?status=LISTED')).json()) as {
      items: { id: string }[];
    };
    const res = await fetch(`${staffUrl}/v1/credit-repairs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        listingId: listings.items[0]!.id,
        applicant: { name: '张三', type: 'PERSON', contact: '13800000000' },
        commitment: true,
        rectification: '已整改',
        attachments: [],
      }),
    });
    expect(res.status).toBe(409);
    const documented = JSON.parse(readFileSync('openapi/staff-api.json', 'utf8')).paths['/v1/credit-repairs'].post
      .responses['409'];
    expect(documented.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ConflictErrorBody' });
    const body = (await res.json()) as { error: { code: string; message: string; details: Record<string, string>[] } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe('REPAIR_REFUSED');
    const allowed = ['code', 'message', 'field', 'violationId', 'notBefore'];
    for (const detail of body.error.details) {
      expect(detail).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(Object.keys(detail).filter((k) => !allowed.includes(k))).toEqual([]);
    }
  });

  // The conventions of docs/integration.md on the running apps themselves.
  it('every app serves the committed document at /openapi.json, ingest included', async () => {
    for (const [app, url] of [
      ['gate-api', gateUrl],
      ['staff-api', staffUrl],
      ['ingest', s.ingest!.url],
    ] as const) {
      const served = await fetch(`${url}/openapi.json`);
      expect([app, served.status, served.headers.get('content-type')]).toEqual([
        app,
        200,
        'application/json; charset=utf-8',
      ]);
      expect(await served.text()).toBe(readFileSync(`openapi/${app}.json`, 'utf8'));
    }
  });

  it('both apps: 405 with Allow, WWW-Authenticate on 401, CORS on the public postings only', async () => {
    const wrong = await fetch(`${gateUrl}/v1/gate/decision`, { method: 'DELETE' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const noKey = await fetch(`${gateUrl}/v1/gate/decision?plate=%E6%B5%99E61002&plateColor=1`);
    expect([noKey.status, noKey.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="gate-api"']);
    const badToken = await fetch(`${staffUrl}/v1/listings`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('www-authenticate')).toMatch(/^Bearer realm="staff-api", error="invalid_token"/);
    const origin = { origin: 'https://postings.example.org' };
    const postings = await fetch(`${staffUrl}/v1/public/postings`, { headers: origin });
    expect(postings.headers.get('access-control-allow-origin')).toBe(origin.origin);
    const listings = await fetch(`${staffUrl}/v1/listings`, {
      headers: { ...origin, authorization: `Bearer ${tokens.admin}` },
    });
    expect([listings.status, listings.headers.get('access-control-allow-origin')]).toEqual([200, null]);
    const time = await fetch(`${staffUrl}/v1/stats?from=2025-06-01t00:00:00z&to=2025-06-02%2000:00:00%2B08:00`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(time.status).toBe(200);
  });
});
