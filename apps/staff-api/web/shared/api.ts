/** SPEC §6's one error shape, with the HTTP status and, for 429, the seconds to wait. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | undefined | null;

/** `?a=1&b=x`, leaving out undefined, null and empty values. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** A binary answer (an evidence image) with the token; throws ApiError on a non-2xx status. */
  blob(path: string): Promise<Blob>;
}

/**
 * A client of the staff API on the same origin. `token` goes in the Authorization header;
 * `onUnauthorized` runs on any 401 (expired or revoked token) before the error is thrown.
 */
export function createApi(token: string | null, onUnauthorized?: () => void): ApiClient {
  const request = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'NETWORK', 'network error');
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported by status below.
    }
    if (res.ok) return json as T;
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 401) onUnauthorized?.();
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? res.statusText,
      Array.isArray(error?.details) ? (error.details as { field: string; message: string }[]) : [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  };
  return {
    get: (path, query = {}) => request('GET', `${path}${queryString(query)}`),
    post: (path, body) => request('POST', path, body),
    blob: async (path) => {
      let res: Response;
      try {
        res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      } catch {
        throw new ApiError(0, 'NETWORK', 'network error');
      }
      if (res.status === 401) onUnauthorized?.();
      if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
      return res.blob();
    },
  };
}
