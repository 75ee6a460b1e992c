/**
 * The tamper-evidence rule, shared by the writer and the verifier so both compute the very same
 * bytes: each row's hash is SHA-256 over its predecessor's hash (64 lower-case hex characters)
 * immediately followed by the row's canonical content, one chain per topic-partition, starting
 * from GENESIS_HASH. Changing, removing or reordering a stored row breaks every later link.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, ChainedAuditEvent } from './audit-event';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the set of hashed fields ever changes; it is itself hashed. */
export const CANONICAL_FORMAT = 1;

/**
 * Every field of the row except the chain fields themselves and the ingest sequence (assigned
 * by the database after hashing; the chain orders rows without it).
 */
export function canonicalContent(event: AuditEvent): string {
  return canonicalJson({
    format: CANONICAL_FORMAT,
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    schemaId: event.schemaId,
    source: event.source,
    subject: event.subject,
    key: event.key,
    time: event.time,
    eventTime: event.eventTime,
    topic: event.topic,
    partition: event.partition,
    offset: event.offset,
    kafkaTimestamp: event.kafkaTimestamp,
    headers: event.headers,
    data: event.data,
    ingestedAt: event.ingestedAt,
  });
}

export function chainHash(prevHash: string, event: AuditEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalContent(event)).digest('hex');
}

/** Links `events` (all of one partition, in order) after a chain whose last hash is `head`. */
export function linkEvents(head: string, events: readonly AuditEvent[]): ChainedAuditEvent[] {
  let prevHash = head;
  return events.map((event) => {
    const hash = chainHash(prevHash, event);
    const chained = { ...event, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}
