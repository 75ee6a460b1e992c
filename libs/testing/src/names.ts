/** Unique, Kafka- and Postgres-safe names so tests never share topics, groups or schemas. */
import { randomBytes } from 'node:crypto';

export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  return `${prefix}-${suffix}`.toLowerCase();
}

/** A lower-case identifier usable as a Postgres schema or database name. */
export function uniqueIdentifier(prefix: string): string {
  return uniqueName(prefix).replace(/[^a-z0-9_]/g, '_');
}
