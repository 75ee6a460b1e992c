/**
 * The SDK's errors. Every failure is a `HeraldError` whose `retriable` says whether sending the
 * same event again (same id) may succeed: the client's own retry loop relies on it, and so can a
 * caller that retries later, since the gateway deduplicates by event id.
 */

/** Why `signal` aborted, as an Error (`AbortSignal.reason` may be any value). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}

/** One violation in an RFC 9457 problem, e.g. `{ path: '/data/amount_minor', message: '...' }`. */
export interface ProblemViolation {
  path: string;
  message: string;
}

/** An RFC 9457 `application/problem+json` body as the gateway sends it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemViolation[];
}

export class HeraldError extends Error {
  override readonly name: string = 'HeraldError';

  constructor(
    message: string,
    /** True when sending the same event again may succeed. */
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Statuses that mean "not now" rather than "never": rate limited, or the gateway or Kafka unavailable. */
const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Problem types that mean "never" whatever their status: a batch larger than the API key's rate limit
 * per second can never be admitted (the gateway answers 413; one that answered 429 would still be
 * refused for ever), so it is not retried. Split it, or ask for a higher limit.
 */
export const NEVER_RETRIABLE_PROBLEM_TYPES: ReadonlySet<string> = new Set([
  'https://herald.dev/problems/exceeds-rate-limit',
]);

function isRetriableProblem(problem: ProblemDetails): boolean {
  return RETRIABLE_STATUSES.has(problem.status) && !NEVER_RETRIABLE_PROBLEM_TYPES.has(problem.type);
}

/** The gateway refused the request (or one event of a batch) with a problem+json answer. */
export class HeraldProblemError extends HeraldError {
  override readonly name: string = 'HeraldProblemError';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly ProblemViolation[];

  constructor(
    readonly problem: ProblemDetails,
    /** From `Retry-After`, when the gateway sent one (429, 503). */
    readonly retryAfterMs?: number,
  ) {
    super(problemMessage(problem), isRetriableProblem(problem));
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
  }
}

function problemMessage(problem: ProblemDetails): string {
  const head = `${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`;
  const details = (problem.errors ?? []).map((error) => `${error.path}: ${error.message}`);
  return [head, ...details].join('\n  ');
}

/** The request never got an HTTP answer (connection refused or reset, DNS failure, ...). */
export class HeraldNetworkError extends HeraldError {
  override readonly name: string = 'HeraldNetworkError';

  constructor(url: string, cause: unknown) {
    super(`could not reach the Herald gateway at ${url}: ${networkReason(cause)}`, true, { cause });
  }
}

/**
 * Undici hides the socket error (`ECONNREFUSED`, ...) one level down, behind "fetch failed". Read
 * by shape, not `instanceof`: fetch's errors may come from another realm (a test VM, a worker).
 */
function networkReason(error: unknown): string {
  const outer = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const inner = outer?.cause;
  if (inner !== undefined && typeof inner.code === 'string')
    return `${inner.code} (${String(inner.message)})`;
  if (inner !== undefined && typeof inner.message === 'string') return inner.message;
  return typeof outer?.message === 'string' ? outer.message : String(error);
}

/** An attempt got no answer within `timeoutMs`; the event may or may not have been published. */
export class HeraldTimeoutError extends HeraldError {
  override readonly name: string = 'HeraldTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the Herald gateway did not answer within ${timeoutMs} ms`, true);
  }
}
