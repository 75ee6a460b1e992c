/**
 * The deliveries API's inputs, checked at the use-case boundary: list filters (endpoint, status,
 * type), the page (limit, an opaque cursor over delivery ids, newest first) and delivery ids.
 * Every refusal is an InvalidEndpointRequestError('parameters', issues) with a JSON pointer per
 * parameter (400); unknown parameters are refused, not ignored.
 */
import { isEndpointId } from './endpoint-ids';
import { InvalidEndpointRequestError, type RequestIssue } from './endpoint-errors';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const DELIVERY_ID = /^dlv_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;

export interface DeliveryFilter {
  readonly endpointId?: string;
  readonly status?: DeliveryStatus;
  readonly type?: string;
}

export interface DeliveryPageRequest {
  readonly filter: DeliveryFilter;
  readonly limit: number;
  /** Deliveries with an id below this one (the previous page's last). */
  readonly before?: string;
}

export function isDeliveryId(value: unknown): value is string {
  return typeof value === 'string' && DELIVERY_ID.test(value);
}

export function encodeDeliveryCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

function decodeDeliveryCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isDeliveryId(id) && encodeDeliveryCursor(id) === cursor ? id : undefined;
}

function single(query: Record<string, unknown>, name: string, issues: RequestIssue[]): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.push({ path: `/${name}`, message: 'must be given once, as a string' });
    return undefined;
  }
  return value;
}

function queryObject(query: unknown): Record<string, unknown> {
  return typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
}

function refuseUnknown(
  query: Record<string, unknown>,
  known: readonly string[],
  issues: RequestIssue[],
): void {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) issues.push({ path: `/${name}`, message: 'is not a parameter of this route' });
  }
}

export function parseDeliveryPage(query: unknown): DeliveryPageRequest {
  const q = queryObject(query);
  const issues: RequestIssue[] = [];
  refuseUnknown(q, ['endpoint', 'status', 'type', 'limit', 'cursor'], issues);
  const endpoint = single(q, 'endpoint', issues);
  if (endpoint !== undefined && !isEndpointId(endpoint)) {
    issues.push({ path: '/endpoint', message: 'must be an endpoint id (ep_…)' });
  }
  const status = single(q, 'status', issues);
  if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status)) {
    issues.push({ path: '/status', message: `must be one of ${DELIVERY_STATUSES.join(', ')}` });
  }
  const type = single(q, 'type', issues);
  if (type !== undefined && !EVENT_TYPE.test(type)) {
    issues.push({ path: '/type', message: 'must be an event type such as payments.payment.received' });
  }
  const limitText = single(q, 'limit', issues);
  const limit = limitText === undefined ? 20 : /^[1-9]\d{0,2}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= 100))
    issues.push({ path: '/limit', message: 'must be a whole number from 1 to 100' });
  const cursor = single(q, 'cursor', issues);
  const before = cursor === undefined ? undefined : decodeDeliveryCursor(cursor);
  if (cursor !== undefined && before === undefined) {
    issues.push({ path: '/cursor', message: 'is not a cursor this API gave out (use nextCursor)' });
  }
  if (issues.length > 0) throw new InvalidEndpointRequestError('parameters', issues);
  return {
    filter: {
      ...(endpoint === undefined ? {} : { endpointId: endpoint }),
      ...(status === undefined ? {} : { status: status as DeliveryStatus }),
      ...(type === undefined ? {} : { type }),
    },
    limit,
    ...(before === undefined ? {} : { before }),
  };
}

/** A delivery id from the path, with no query parameters allowed. */
export function parseDeliveryId(id: unknown, query: unknown): string {
  const issues: RequestIssue[] = [];
  refuseUnknown(queryObject(query), [], issues);
  if (!isDeliveryId(id)) issues.push({ path: '/deliveryId', message: 'must be a delivery id (dlv_…)' });
  if (issues.length > 0) throw new InvalidEndpointRequestError('parameters', issues);
  return id as string;
}
