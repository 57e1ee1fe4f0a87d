/**
 * A lane controller's client of gate-api (docs/integration.md, "Asking the gate"), generated from the
 * published document: gate-api.d.ts is what `openapi-typescript openapi/gate-api.json` makes (npm run
 * contracts keeps it in step), and openapi-fetch sends typed requests with it. Copy it, or generate
 * your own from http://<gate>/openapi.json.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './gate-api';

export type GateAnswer = components['schemas']['GateDecisionResponse'];
export type GateQuery = paths['/v1/gate/decision']['get']['parameters']['query'];
type ErrorBody = components['schemas']['ErrorBody'];

export interface GateClientOptions {
  /** e.g. http://gate.internal:3001 */
  baseUrl: string;
  /** The station key `overload-credit station:add` printed (ocst_…). */
  stationKey: string;
  /**
   * How long one request may take. The gate answers within GATE_DEADLINE_MS (100 ms) even when its
   * cache and database are away; the rest is the network. Default 300 ms.
   */
  timeoutMs?: number;
  /**
   * What the lane does when the gate gives no answer at all (time-out, no connection, 5xx after one
   * retry). Default ALLOW, as the gate's own GATE_FAILURE_MODE=open: the truck passes and the lane
   * records it for a later check; TURN_BACK where the authority wants the lane closed instead.
   */
  onNoAnswer?: 'ALLOW' | 'TURN_BACK';
  fetch?: typeof fetch;
}

/** What the lane controller acts on. */
export type LaneDecision =
  /** The gate decided: act on answer.decision (TURN_BACK: 劝返; ALLOW: 放行). */
  | { kind: 'answer'; answer: GateAnswer }
  /**
   * The gate refused the request (400: the request is wrong, fix the controller; 401: the key is wrong
   * or revoked; 429: too many wrong keys from this address, wait retryAfterSeconds). The lane needs a
   * decision anyway: `decision` is onNoAnswer's.
   */
  | {
      kind: 'refused';
      status: number;
      error: ErrorBody['error'];
      retryAfterSeconds?: number;
      decision: 'ALLOW' | 'TURN_BACK';
    }
  /** No answer: time-out, no connection or a 5xx; `decision` is onNoAnswer's. */
  | { kind: 'no-answer'; why: string; decision: 'ALLOW' | 'TURN_BACK' };

export function createGateClient(options: GateClientOptions): { decide(query: GateQuery): Promise<LaneDecision> } {
  const timeoutMs = options.timeoutMs ?? 300;
  const fallback = options.onNoAnswer ?? 'ALLOW';
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.stationKey}` },
    fetch: options.fetch,
  });
  return {
    async decide(query) {
      let why = '';
      // One retry, only where another try can help at once: no connection (another gate instance
      // behind the balancer) or a 5xx. Not after a time-out: the truck has waited long enough.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          const { data, error, response } = await client.GET('/v1/gate/decision', {
            params: { query },
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (data) return { kind: 'answer', answer: data };
          if (response.status >= 500) {
            why = `the gate answered ${response.status}`;
            continue;
          }
          const retryAfter = Number(response.headers.get('retry-after'));
          return {
            kind: 'refused',
            status: response.status,
            error: (error as ErrorBody | undefined)?.error ?? { code: `HTTP_${response.status}`, message: '' },
            ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
            decision: fallback,
          };
        } catch (e) {
          const error = e as Error;
          if (error.name === 'TimeoutError')
            return { kind: 'no-answer', why: `no answer within ${timeoutMs} ms`, decision: fallback };
          why = `no connection: ${(error.cause as Error | undefined)?.message ?? error.message}`;
        }
      }
      return { kind: 'no-answer', why, decision: fallback };
    },
  };
}
