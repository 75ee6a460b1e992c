/**
 * The generations of declared metrics (analytics-migrations.ts): which one each metric serves,
 * which one a rebuild is filling, where that rebuild stands, and the atomic switch-over.
 */
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { MetricDefinition } from '@app/analytics';
import { lockGenerations } from './generation-lock';

export interface Generation {
  readonly id: number;
  readonly metric: string;
  readonly definition: MetricDefinition;
  readonly state: 'live' | 'building';
}

export interface RebuildPosition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
  readonly handoffOffset: bigint;
}

/** What makes two definitions compute the same numbers (the description does not). */
export function definitionKey(d: MetricDefinition): string {
  return JSON.stringify([d.type, d.version, d.aggregate, d.field ?? null, d.groupBy]);
}

interface GenerationRow {
  id: number;
  metric: string;
  definition: MetricDefinition;
  state: 'live' | 'building';
}

export async function activeGenerations(db: QueryExecutorProvider, type?: string): Promise<Generation[]> {
  const { rows } =
    type === undefined
      ? await sql<GenerationRow>`SELECT id, metric, definition, state FROM metric_generations ORDER BY id`.execute(
          db,
        )
      : await sql<GenerationRow>`
          SELECT id, metric, definition, state FROM metric_generations WHERE definition->>'type' = ${type}
          ORDER BY id`.execute(db);
  return rows;
}

async function dropGeneration(tx: QueryExecutorProvider, id: number): Promise<void> {
  await sql`DELETE FROM metric_points WHERE generation = ${id}`.execute(tx);
  await sql`DELETE FROM rebuild_positions WHERE generation = ${id}`.execute(tx);
  await sql`DELETE FROM counted_events WHERE scope = ${id}`.execute(tx);
  await sql`DELETE FROM metric_generations WHERE id = ${id}`.execute(tx);
}

/**
 * Brings the generations in line with the configured metrics: generations of metrics no longer
 * declared, and rebuilds of a definition no longer declared, are dropped. Returns the metrics
 * whose declared definition has no generation yet (new or changed): they need a rebuild.
 */
export async function reconcileGenerations(
  db: Kysely<unknown>,
  declared: readonly MetricDefinition[],
): Promise<MetricDefinition[]> {
  return db.transaction().execute(async (tx) => {
    await lockGenerations(tx);
    const byName = new Map(declared.map((d) => [d.name, d]));
    const covered = new Set<string>();
    for (const generation of await activeGenerations(tx)) {
      const wanted = byName.get(generation.metric);
      if (wanted === undefined) await dropGeneration(tx, generation.id);
      else if (definitionKey(wanted) === definitionKey(generation.definition)) covered.add(wanted.name);
      else if (generation.state === 'building') await dropGeneration(tx, generation.id);
    }
    return declared.filter((d) => !covered.has(d.name));
  });
}

/**
 * Starts a generation of `definition` (or returns the one being built): its handoff offsets are
 * the live consumer's stored positions of the type's topic at this instant (under the exclusive
 * generation lock). A partition the live consumer never stored hands off at 0. When there is
 * nothing before the handoff, the generation is live at once.
 */
export async function startGeneration(
  db: Kysely<unknown>,
  definition: MetricDefinition,
  partitions: readonly number[],
  options: {
    /** Rebuild even when the live generation already has this definition (recompute it). */
    readonly force?: boolean;
    /** Start it only when nothing needs rebuilding (the live consumer stored no position of the topic). */
    readonly onlyWithoutHistory?: boolean;
  } = {},
): Promise<Generation | undefined> {
  const force = options.force ?? false;
  return db.transaction().execute(async (tx) => {
    await lockGenerations(tx);
    if (options.onlyWithoutHistory === true) {
      const { rows } = await sql`
        SELECT 1 FROM consumer_positions WHERE topic = ${definition.type} AND next_offset > 0 LIMIT 1`.execute(
        tx,
      );
      if (rows.length > 0) return undefined;
    }
    const existing = (await activeGenerations(tx)).find(
      (g) =>
        g.metric === definition.name &&
        definitionKey(g.definition) === definitionKey(definition) &&
        (g.state === 'building' || !force),
    );
    if (existing !== undefined) return existing;
    const { rows } = await sql<{ id: number }>`
      INSERT INTO metric_generations (metric, definition, state)
      VALUES (${definition.name}, ${JSON.stringify(definition)}::jsonb, 'building') RETURNING id`.execute(tx);
    const id = rows[0]!.id;
    await sql`
      INSERT INTO rebuild_positions (generation, topic, kafka_partition, next_offset, handoff_offset)
      SELECT ${id}, ${definition.type}, p, 0, coalesce(c.next_offset, 0)
      FROM unnest(${[...partitions]}::int[]) AS p
      LEFT JOIN consumer_positions c ON c.topic = ${definition.type} AND c.kafka_partition = p`.execute(tx);
    const generation: Generation = { id, metric: definition.name, definition, state: 'building' };
    const positions = await rebuildPositions(tx, id);
    if (positions.every((p) => p.handoffOffset === 0n)) return switchLocked(tx, generation);
    return generation;
  });
}

