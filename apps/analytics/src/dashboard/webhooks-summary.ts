/**
 * The dashboard's webhook delivery panel, computed on the server: the webhooks app's admin API
 * (`GET /v1/endpoints`, `GET /v1/endpoints/{id}/stats`) is asked with the admin token, which never
 * reaches the browser, and only a token-free aggregate leaves (no URL, description or error text
 * of any endpoint). Cached for a few seconds, so many open dashboards cost one round of calls.
 * Any failure (not configured, not running, token refused) is an answer, `available: false` with
 * the reason, never an error of the analytics API.
 */
import { fetchFailure } from './fetch-failure';

export interface WebhooksSummary {
  readonly available: boolean;
  /** Why it is not available. */
  readonly reason?: string;
  readonly checkedAt: string;
  readonly endpoints?: number;
  readonly enabledEndpoints?: number;
  /** Delivered ÷ all attempts of the last 24 h over every endpoint; null without attempts. */
  readonly successRate?: number | null;
  readonly attemptsLast24h?: number;
  readonly deliveries?: { readonly pending: number; readonly delivered: number; readonly failed: number };
  readonly backlog?: { readonly due: number; readonly scheduled: number };
  /** Endpoints with an attempt in 24 h that did not all succeed. */
  readonly endpointsWithFailures?: number;
  /** More endpoints than MAX_ENDPOINTS exist: the figures cover the first ones. */
  readonly truncated?: boolean;
}

interface EndpointPage {
  readonly items: ReadonlyArray<{ readonly id: string; readonly enabled: boolean }>;
  readonly nextCursor: string | null;
}

interface EndpointStats {
  readonly deliveries: Readonly<Record<'pending' | 'delivered' | 'failed', number>>;
  readonly successRate: number | null;
  readonly attemptsLast24h: number;
  readonly backlog: { readonly due: number; readonly scheduled: number };
}

const CACHE_MS = 5_000;
const TIMEOUT_MS = 3_000;
const PAGE_SIZE = 100;
const MAX_ENDPOINTS = 1_000;
const PARALLEL = 8;

class Unavailable extends Error {}

export class WebhooksSummaryReader {
  private cached: { at: number; summary: Promise<WebhooksSummary> } | undefined;

  constructor(
    private readonly url: string | undefined,
    private readonly token: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  summary(): Promise<WebhooksSummary> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= CACHE_MS) {
      this.cached = { at: now, summary: this.compute(new Date(now).toISOString()) };
    }
    return this.cached.summary;
  }

  private async compute(checkedAt: string): Promise<WebhooksSummary> {
    if (this.url === undefined) return { available: false, reason: 'WEBHOOKS_URL is empty', checkedAt };
    if (this.token === undefined)
      return { available: false, reason: 'WEBHOOKS_ADMIN_TOKEN is not set', checkedAt };
    try {
      const endpoints = await this.endpoints();
      const stats = await this.statsOf(endpoints.items.map((e) => e.id));
      return {
        available: true,
        checkedAt,
        ...aggregate(endpoints.items, stats),
        truncated: endpoints.truncated,
      };
    } catch (error) {
      if (error instanceof Unavailable) return { available: false, reason: error.message, checkedAt };
      throw error;
    }
  }

  private async endpoints(): Promise<{ items: EndpointPage['items']; truncated: boolean }> {
    const items: Array<EndpointPage['items'][number]> = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await this.get<EndpointPage>(`/v1/endpoints?limit=${PAGE_SIZE}${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null && items.length < MAX_ENDPOINTS);
    return {
      items: items.slice(0, MAX_ENDPOINTS),
      truncated: cursor !== null || items.length > MAX_ENDPOINTS,
    };
  }

  private async statsOf(ids: readonly string[]): Promise<EndpointStats[]> {
    const stats: EndpointStats[] = [];
    for (let start = 0; start < ids.length; start += PARALLEL) {
      const slice = ids.slice(start, start + PARALLEL);
      stats.push(
        ...(await Promise.all(
          slice.map((id) => this.get<EndpointStats>(`/v1/endpoints/${encodeURIComponent(id)}/stats`)),
        )),
      );
    }
    return stats;
  }

  private async get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const cause = fetchFailure(error);
      throw new Unavailable(`the webhooks app at ${this.url} did not answer (${cause})`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new Unavailable(`the webhooks app refused WEBHOOKS_ADMIN_TOKEN (${response.status})`);
    }
    if (!response.ok) throw new Unavailable(`the webhooks app answered ${response.status} to ${path}`);
    try {
      return (await response.json()) as T;
    } catch {
      throw new Unavailable(`the webhooks app answered ${path} with something other than JSON`);
    }
  }
}

function aggregate(
  endpoints: EndpointPage['items'],
  stats: readonly EndpointStats[],
): Omit<WebhooksSummary, 'available' | 'checkedAt' | 'truncated'> {
  const deliveries = { pending: 0, delivered: 0, failed: 0 };
  const backlog = { due: 0, scheduled: 0 };
  let attempts = 0;
  let succeeded = 0;
  let withFailures = 0;
  for (const s of stats) {
    deliveries.pending += s.deliveries.pending;
    deliveries.delivered += s.deliveries.delivered;
    deliveries.failed += s.deliveries.failed;
    backlog.due += s.backlog.due;
    backlog.scheduled += s.backlog.scheduled;
    attempts += s.attemptsLast24h;
    if (s.successRate !== null) succeeded += s.successRate * s.attemptsLast24h;
    if (s.successRate !== null && s.successRate < 1) withFailures += 1;
  }
  return {
    endpoints: endpoints.length,
    enabledEndpoints: endpoints.filter((e) => e.enabled).length,
    successRate: attempts === 0 ? null : succeeded / attempts,
    attemptsLast24h: attempts,
    deliveries,
    backlog,
    endpointsWithFailures: withFailures,
  };
}
