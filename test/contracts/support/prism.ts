import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { freePort } from '../../harness/app-process';
import { eventually } from '../../harness/services';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PRISM = path.join(ROOT, 'node_modules', '.bin', 'prism');

/** One violation Prism found in a request or an answer (its `sl-violations` header). */
export interface PrismViolation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

export interface PrismProxy {
  url: string;
  /**
   * Every violation reported so far, with the request that drew it. A request the test makes wrong on
   * purpose (answered 4xx) may break the document's request rules; its answer still may not.
   */
  readonly violations: { request: string; status: number; violations: PrismViolation[] }[];
  /** What Prism logged (each request, its forwarding and what it found). */
  output(): string;
  /** fetch through the proxy; records the answer's violations. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** What breaks the documents: anything about a 2xx exchange, and any answer that breaks its schema. */
export function unexpected(proxy: PrismProxy): PrismProxy['violations'] {
  return proxy.violations
    .map((v) => ({
      ...v,
      violations: v.status < 400 ? v.violations : v.violations.filter((x) => x.location[0] !== 'request'),
    }))
    .filter((v) => v.violations.length > 0);
}

/**
 * One request through node:http; a body chunked and on a connection of its own, the way Prism 5.16
 * answered every POST here (through fetch, or on a kept-alive connection, it forwarded some POST
 * requests to the app and never finished its answer).
 */
function send(target: string, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
    const own = body === undefined ? {} : { agent: false };
    const req = request(target, { method: init.method ?? 'GET', headers, timeout: 15_000, ...own }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const answer = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) answer.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 0;
        resolve(
          new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: answer }),
        );
      });
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from prism within 15 s: ${init.method ?? 'GET'} ${target}`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Stoplight Prism as a validating proxy (`prism proxy <document> <app>`) in front of a running app: every
 * request and answer is checked against the published document, and what breaks it comes back in the
 * answer's `sl-violations` header (Prism's default, non-`--errors` mode, which passes the app's answer on).
 */
export async function startPrismProxy(document: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    PRISM,
    [
      'proxy',
      path.join(ROOT, document),
      upstream,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--validate-request',
      'true',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '' } },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`prism exited with ${child.exitCode}:\n${output}`);
      return (await fetch(`${url}/health/live`).catch(() => null))?.ok === true;
    },
    { timeoutMs: 60_000, what: `prism proxy for ${document}` },
  );
  const violations: PrismProxy['violations'] = [];
  return {
    url,
    violations,
    output: () => output,
    fetch: async (pathAndQuery, init) => {
      // Prism closes a kept-alive connection after 5 s; a read sent on it as it closes is sent again.
      const res = await send(`${url}${pathAndQuery}`, init).catch((error: Error) => {
        if ((init?.method ?? 'GET') !== 'GET' || !/ECONNRESET|socket hang up/.test(error.message)) throw error;
        return send(`${url}${pathAndQuery}`, init);
      });
      const header = res.headers.get('sl-violations');
      if (header) {
        violations.push({
          request: `${init?.method ?? 'GET'} ${pathAndQuery}`,
          status: res.status,
          violations: JSON.parse(header) as PrismViolation[],
        });
      }
      return res;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}
