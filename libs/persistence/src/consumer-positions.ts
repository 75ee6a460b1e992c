/**
 * The Kafka position of a consumer app that keeps its state in PostgreSQL (audit, analytics,
 * webhooks). Each partition's next offset is written in the same transaction as the state it
 * produced, and the consumer runtime resumes from it on every assignment (@app/kafka
 * ConsumerPositionStore): Kafka's group offsets are a hint, and commits made on the group by
 * anyone else cannot make the app skip or double anything.
 *
 * Two tables in the app's own schema (added by the app's migrations, CONSUMER_POSITION_STATEMENTS):
 * - `consumer_positions`: one row per topic-partition, advanced with compare-and-set: a write
 *   names the position it started from, and fails with PositionConflictError (retriable) when
 *   another writer moved it meanwhile (a zombie instance after a rebalance), so state is never
 *   applied twice;
 * - `consumer_group_owner`: the one consumer group whose position the schema holds. An app
 *   started on this database with another group id refuses to start (GroupMismatchError):
 *   its group's offsets and this schema's positions would describe different histories.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Retriable } from '@app/platform';

export const CONSUMER_POSITION_STATEMENTS: readonly string[] = [
  `CREATE TABLE consumer_group_owner (
     singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     group_id   text        NOT NULL,
     claimed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE consumer_positions (
     topic           text        NOT NULL,
     kafka_partition integer     NOT NULL,
     next_offset     bigint      NOT NULL CHECK (next_offset >= 0),
     updated_at      timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (topic, kafka_partition)
   )`,
];

export class GroupMismatchError extends Error {
  override name = 'GroupMismatchError';
}

/** The stored position moved since the batch was read: retry after reading it again. */
export class PositionConflictError extends Error implements Retriable {
  override name = 'PositionConflictError';
  readonly retriable = true;
}

export interface PositionWrite {
  readonly topic: string;
  readonly partition: number;
  /** The stored position this write expects (undefined: none stored yet). */
  readonly previousOffset: string | undefined;
  readonly nextOffset: string;
}

/**
 * Records `groupId` as the owner of this schema's positions the first time, and refuses any other
 * group afterwards. `schemaName` only makes the message clear.
 */
export async function claimConsumerGroup(
  db: QueryExecutorProvider,
  groupId: string,
  schemaName: string,
): Promise<void> {
  await sql`INSERT INTO consumer_group_owner (group_id) VALUES (${groupId}) ON CONFLICT DO NOTHING`.execute(
    db,
  );
  const { rows } = await sql<{ group_id: string }>`SELECT group_id FROM consumer_group_owner`.execute(db);
  const owner = rows[0]?.group_id;
  if (owner !== groupId) {
    throw new GroupMismatchError(
      `the "${schemaName}" schema of this database holds the positions of consumer group "${owner}", ` +
        `not "${groupId}": use group "${owner}" with this database, or another database for group "${groupId}"`,
    );
  }
}

export class PostgresConsumerPositions {
  constructor(private readonly db: QueryExecutorProvider) {}

  /** The stored next offset of each of these partitions of `topic` (ConsumerPositionStore.load). */
  async load(topic: string, partitions: readonly number[]): Promise<ReadonlyMap<number, string>> {
    const { rows } = await sql<{ kafka_partition: number; next_offset: string }>`
      SELECT kafka_partition, next_offset::text AS next_offset FROM consumer_positions
      WHERE topic = ${topic} AND kafka_partition = ANY(${[...partitions]}::int[])`.execute(this.db);
    return new Map(rows.map((row) => [row.kafka_partition, row.next_offset]));
  }

  /** Advances one partition's position inside the caller's transaction; throws PositionConflictError. */
  static async save(tx: QueryExecutorProvider, write: PositionWrite): Promise<void> {
    const { topic, partition, previousOffset, nextOffset } = write;
    const result =
      previousOffset === undefined
        ? await sql`
            INSERT INTO consumer_positions (topic, kafka_partition, next_offset)
            VALUES (${topic}, ${partition}, ${nextOffset}::bigint)
            ON CONFLICT (topic, kafka_partition) DO NOTHING`.execute(tx)
        : await sql`
            UPDATE consumer_positions SET next_offset = ${nextOffset}::bigint, updated_at = now()
            WHERE topic = ${topic} AND kafka_partition = ${partition}
              AND next_offset = ${previousOffset}::bigint`.execute(tx);
    if (result.numAffectedRows !== 1n) {
      throw new PositionConflictError(
        `the stored position of ${topic}[${partition}] is no longer ${previousOffset ?? 'unset'}: another consumer moved it`,
      );
    }
  }
}
