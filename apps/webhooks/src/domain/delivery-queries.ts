/**
 * The deliveries use cases: list and inspect deliveries with their attempts, retry one now
 * (whatever its state: the attempt is recorded like any other), and an endpoint's health figures.
 */
import { EndpointNotFoundError, NotFoundError } from './endpoint-errors';
import {
  encodeDeliveryCursor,
  parseDeliveryId,
  parseDeliveryPage,
  type DeliveryFilter,
  type DeliveryStatus,
} from './delivery-requests';

/**
 * Where a delivery came from: the fan-out of a consumed event, a replay job (`jobId`), or a test
 * event sent through the API.
 */
export const DELIVERY_ORIGINS = ['event', 'replay', 'test'] as const;
export type DeliveryOrigin = (typeof DELIVERY_ORIGINS)[number];

export interface DeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly origin: DeliveryOrigin;
  /** The replay job that created it; null otherwise. */
  readonly jobId: string | null;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What an attempt sent: the endpoint's URL then, every header (the signatures, never a secret) and the body. */
export interface AttemptRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The first 8 KiB of the body (UTF-8), whole when `bodyTruncated` is false. */
  readonly body: string;
  readonly bodyTruncated: boolean;
}

export interface AttemptView {
  readonly attemptedAt: string;
  /** Null when nothing was sent (the body could not be prepared) or the attempt predates the record. */
  readonly request: AttemptRequest | null;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly outcome: string;
  readonly error: string | null;
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  readonly responseBody: string | null;
}

export interface EndpointStats {
  readonly endpointId: string;
  readonly deliveries: Readonly<Record<DeliveryStatus, number>>;
  /** Over the attempts of the last 24 h: delivered ÷ all; null without attempts. */
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

export class DeliveryNotFoundError extends NotFoundError {
  override name = 'DeliveryNotFoundError';
  constructor(readonly deliveryId: string) {
    const message = `no delivery has id "${deliveryId}"`;
    super(message, { path: '/deliveryId', message });
  }
}

export const DELIVERY_READER = Symbol('DELIVERY_READER');

export interface DeliveryReader {
  /** Deliveries matching `filter` with an id below `before`, newest first, at most `limit`. */
  page(filter: DeliveryFilter, before: string | undefined, limit: number): Promise<DeliveryView[]>;
  find(id: string): Promise<DeliveryView | undefined>;
  attempts(id: string): Promise<AttemptView[]>;
  /** Makes the delivery pending and due now; undefined when it does not exist. */
  retryNow(id: string): Promise<DeliveryView | undefined>;
  /** undefined when the endpoint does not exist. */
  stats(endpointId: string): Promise<EndpointStats | undefined>;
}

export class DeliveryQueries {
  constructor(
    private readonly reader: DeliveryReader,
    /** Told when a retry was asked, so the delivery loop wakes at once. */
    private readonly onRetry: () => void = () => undefined,
  ) {}

  async page(
    query: unknown,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null; hasMore: boolean }> {
    const request = parseDeliveryPage(query);
    const rows = await this.reader.page(request.filter, request.before, request.limit + 1);
    const items = rows.slice(0, request.limit);
    const hasMore = rows.length > request.limit;
    return { items, hasMore, nextCursor: hasMore ? encodeDeliveryCursor(items[items.length - 1]!.id) : null };
  }

  async find(id: unknown, query: unknown): Promise<DeliveryView & { attemptList: AttemptView[] }> {
    const deliveryId = parseDeliveryId(id, query);
    const delivery = await this.reader.find(deliveryId);
    if (delivery === undefined) throw new DeliveryNotFoundError(deliveryId);
    return { ...delivery, attemptList: await this.attemptsOf(delivery) };
  }

  /**
   * The delivery's attempts as of `delivery`: an attempt the worker recorded after the delivery was
   * read (two statements) is left out, so `attempts` and the list always agree.
   */
  private async attemptsOf(delivery: DeliveryView): Promise<AttemptView[]> {
    return (await this.reader.attempts(delivery.id)).slice(0, delivery.attempts);
  }

  /** The delivery as `find` answers it (attempts included), pending and due now. */
  async retry(id: unknown, query: unknown): Promise<DeliveryView & { attemptList: AttemptView[] }> {
    const deliveryId = parseDeliveryId(id, query);
    const delivery = await this.reader.retryNow(deliveryId);
    if (delivery === undefined) throw new DeliveryNotFoundError(deliveryId);
    // The worker may attempt it at once (woken here, or by its own poll): the answer is the
    // delivery as the retry left it, with the attempts before it.
    this.onRetry();
    return { ...delivery, attemptList: await this.attemptsOf(delivery) };
  }

  async stats(endpointId: string): Promise<EndpointStats> {
    const stats = await this.reader.stats(endpointId);
    if (stats === undefined) throw new EndpointNotFoundError(endpointId);
    return stats;
  }
}
