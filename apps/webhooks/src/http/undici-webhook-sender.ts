/**
 * The webhook POST over undici: keep-alive pools per origin (undici's Agent), sockets opened only
 * to checked addresses (the guarded connector), one deadline per attempt covering connect, headers
 * and body, redirects returned as responses (undici 7 follows none without its redirect
 * interceptor), and at most 8 KiB of the response body read.
 */
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent } from 'undici';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../domain/ports';
import { attemptErrorKind, attemptErrorMessage } from './attempt-errors';
import { DestinationRefusedError, parseDestinationUrl, type DestinationGuard } from './destination-policy';
import { guardedConnector, type GuardedConnectorOptions } from './guarded-connector';

/** What an attempt keeps of a response body (docs/webhooks.md: attempts store 8 KiB). */
export const RESPONSE_BODY_LIMIT_BYTES = 8 * 1024;

export interface UndiciWebhookSenderOptions {
  readonly guard: DestinationGuard;
  /** Connections per origin at most; unbounded when unset (the worker pool bounds concurrency). */
  readonly connections?: number;
  readonly ca?: GuardedConnectorOptions['ca'];
  /** How long an idle keep-alive connection stays open (undici's default: 4 s). */
  readonly keepAliveTimeoutMs?: number;
}

export class UndiciWebhookSender implements WebhookSender {
  private readonly agent: Agent;
  private readonly inFlight = new Set<Promise<WebhookResponse>>();

  constructor(options: UndiciWebhookSenderOptions) {
    this.agent = new Agent({
      connect: guardedConnector({ guard: options.guard, ca: options.ca }),
      connections: options.connections ?? null,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      // The attempt's own deadline bounds headers and body; undici's 300 s defaults must not cut in.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const sending = this.sendOnce(request);
    this.inFlight.add(sending);
    try {
      return await sending;
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /**
   * Waits for the attempts in progress (each ends by its deadline), then drops every connection:
   * idle keep-alive ones and connects an attempt abandoned at its deadline, which undici's
   * graceful close would wait for until they time out.
   */
  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.agent.destroy();
  }

  private async sendOnce(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    const url = parseDestinationUrl(request.url);
    if (typeof url === 'string') {
      return failure(new DestinationRefusedError(`the URL ${url}`), false, latencyMs());
    }
    const deadline = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const error = new Error(`no complete response within ${request.timeoutMs} ms`);
        deadline.abort(error);
        reject(error);
      }, request.timeoutMs);
    });
    // undici applies an abort only once the request is on a connection: a request still waiting
    // for DNS or a TCP/TLS handshake would outlive its deadline by the connect timeout. The race
    // ends the attempt on time; the abandoned request fails on its own later, unobserved.
    const attempt = this.attempt(url, request, deadline.signal);
    attempt.catch(() => undefined);
    try {
      const response = await Promise.race([attempt, expired]);
      return { kind: 'response', ...response, latencyMs: latencyMs() };
    } catch (error) {
      return failure(error, timedOut, latencyMs());
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(url: URL, request: WebhookRequest, signal: AbortSignal) {
    const response = await this.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
    const body = await readLimited(response.body, RESPONSE_BODY_LIMIT_BYTES);
    // undici's pool marks the connection free a turn after the body ends; an attempt sent to
    // the same origin right away (an ordered endpoint's next delivery) would otherwise open a
    // second connection, and over TLS pay a second handshake.
    await nextTurn();
    return { status: response.statusCode, headers: flatHeaders(response.headers), body };
  }
}

function failure(error: unknown, timedOut: boolean, latencyMs: number): WebhookResponse {
  const errorKind = attemptErrorKind(error, timedOut);
  const message = timedOut ? `timed out: ${attemptErrorMessage(error)}` : attemptErrorMessage(error);
  return { kind: 'error', errorKind, message, latencyMs };
}

/**
 * The body's first `limit` bytes as UTF-8 text. Stops reading there (a receiver answering with
 * megabytes costs one 8 KiB read and a closed connection); a body within the limit is read to its
 * end, which keeps the connection reusable. A character cut in half by the limit is dropped.
 */
async function readLimited(body: Readable, limit: number): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let remaining = limit;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    if (bytes.length > remaining) {
      text += decoder.decode(bytes.subarray(0, remaining), { stream: true });
      body.destroy();
      return text;
    }
    text += decoder.decode(bytes, { stream: true });
    remaining -= bytes.length;
  }
  return text + decoder.decode();
}

/** Lower-case names (as undici delivers them); repeated headers joined as HTTP allows. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