export async function rebuildPositions(
  db: QueryExecutorProvider,
  generation: number,
): Promise<RebuildPosition[]> {
  const { rows } = await sql<{
    topic: string;
    kafka_partition: number;
    next_offset: string;
    handoff_offset: string;
  }>`
    SELECT topic, kafka_partition, next_offset::text, handoff_offset::text FROM rebuild_positions
    WHERE generation = ${generation} ORDER BY kafka_partition`.execute(db);
  return rows.map((r) => ({
    topic: r.topic,
    partition: r.kafka_partition,
    nextOffset: BigInt(r.next_offset),
    handoffOffset: BigInt(r.handoff_offset),
  }));
}

/** Moves a rebuild's position (compare-and-set, like the live position); false when it moved meanwhile. */
export async function saveRebuildPosition(
  tx: QueryExecutorProvider,
  generation: number,
  partition: number,
  previous: bigint,
  next: bigint,
): Promise<boolean> {
  const result = await sql`
    UPDATE rebuild_positions SET next_offset = ${next.toString()}::bigint
    WHERE generation = ${generation} AND kafka_partition = ${partition} AND next_offset = ${previous.toString()}::bigint`.execute(
    tx,
  );
  return result.numAffectedRows === 1n;
}

async function switchLocked(tx: QueryExecutorProvider, generation: Generation): Promise<Generation> {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM metric_generations WHERE metric = ${generation.metric} AND state = 'live'`.execute(tx);
  for (const old of rows) await dropGeneration(tx, old.id);
  await sql`
    UPDATE metric_generations SET state = 'live', switched_at = now(), rebuild_owner = NULL, rebuild_lease_until = NULL
    WHERE id = ${generation.id}`.execute(tx);
  await sql`DELETE FROM rebuild_positions WHERE generation = ${generation.id}`.execute(tx);
  await sql`DELETE FROM counted_events WHERE scope = ${generation.id}`.execute(tx);
  return { ...generation, state: 'live' };
}

/**
 * The switch-over: in one transaction (exclusive generation lock), the rebuilt generation
 * becomes the one served and the previous one is dropped. Refused (undefined) while any
 * partition is short of its handoff offset.
 */
export async function switchToRebuilt(
  db: Kysely<unknown>,
  generation: Generation,
): Promise<Generation | undefined> {
  return db.transaction().execute(async (tx) => {
    await lockGenerations(tx);
    const positions = await rebuildPositions(tx, generation.id);
    if (positions.some((p) => p.nextOffset < p.handoffOffset)) return undefined;
    return switchLocked(tx, generation);
  });
}

/** Takes (or renews) the right to run this generation's rebuild; false while another instance holds it. */
export async function leaseRebuild(
  db: QueryExecutorProvider,
  generation: number,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await sql`
    UPDATE metric_generations
    SET rebuild_owner = ${owner}, rebuild_lease_until = now() + ${leaseMs} * interval '1 millisecond'
    WHERE id = ${generation} AND state = 'building'
      AND (rebuild_owner IS NULL OR rebuild_owner = ${owner} OR rebuild_lease_until < now())`.execute(db);
  return result.numAffectedRows === 1n;
}
