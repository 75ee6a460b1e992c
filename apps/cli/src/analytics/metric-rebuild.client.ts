/**
 * `herald analytics rebuild` as a use case: asks the analytics app to rebuild a declared metric
 * (POST /v1/metrics/{name}/rebuild; the app reads the topic from the beginning with a consumer of
 * its own, then switches over atomically) and follows its progress (GET /v1/metrics/{name}) until
 * the rebuilt generation is the one served.
 */
export interface MetricState {
  readonly name: string;
  readonly state: 'live' | 'building' | 'pending';
  readonly rebuild?: { readonly generation: number; readonly done: number; readonly total: number };
}

export class RebuildRequestError extends Error {
  override name = 'RebuildRequestError';
}

export interface RebuildRequest {
  readonly url: string;
  readonly metric: string;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly onProgress: (state: MetricState) => void;
}

async function call(method: 'GET' | 'POST', url: string): Promise<MetricState> {
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (error) {
    throw new RebuildRequestError(`cannot reach the analytics app at ${url}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as MetricState & { detail?: string };
  if (!response.ok)
    throw new RebuildRequestError(body.detail ?? `${method} ${url} answered ${response.status}`);
  return body;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the metric once it is live again on the rebuilt generation. */
export async function rebuildMetric(request: RebuildRequest): Promise<MetricState> {
  const base = `${request.url.replace(/\/$/, '')}/v1/metrics/${encodeURIComponent(request.metric)}`;
  let state = await call('POST', `${base}/rebuild`);
  const deadline = Date.now() + request.timeoutMs;
  while (state.state !== 'live') {
    request.onProgress(state);
    if (Date.now() > deadline)
      throw new RebuildRequestError(`the rebuild of ${request.metric} did not finish in time`);
    await pause(request.pollMs);
    state = await call('GET', base);
  }
  return state;
}

export function describeProgress(state: MetricState): string {
  if (state.rebuild === undefined) return `${state.name}: ${state.state}`;
  const { done, total } = state.rebuild;
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `${state.name}: rebuilding, ${done.toLocaleString('en')} of ${total.toLocaleString('en')} records (${percent}%)`;
}
