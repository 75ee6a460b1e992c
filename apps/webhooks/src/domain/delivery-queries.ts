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

export interface DeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AttemptView {
  readonly attemptedAt: string;
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
    return { ...delivery, attemptList: await this.reader.attempts(deliveryId) };
  }

  async retry(id: unknown, query: unknown): Promise<DeliveryView> {
    const deliveryId = parseDeliveryId(id, query);
    const delivery = await this.reader.retryNow(deliveryId);
    if (delivery === undefined) throw new DeliveryNotFoundError(deliveryId);
    this.onRetry();
    return delivery;
  }

  async stats(endpointId: string): Promise<EndpointStats> {
    const stats = await this.reader.stats(endpointId);
    if (stats === undefined) throw new EndpointNotFoundError(endpointId);
    return stats;
  }
}
