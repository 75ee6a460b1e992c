/**
 * How endpoints sit in PostgreSQL (webhooks-migrations.ts): the row the store reads, its
 * mapping to the domain's Endpoint, the change notification every write sends, and which
 * PostgreSQL failures mean "unavailable, try again" rather than a defect.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Endpoint, EndpointFormat } from '../domain/endpoint';
import { isPgUnavailable } from '@app/persistence';
import { EndpointsUnavailableError } from '../domain/endpoint-errors';

/**
 * Channel of the NOTIFY sent, on commit, by every endpoint or secret change; the payload is the
 * endpoint id. Anything else that changes endpoints (a worker disabling one after a 410) may send
 * it too, so caches refresh at once instead of at their next poll.
 */
export const ENDPOINTS_CHANNEL = 'webhooks_endpoints';

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  types: string[];
  tenant: string | null;
  versions: Record<string, number>;
  format: EndpointFormat;
  rate_limit: number | null;
  ordered: boolean;
  metadata: Record<string, string>;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns an EndpointRow has, for the query builder. */
export const ENDPOINT_FIELDS = [
  'id',
  'url',
  'description',
  'types',
  'tenant',
  'versions',
  'format',
  'rate_limit',
  'ordered',
  'metadata',
  'enabled',
  'disabled_reason',
  'created_at',
  'updated_at',
] as const;

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    types: row.types,
    tenant: row.tenant,
    versions: row.versions,
    format: row.format,
    rateLimit: row.rate_limit,
    ordered: row.ordered,
    metadata: row.metadata,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Queued in the transaction, so listeners hear of a change only once it is committed. */
export async function notifyEndpointChange(trx: QueryExecutorProvider, id: string): Promise<void> {
  await sql`SELECT pg_notify(${ENDPOINTS_CHANNEL}, ${id})`.execute(trx);
}

/** PostgreSQL out of reach (or busy, by `isPgUnavailable`) becomes EndpointsUnavailableError (503); anything else is rethrown. */
export function unavailableOr(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  return isPgUnavailable(error)
    ? new EndpointsUnavailableError(`PostgreSQL is unavailable: ${message}`, { cause: error })
    : error;
}

export async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw unavailableOr(error);
  }
}
