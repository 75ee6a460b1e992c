/**
 * One transaction per consumed batch, for the live consumer and for a rebuild. Live:
 * 1. the generation lock, shared (generation-lock.ts);
 * 2. the partition's position, compare-and-set first: a zombie instance fails here, before it
 *    adds anything, and the row stays locked until commit;
 * 3. the events not counted yet (by type and id; a replayed dead letter was counted already);
 * 4. the built-in counts, the declared metrics of every generation of the type (live and being
 *    rebuilt: their handoff is at or below this batch), and the latency sketches.
 * A rebuild writes one generation and its own position, with its own set of counted ids.
 */
import type { Kysely } from 'kysely';
import { PositionConflictError, PostgresConsumerPositions, type PositionWrite } from '@app/persistence';
import type { ObservedEvent } from '../domain/observed-event';
import { addCounts, addMetricRows, claimFresh, type MetricRow } from './aggregate-writes';
import { shareGenerations } from './generation-lock';
import { activeGenerations, saveRebuildPosition, type Generation } from './generation-store';
import { addLatencies } from './latency-writes';

/** Computes the rows of the fresh events for these generations (decoding through their reader versions). */
export type MetricRowsOf = (
  generations: readonly Generation[],
  fresh: readonly ObservedEvent[],
) => Promise<MetricRow[]>;

export const LIVE_SCOPE = 0;

export class IngestStore {
  constructor(private readonly db: Kysely<unknown>) {}

  /** Returns how many events were new (counted now). */
  async ingestLive(
    events: readonly ObservedEvent[],
    position: PositionWrite,
    rowsOf: MetricRowsOf,
    processedAt: number,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await shareGenerations(tx);
      await PostgresConsumerPositions.save(tx, position);
      const fresh = await claimFresh(tx, LIVE_SCOPE, events);
      if (fresh.length === 0) return 0;
      await addCounts(tx, fresh);
      const types = [...new Set(fresh.map((e) => e.type))];
      const generations = (await Promise.all(types.map((t) => activeGenerations(tx, t)))).flat();
      if (generations.length > 0) await addMetricRows(tx, await rowsOf(generations, fresh));
      await addLatencies(tx, fresh, processedAt);
      return fresh.length;
    });
  }

  /** Throws PositionConflictError when another rebuilder moved the position. */
  async ingestRebuild(
    generation: Generation,
    partition: number,
    previous: bigint,
    next: bigint,
    events: readonly ObservedEvent[],
    rowsOf: MetricRowsOf,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (!(await saveRebuildPosition(tx, generation.id, partition, previous, next))) {
        throw new PositionConflictError(
          `the rebuild position of generation ${generation.id} partition ${partition} is no longer ${previous}`,
        );
      }
      const fresh = await claimFresh(tx, generation.id, events);
      if (fresh.length > 0) await addMetricRows(tx, await rowsOf([generation], fresh));
    });
  }
}
