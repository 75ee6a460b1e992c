/**
 * Endpoint ids (`ep_<uuidv7>`: sortable by creation time, so they double as the list's keyset)
 * and the list's opaque cursor (the last id of a page, base64url).
 */
import { uuidv7 } from 'uuidv7';

const ENDPOINT_ID = /^ep_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function newEndpointId(): string {
  return `ep_${uuidv7()}`;
}

export function isEndpointId(value: unknown): value is string {
  return typeof value === 'string' && ENDPOINT_ID.test(value);
}

export function encodeEndpointCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor stands for, or undefined when it is not a cursor this API gave out. */
export function decodeEndpointCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isEndpointId(id) && encodeEndpointCursor(id) === cursor ? id : undefined;
}
