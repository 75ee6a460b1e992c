/**
 * One HTTP attempt against the gateway: JSON in, JSON or a typed error out. Each attempt has its
 * own timeout (an `AbortSignal`), combined with the caller's signal; a caller's abort is passed
 * through as the signal's reason and is never retried.
 */
import { abortReason, HeraldNetworkError, HeraldProblemError, HeraldTimeoutError } from './herald-errors';
import { parseRetryAfter, toProblem } from './wire-format';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
  fetch: FetchFunction;
  userAgent: string;
}

export interface GatewayRequest {
  path: '/v1/events' | '/v1/events/batch';
  body: unknown;
  traceparent?: string;
  signal?: AbortSignal;
}

export class GatewayTransport {
  private readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  /** Sends once; resolves with the parsed 2xx body, rejects with a `HeraldError` (or the caller's abort reason). */
  async send(request: GatewayRequest): Promise<unknown> {
    const url = `${this.baseUrl}${request.path}`;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: 'POST',
        headers: this.headers(request.traceparent),
        body: JSON.stringify(request.body),
        signal,
      });
      return await this.read(response);
    } catch (error) {
      throw this.failure(error, url, request.signal, timeout);
    }
  }

  private headers(traceparent: string | undefined): Record<string, string> {
    return {
      authorization: `Bearer ${this.options.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json, application/problem+json',
      'user-agent': this.options.userAgent,
      ...(traceparent === undefined ? {} : { traceparent }),
    };
  }

  private async read(response: Response): Promise<unknown> {
    const text = await response.text();
    const body = parseJson(text);
    if (response.ok) return body;
    const problem = toProblem(response.status, response.statusText, body);
    throw new HeraldProblemError(problem, parseRetryAfter(response.headers.get('retry-after')));
  }

  /** Sorts out why an attempt failed: our own error, the caller's abort, our timeout, or the network. */
  private failure(
    error: unknown,
    url: string,
    callerSignal: AbortSignal | undefined,
    timeout: AbortSignal,
  ): unknown {
    if (error instanceof HeraldProblemError) return error;
    if (callerSignal?.aborted) return abortReason(callerSignal);
    if (timeout.aborted) return new HeraldTimeoutError(this.options.timeoutMs);
    return new HeraldNetworkError(url, error);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
