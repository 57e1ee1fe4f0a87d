/** Helpers for the hostile HTTP suite: one call, the error-shape check, the endpoint catalogue. */
export interface Answer {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { bearer?: string | null; body?: string | Buffer; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetchAnswer(`${base}${path}`, { method, headers, body: opts.body });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: checked by problemsWith
  }
  return { status: res.status, text, body };
}

/**
 * A server refusing an oversized body (413) may answer and close before the client has written it all;
 * the client then sees EPIPE/ECONNRESET instead of the answer. That race is the client's, so an
 * oversized request is tried again (up to three times) to read the server's answer.
 */
async function fetchAnswer(url: string, init: RequestInit & { body?: string | Buffer }): Promise<Response> {
  const oversized = (init.body?.length ?? 0) > 64 * 1024;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
      if (!oversized || attempt >= 3 || !/EPIPE|ECONNRESET|UND_ERR_SOCKET/.test(cause)) throw error;
    }
  }
}

/** What is wrong with an answer to hostile input: a 5xx, a stack trace, or not the SPEC §6 error shape. */
export function problemsWith(label: string, a: Answer, allowed: number[]): string[] {
  const problems: string[] = [];
  if (!allowed.includes(a.status))
    problems.push(`${label}: status ${a.status} (allowed ${allowed.join('/')}): ${a.text.slice(0, 300)}`);
  if (/\bat [\w.<>]+ \(|node_modules|\.js:\d+|\.ts:\d+|stack/i.test(a.text))
    problems.push(`${label}: body looks like it leaks a stack trace: ${a.text.slice(0, 300)}`);
  if (a.status >= 400) {
    const e = a.body?.error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string')
      problems.push(`${label}: ${a.status} without {error:{code,message}}: ${a.text.slice(0, 300)}`);
  }
  return problems;
}

export const SQL_FRAGMENTS = [
  "' OR '1'='1",
  "'; DROP TABLE listings; --",
  '1 UNION SELECT password FROM pg_shadow --',
  "'||pg_sleep(5)||'",
  '"); DELETE FROM audit_log; --',
];

export const DUMMY_UUID = '00000000-0000-4000-8000-000000000000';

/** Every staff endpoint (apps/staff-api/src/controllers), with the roles it allows (undefined: any staff role). */
export interface StaffEndpoint {
  method: 'GET' | 'POST';
  path: string;
  roles?: string[];
  /** A body that passes validation (POST). */
  body?: Record<string, unknown>;
  /** Query parameters (GET) */
  query?: string[];
}

export const STAFF_ENDPOINTS: StaffEndpoint[] = [
  { method: 'GET', path: '/v1/vehicles/1/浙E12345' },
  { method: 'GET', path: '/v1/vehicles/1/浙E12345/audit', query: ['page', 'pageSize'] },
  { method: 'GET', path: '/v1/me' },
  { method: 'GET', path: '/v1/weighings/hk-event-1/evidence/1' },
  {
    method: 'GET',
    path: '/v1/weighings',
    query: ['plate', 'plateColor', 'classification', 'stationId', 'from', 'to', 'page', 'pageSize'],
  },
  {
    method: 'GET',
    path: '/v1/violations',
    query: ['plate', 'plateColor', 'status', 'stationId', 'from', 'to', 'page', 'pageSize'],
  },
  { method: 'GET', path: '/v1/listings', query: ['status', 'overdue', 'proposed', 'plate', 'page', 'pageSize'] },
  { method: 'GET', path: `/v1/listings/${DUMMY_UUID}` },
  { method: 'GET', path: `/v1/listings/${DUMMY_UUID}/repair-eligibility` },
  { method: 'GET', path: '/v1/credit-repairs', query: ['status', 'page', 'pageSize'] },
  { method: 'GET', path: `/v1/credit-repairs/${DUMMY_UUID}` },
  { method: 'GET', path: '/v1/stats', query: ['from', 'to', 'region'] },
  { method: 'GET', path: '/v1/stats/daily', query: ['from', 'to', 'region'] },
  { method: 'GET', path: '/v1/stats/regions', query: ['from', 'to'] },
  { method: 'GET', path: '/v1/audit', query: ['entityType', 'entityId', 'page', 'pageSize'] },
  { method: 'GET', path: '/v1/audit/verification', roles: ['ADMIN'] },
  { method: 'GET', path: '/v1/registry/vehicles/1/浙E12345' },
  { method: 'GET', path: '/v1/registry/permits/浙交超证000001', query: ['page', 'pageSize'] },
  { method: 'GET', path: '/v1/registry/stations', query: ['region', 'kind', 'page', 'pageSize'] },
  { method: 'GET', path: '/v1/notices', query: ['status', 'page', 'pageSize'] },
  { method: 'GET', path: `/v1/notices/${DUMMY_UUID}` },
  { method: 'GET', path: '/v1/objections', query: ['status', 'overdue', 'listingId', 'page', 'pageSize'] },
  { method: 'GET', path: `/v1/objections/${DUMMY_UUID}` },
  { method: 'GET', path: '/v1/revocations', query: ['status', 'page', 'pageSize'] },
  { method: 'GET', path: '/v1/company-listings', query: ['status', 'operatorId', 'page', 'pageSize'] },
  { method: 'GET', path: `/v1/company-listings/${DUMMY_UUID}` },
  {
    method: 'POST',
    path: `/v1/company-listings/${DUMMY_UUID}/notice-service`,
    roles: ['OFFICER'],
    body: { method: 'POST', servedAt: new Date().toISOString() },
  },
  {
    method: 'POST',
    path: `/v1/company-listings/${DUMMY_UUID}/objections`,
    roles: ['OFFICER'],
    body: { targetType: 'LISTING', grounds: 'the fleet is larger', channel: 'POST', attachments: [] },
  },
  {
    method: 'POST',
    path: `/v1/company-listings/${DUMMY_UUID}/objections/${DUMMY_UUID}/review`,
    roles: ['LEGAL_REVIEWER'],
    body: { uphold: false, reply: 'ok' },
  },
  {
    method: 'POST',
    path: `/v1/company-listings/${DUMMY_UUID}/publication-proposal`,
    roles: ['OFFICER'],
    body: { decisionNo: '湖交信〔2026〕2号', legalBasis: '交办公路〔2017〕8号' },
  },
  {
    method: 'POST',
    path: `/v1/company-listings/${DUMMY_UUID}/publication-review`,
    roles: ['LEGAL_REVIEWER'],
    body: { approve: true, opinion: 'ok' },
  },
  {
    method: 'POST',
    path: `/v1/notices/${DUMMY_UUID}/service`,
    roles: ['OFFICER'],
    body: { method: 'IN_PERSON', servedAt: new Date().toISOString() },
  },
  {
    method: 'POST',
    path: '/v1/objections',
    roles: ['OFFICER'],
    body: {
      target: { type: 'LISTING', id: DUMMY_UUID },
      grounds: 'the weighing was wrong',
      channel: 'POST',
      attachments: ['https://files.example/o.pdf'],
    },
  },
  {
    method: 'POST',
    path: `/v1/objections/${DUMMY_UUID}/review`,
    roles: ['LEGAL_REVIEWER'],
    body: { uphold: false, reply: 'ok' },
  },
  {
    method: 'POST',
    path: `/v1/violations/${DUMMY_UUID}/revocation-review`,
    roles: ['LEGAL_REVIEWER'],
    body: { approve: true, opinion: 'ok' },
  },
  {
    method: 'POST',
    path: `/v1/violations/${DUMMY_UUID}/processing`,
    roles: ['OFFICER'],
    body: { caseNo: '湖交执罚〔2026〕001号', fineYuan: 500, processedAt: new Date().toISOString() },
  },
  {
    method: 'POST',
    path: `/v1/violations/${DUMMY_UUID}/revocation`,
    roles: ['OFFICER'],
    body: { reason: 'device fault' },
  },
  {
    method: 'POST',
    path: `/v1/listings/${DUMMY_UUID}/publication-proposal`,
    roles: ['OFFICER'],
    body: { decisionNo: '湖交信〔2026〕1号', legalBasis: '《公路安全保护条例》' },
  },
  {
    method: 'POST',
    path: `/v1/listings/${DUMMY_UUID}/publication-review`,
    roles: ['LEGAL_REVIEWER'],
    body: { approve: true, opinion: 'ok' },
  },
  {
    method: 'POST',
    path: '/v1/credit-repairs',
    roles: ['OFFICER'],
    body: {
      listingId: DUMMY_UUID,
      applicant: { name: '湖州某运输有限公司', type: 'COMPANY', contact: '0572-0000000' },
      commitment: true,
      rectification: 'unloaded and re-weighed',
      attachments: ['https://files.example/a.pdf'],
    },
  },
  {
    method: 'POST',
    path: `/v1/credit-repairs/${DUMMY_UUID}/review`,
    roles: ['REPAIR_REVIEWER'],
    body: { approve: true, opinion: 'ok' },
  },
];

/** Every string / leaf field path of a body (dot-separated; arrays as index 0). */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? leafPaths(value[0], `${prefix}.0`) : [prefix];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

export function withLeaf(body: Record<string, unknown>, path: string, leaf: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = leaf;
  return copy;
}
