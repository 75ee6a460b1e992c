/**
 * The admin API from the page: same origin, `Authorization: Bearer <admin token>` on every call,
 * JSON in and out. A refusal becomes an ApiError carrying the problem+json the API answered; a
 * 401 also tells the portal to sign out (the token changed or was mistyped).
 */
import type { Problem } from './api-types.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }

  get status(): number {
    return this.problem.status;
  }
}

export type Query = Readonly<Record<string, string | undefined>>;

export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    return this.call<T>('GET', withQuery(path, query), undefined, signal);
  }

  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.call<T>('POST', path, body, signal);
  }

  patch<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.call<T>('PATCH', path, body, signal);
  }

  delete(path: string, signal?: AbortSignal): Promise<void> {
    return this.call<void>('DELETE', path, undefined, signal);
  }

  private async call<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json, application/problem+json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(problemOf(parsed, response));
    }
    return parsed as T;
  }
}

/** `/v1/endpoints/{id}/...` with every segment percent-encoded. */
export function apiPath(...segments: readonly string[]): string {
  return `/v1/${segments.map(encodeURIComponent).join('/')}`;
}

function withQuery(path: string, query: Query): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(name, value);
  }
  const encoded = search.toString();
  return encoded === '' ? path : `${path}?${encoded}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function problemOf(body: unknown, response: Response): Problem {
  const candidate = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  return {
    title: typeof candidate.title === 'string' ? candidate.title : response.statusText,
    status: response.status,
    detail:
      typeof candidate.detail === 'string'
        ? candidate.detail
        : `the API answered ${response.status} ${response.statusText}`,
    errors: Array.isArray(candidate.errors) ? candidate.errors : [],
  };
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
