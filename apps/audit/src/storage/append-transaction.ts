/**
 * One append, inside one transaction:
 * 1. lock every partition the batch touches (advisory transaction locks, in one global order so
 *    two writers cannot deadlock): a second instance writing the same partition during a
 *    rebalance waits here instead of forking the chain;
 * 2. drop duplicates (coordinates or event id already stored, or earlier in the batch);
 * 3. read each chain's head and link the new events after it;
 * 4. take the sequence lock and insert. Holding it until commit makes `sequence` values become
 *    visible in increasing order, which is what keeps keyset pagination from skipping a row
 *    that a slower transaction inserted with a smaller sequence.
 */
import { sql, type Transaction } from 'kysely';
import { coordinatesOf, type AuditEvent, type ChainedAuditEvent } from '../domain/audit-event';
import type { AppendOutcome } from '../domain/audit-store.port';
import { GENESIS_HASH, linkEvents } from '../domain/hash-chain';
import { toRow, type AuditDatabase } from './audit-tables';

type Tx = Transaction<AuditDatabase>;

interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

const partitionKey = (p: PartitionRef): string => `${p.topic}\u0000${p.partition}`;

function partitionsOf(events: readonly AuditEvent[]): PartitionRef[] {
  const unique = new Map(events.map((e) => [partitionKey(e), { topic: e.topic, partition: e.partition }]));
  return [...unique.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

async function lockPartitions(tx: Tx, partitions: readonly PartitionRef[]): Promise<void> {
  // unnest yields rows in array order, so the locks are taken in the sorted order above.
  // The schema is part of the key: several audit schemas may share one database.
  await sql`
    SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/' || p.topic), p.part)
    FROM unnest(${partitions.map((p) => p.topic)}::text[], ${partitions.map((p) => p.partition)}::int[])
      AS p(topic, part)`.execute(tx);
}

interface StoredRef {
  event_id: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
}

/**
 * Stored rows with one of the events' ids or coordinates. Two index lookups joined by UNION: an
 * OR of both conditions cannot use either index, and scanned the whole table on every batch (the
 * audit slowed down as its trail grew; docs/benchmarks.md, audit ingest).
 */
async function alreadyStored(tx: Tx, events: readonly AuditEvent[]): Promise<StoredRef[]> {
  const result = await sql<StoredRef>`
    SELECT event_id, topic, kafka_partition, kafka_offset FROM audit_events
    WHERE event_id = ANY(${events.map((e) => e.eventId)}::text[])
    UNION
    SELECT x.event_id, x.topic, x.kafka_partition, x.kafka_offset
    FROM unnest(${events.map((e) => e.topic)}::text[], ${events.map((e) => e.partition)}::int[],
                ${events.map((e) => e.offset)}::bigint[]) AS c(topic, part, off)
    CROSS JOIN LATERAL (
      SELECT a.event_id, a.topic, a.kafka_partition, a.kafka_offset FROM audit_events a
      WHERE a.topic = c.topic AND a.kafka_partition = c.part AND a.kafka_offset = c.off) x`.execute(tx);
  return result.rows;
}

type Original = Extract<AppendOutcome, { status: 'duplicate' }>['original'];

/** Outcome per event; the fresh ones are those marked stored. Coordinates are checked first: a redelivery is the usual case. */
function classify(events: readonly AuditEvent[], stored: readonly StoredRef[]): AppendOutcome[] {
  const byCoordinates = new Map<string, Original>();
  const byId = new Map<string, Original>();
  const remember = (original: Original): void => {
    byCoordinates.set(coordinatesOf(original), original);
    byId.set(original.eventId, original);
  };
  for (const row of stored) {
    remember({
      eventId: row.event_id,
      topic: row.topic,
      partition: row.kafka_partition,
      offset: row.kafka_offset,
    });
  }
  return events.map((event): AppendOutcome => {
    const sameCoordinates = byCoordinates.get(coordinatesOf(event));
    if (sameCoordinates) return { status: 'duplicate', reason: 'coordinates', original: sameCoordinates };
    const sameId = byId.get(event.eventId);
    if (sameId) return { status: 'duplicate', reason: 'event-id', original: sameId };
    remember({
      eventId: event.eventId,
      topic: event.topic,
      partition: event.partition,
      offset: event.offset,
    });
    return { status: 'stored' };
  });
}

async function chainHeads(tx: Tx, partitions: readonly PartitionRef[]): Promise<Map<string, string>> {
  const result = await sql<{ topic: string; part: number; hash: string | null }>`
    SELECT p.topic, p.part,
      (SELECT e.hash FROM audit_events e WHERE e.topic = p.topic AND e.kafka_partition = p.part
       ORDER BY e.sequence DESC LIMIT 1) AS hash
    FROM unnest(${partitions.map((p) => p.topic)}::text[], ${partitions.map((p) => p.partition)}::int[])
      AS p(topic, part)`.execute(tx);
  return new Map(
    result.rows.map((r) => [partitionKey({ topic: r.topic, partition: r.part }), r.hash ?? GENESIS_HASH]),
  );
}

function linkAll(fresh: readonly AuditEvent[], heads: Map<string, string>): ChainedAuditEvent[] {
  const byPartition = new Map<string, AuditEvent[]>();
  for (const event of fresh) {
    const key = partitionKey(event);
    const list = byPartition.get(key);
    if (list) list.push(event);
    else byPartition.set(key, [event]);
  }
  return [...byPartition].flatMap(([key, events]) => linkEvents(heads.get(key) ?? GENESIS_HASH, events));
}

export async function appendInTransaction(tx: Tx, events: readonly AuditEvent[]): Promise<AppendOutcome[]> {
  const partitions = partitionsOf(events);
  await lockPartitions(tx, partitions);
  const outcomes = classify(events, await alreadyStored(tx, events));
  const fresh = events.filter((_, i) => outcomes[i]?.status === 'stored');
  if (fresh.length === 0) return outcomes;
  const linked = linkAll(fresh, await chainHeads(tx, partitionsOf(fresh)));
  await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/audit-sequence'))`.execute(tx);
  await tx.insertInto('audit_events').values(linked.map(toRow)).execute();
  return outcomes;
}
