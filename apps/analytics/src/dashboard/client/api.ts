/** The analytics API's answers as the dashboard reads them (docs/analytics.md has the contract). */

export interface Point {
  readonly start: string;
  readonly value: number;
  readonly group?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface Throughput {
  readonly types: ReadonlyArray<{
    readonly type: string;
    readonly total: number;
    readonly points: readonly Point[];
  }>;
}

export interface MetricInfo {
  readonly name: string;
  readonly builtIn: boolean;
  readonly description?: string | null;
  readonly type?: string | null;
  readonly version?: number | null;
  readonly aggregate?: string;
  readonly field?: string | null;
  readonly groupBy?: readonly string[];
  readonly state: string;
  readonly rebuild?: { readonly done: number; readonly total: number };
}

export interface Stats {
  readonly points: readonly Point[];
}

export type Quantiles = Readonly<Record<string, number | null>>;

export interface Latency {
  readonly quantiles: readonly number[];
  readonly types: ReadonlyArray<{
    readonly type: string;
    readonly count: number;
    readonly quantiles: Quantiles;
    readonly points: ReadonlyArray<{
      readonly start: string;
      readonly count: number;
      readonly quantiles: Quantiles;
    }>;
  }>;
}

export interface Lag {
  readonly groups: ReadonlyArray<{
    readonly group: string;
    readonly state: string;
    readonly members: number;
    readonly lag: number;
    readonly topics: ReadonlyArray<{ readonly topic: string; readonly lag: number }>;
  }>;
}

export interface WebhooksSummary {
  readonly available: boolean;
  readonly reason?: string;
  readonly checkedAt: string;
  readonly endpoints?: number;
  readonly enabledEndpoints?: number;
  readonly successRate?: number | null;
  readonly attemptsLast24h?: number;
  readonly deliveries?: { readonly pending: number; readonly delivered: number; readonly failed: number };
  readonly backlog?: { readonly due: number; readonly scheduled: number };
  readonly endpointsWithFailures?: number;
  readonly truncated?: boolean;
}

export interface CatalogField {
  readonly name: string;
  readonly type: string;
  readonly doc?: string;
  readonly optional: boolean;
}

export interface EventCatalog {
  readonly available: boolean;
  readonly reason?: string;
  readonly eventTypes: ReadonlyArray<{
    readonly type: string;
    readonly description: string | null;
    readonly owner: string | null;
    readonly keyField: string | null;
    readonly tenantField: string | null;
    readonly latestVersion: number;
    readonly versions: ReadonlyArray<{ readonly version: number; readonly fields: readonly CatalogField[] }>;
  }>;
}

/** The range every panel shows: the last hour per minute, or the last day per hour. */
export interface Range {
  readonly from: string;
  readonly to: string;
  readonly interval: 'minute' | 'hour';
}

export function rangeOf(choice: string, now = Date.now()): Range {
  const hour = 3_600_000;
  // `to` a minute ahead: the current minute (or hour) is included while it fills.
  const to = new Date(now + 60_000).toISOString();
  return choice === 'day'
    ? { from: new Date(now - 24 * hour).toISOString(), to, interval: 'hour' }
    : { from: new Date(now - hour).toISOString(), to, interval: 'minute' };
}

export function rangeQuery(range: Range): Record<string, string> {
  return { from: range.from, to: range.to, interval: range.interval };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(
  path: string,
  query: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<T> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(search === '' ? path : `${path}?${search}`, {
    headers: { accept: 'application/json' },
    signal,
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: unknown };
    const detail = typeof problem.detail === 'string' ? problem.detail : response.statusText;
    throw new ApiError(response.status, `${path}: ${response.status} ${detail}`);
  }
  return (await response.json()) as T;
}
