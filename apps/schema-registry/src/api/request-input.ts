/**
 * Reading the loose parts of a request (body, query string) into the shapes the use cases take.
 * Query flags follow JAX-RS booleans as Confluent reads them: only `true` (any case) is true;
 * unknown parameters are ignored.
 */
import type { SchemaInput } from '../registry';
import { MalformedRequestError } from './registry-http.errors';

export type QueryParams = Readonly<Record<string, unknown>>;

function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

export function queryFlag(query: QueryParams, name: string): boolean {
  const value = first(query[name]);
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

export function queryText(query: QueryParams, name: string): string | undefined {
  const value = first(query[name]);
  return typeof value === 'string' ? value : undefined;
}

export function bodyObject(body: unknown): Readonly<Record<string, unknown>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedRequestError('Malformed request body: a JSON object is required');
  }
  return body as Record<string, unknown>;
}

export function schemaInput(body: unknown): SchemaInput {
  const { schema, schemaType, references, id, version } = bodyObject(body);
  return { schema, schemaType, references, id, version };
}
