/** The admin API's answers as the portal reads them (docs/webhooks.md has the full contract). */

export type EndpointFormat = 'standard' | 'cloudevents';
export const ENDPOINT_FORMATS: readonly EndpointFormat[] = ['standard', 'cloudevents'];

export interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly types: readonly string[];
  readonly tenant: string | null;
  readonly versions: Readonly<Record<string, number>>;
  readonly format: EndpointFormat;
  readonly rateLimit: number | null;
  readonly ordered: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreatedEndpoint extends Endpoint {
  readonly secret: string;
}

export interface RotatedSecret {
  readonly secret: string;
  readonly previousSecretExpiresAt: string | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export interface EndpointStats {
  readonly endpointId: string;
  readonly deliveries: Readonly<Record<DeliveryStatus, number>>;
  readonly successRate: number | null;
  readonly attemptsLast24h: number;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
  };
  readonly lastError: { readonly at: string; readonly outcome: string; readonly error: string | null } | null;
  readonly backlog: { readonly due: number; readonly scheduled: number };
}

export interface Delivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The fan-out of a consumed event, a replay job (`jobId`), or a test event. */
  readonly origin: 'event' | 'replay' | 'test';
  readonly jobId: string | null;
}

export interface Attempt {
  readonly attemptedAt: string;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly outcome: string;
  readonly error: string | null;
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  readonly responseBody: string | null;
  /** What was sent; null when nothing was (the body could not be prepared) or the attempt predates the record. */
  readonly request: AttemptRequest | null;
}

export interface AttemptRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The first 8 KiB of the body, whole unless `bodyTruncated`. */
  readonly body: string;
  readonly bodyTruncated: boolean;
}

export interface DeliveryDetail extends Delivery {
  readonly attemptList: readonly Attempt[];
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export interface RecoverResult {
  readonly recovered: number;
  readonly limit: number;
  readonly more: boolean;
}

export interface ReplayResult {
  readonly events: number;
  readonly deliveries: number;
  readonly skipped: number;
  readonly limit: number;
  readonly more: boolean;
  readonly nextSince?: string;
  readonly withdrawn?: number;
}

export interface Job {
  readonly id: string;
  readonly kind: 'recover' | 'replay';
  readonly endpointId: string;
  readonly state: JobState;
  readonly since: string;
  readonly until: string | null;
  /** Recover: deliveries made due of `total`; replay: records read of `total` in the window. */
  readonly progress: { readonly done: number; readonly total: number | null };
  readonly result: RecoverResult | ReplayResult | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error?: string;
}

export interface TestEventSent {
  readonly deliveryId: string;
  readonly eventId: string;
}

export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
}

/** RFC 9457 problem details, as every refusal of the API is shaped. */
export interface Problem {
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly ProblemIssue[];
}
