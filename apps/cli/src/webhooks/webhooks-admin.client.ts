/**
 * The webhooks app's admin API as `herald webhooks` calls it: JSON over HTTP with the admin token
 * as bearer (WEBHOOKS_ADMIN_TOKEN). An app that cannot be reached, or that refuses the token, is an
 * environment problem (UsageError, exit 2); a request it refuses is a WebhooksApiError carrying its
 * problem+json (the status, the detail and each pointer).
 */
import { UsageError } from '../usage-error';

export interface ApiProblem {
  readonly path: string;
  readonly message: string;
}

export class WebhooksApiError extends Error {
  override name = 'WebhooksApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly ApiProblem[],
  ) {
    super(message);
  }

  /** Refused input (400, 413, 415, 422) is a usage error; a missing or conflicting resource a failure. */
  get exitCode(): number {
    return this.status === 404 || this.status === 409 || this.status >= 500 ? 1 : 2;
  }

  /** The detail and, under it, each problem that adds to it. */
  describe(): string {
    const extra = this.problems.filter((p) => !this.message.includes(p.message));
    return [this.message, ...extra.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
  }
}

const TIMEOUT_MS = 15_000;

export class WebhooksAdminClient {
  private readonly base: string;

  constructor(
    base: string,
    private readonly token: string | undefined,
  ) {
    this.base = base.replace(/\/+$/, '');
    if (token === undefined) {
      throw new UsageError(
        'WEBHOOKS_ADMIN_TOKEN is not set: the webhooks admin API needs it (`herald up` keeps a generated one in ' +
          '~/.cache/herald/webhooks.env: export $(cat ~/.cache/herald/webhooks.env))',
      );
    }
  }

  get url(): string {
    return this.base;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  async delete(path: string): Promise<void> {
    await this.request<undefined>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new UsageError(`cannot reach the webhooks app at ${this.base}: ${cause} (WEBHOOKS_URL or --url)`);
    }
    const text = await response.text();
    if (response.status === 401) {
      throw new UsageError(
        `the webhooks app at ${this.base} refused the admin token: WEBHOOKS_ADMIN_TOKEN must be the one it runs with`,
      );
    }
    if (response.status >= 400) throw problemOf(response.status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

function problemOf(status: number, text: string): WebhooksApiError {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; errors?: unknown };
    const problems = Array.isArray(problem.errors) ? (problem.errors as ApiProblem[]) : [];
    const detail =
      typeof problem.detail === 'string' ? problem.detail : `the webhooks app answered ${status}`;
    return new WebhooksApiError(status, detail, problems);
  } catch {
    return new WebhooksApiError(status, `the webhooks app answered ${status}: ${text.slice(0, 200)}`, []);
  }
}
