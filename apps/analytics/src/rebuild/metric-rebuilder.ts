/**
 * Backfill of a declared metric: a new generation is computed from the beginning of the type's
 * retained history by a consumer of its own (group `<analytics group>.rebuild.<generation>`,
 * positions stored in `rebuild_positions` with its rows, so the live group is never touched),
 * up to the handoff offsets: the live consumer's positions when the generation was created.
 * From those offsets on, the live consumer applies its batches to the new generation too. Once
 * every partition reaches its handoff, one transaction makes the new generation the served one
 * and drops the old. Until then the old one is served, and it stays right. One instance runs a
 * given rebuild at a time (a lease renewed while it runs); another takes over after a crash.
 */
import { Logger } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { MetricDefinition } from '@app/analytics';
import { HandlerError } from '@app/kafka';
import { observe, type ObservedEvent } from '../domain/observed-event';
import type { MetricReaders } from '../consumer/metric-readers';
import {
  activeGenerations,
  leaseRebuild,
  rebuildPositions,
  startGeneration,
  switchToRebuilt,
  type Generation,
} from '../storage/generation-store';
import type { MetricRow } from '../storage/aggregate-writes';
import type { IngestStore, MetricRowsOf } from '../storage/ingest-store';

export interface RebuildSettings {
  readonly groupId: string;
  readonly owner: string;
  readonly latenessMs: number;
  readonly leaseMs: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class MetricRebuilder {
  private readonly logger = new Logger('MetricRebuilder');
  private readonly running = new Map<number, Promise<void>>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly kafka: Kafka,
    private readonly store: Pick<IngestStore, 'ingestRebuild'>,
    private readonly readers: MetricReaders,
    private readonly settings: RebuildSettings,
  ) {}

  /** Creates the generation (or finds the one being built) and runs its rebuild in the background. */
  async rebuild(definition: MetricDefinition, force: boolean): Promise<void> {
    const partitions = await this.partitionsOf(definition.type);
    const generation = await startGeneration(this.db, definition, partitions, { force });
    if (generation?.state === 'building') this.launch(generation);
  }

  /**
   * Makes a new metric live at once when the live consumer has read nothing of its topic yet (it
   * will compute it from the first record); otherwise it stays pending until rebuilt.
   */
  async startWithoutHistory(definition: MetricDefinition): Promise<void> {
    const partitions = await this.partitionsOf(definition.type);
    await startGeneration(this.db, definition, partitions, { onlyWithoutHistory: true });
  }

  /** Resumes the rebuilds of these definitions left unfinished (a crash, a restart). */
  async resume(declared: readonly MetricDefinition[]): Promise<void> {
    if (this.stopping) return;
    const names = new Set(declared.map((d) => d.name));
    for (const generation of await activeGenerations(this.db)) {
      if (generation.state === 'building' && names.has(generation.metric)) this.launch(generation);
    }
  }

  /**
   * Resumes now and then again every `everyMs`: a rebuild whose instance died holds its lease
   * until the lease runs out, and is taken over on the first try after that.
   */
  keepResuming(declared: readonly MetricDefinition[], everyMs: number): void {
    const tick = (): void =>
      void this.resume(declared).catch((error: unknown) =>
        this.logger.warn(`could not look for unfinished rebuilds: ${(error as Error).message}`),
      );
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    await Promise.allSettled(this.running.values());
  }

  private launch(generation: Generation): void {
    if (this.running.has(generation.id)) return;
    const run = this.run(generation)
      .catch((error: unknown) =>
        this.logger.error(`rebuild of metric ${generation.metric} stopped: ${(error as Error).message}`),
      )
      .finally(() => this.running.delete(generation.id));
    this.running.set(generation.id, run);
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) return [];
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      return (metadata.topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
    } finally {
      await admin.disconnect();
    }
  }

  private async run(generation: Generation): Promise<void> {
    const { leaseMs, owner } = this.settings;
    if (!(await leaseRebuild(this.db, generation.id, owner, leaseMs))) return;
    const positions = await rebuildPositions(this.db, generation.id);
    const current = new Map(positions.map((p) => [p.partition, p.nextOffset]));
    const handoff = new Map(positions.map((p) => [p.partition, p.handoffOffset]));
    const open = new Set(positions.filter((p) => p.nextOffset < p.handoffOffset).map((p) => p.partition));
    if (open.size > 0) await this.consume(generation, current, handoff, open);
    if (this.stopping || open.size > 0) return;
    const switched = await switchToRebuilt(this.db, generation);
    if (switched !== undefined)
      this.logger.log(`metric ${generation.metric}: rebuilt generation ${generation.id} is live`);
  }

  private async consume(
    generation: Generation,
    current: Map<number, bigint>,
    handoff: ReadonlyMap<number, bigint>,
    open: Set<number>,
  ): Promise<void> {
    const topic = generation.definition.type;
    const groupId = `${this.settings.groupId}.rebuild.${generation.id}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
    let failure: Error | undefined;
    let lastLease = Date.now();
    let lastReport = 0;
    const total = [...handoff.values()].reduce((a, b) => a + b, 0n);
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const finished = new Promise<void>((resolve, reject) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch, heartbeat, isRunning }) => {
            if (failure !== undefined || !isRunning()) return;
            const partition = batch.partition;
            if (!open.has(partition)) return;
            try {
              await this.applyBatch(
                generation,
                partition,
                batch.messages,
                current,
                handoff.get(partition) ?? 0n,
              );
            } catch (error) {
              failure = error as Error;
              return reject(failure);
            }
            if ((current.get(partition) ?? 0n) >= (handoff.get(partition) ?? 0n)) {
              open.delete(partition);
              consumer.pause([{ topic, partitions: [partition] }]);
            }
            await heartbeat();
            if (Date.now() - lastLease > this.settings.leaseMs / 3) {
              lastLease = Date.now();
              await leaseRebuild(this.db, generation.id, this.settings.owner, this.settings.leaseMs);
            }
            if (Date.now() - lastReport > 2_000 || open.size === 0) {
              lastReport = Date.now();
              const done = [...current].reduce(
                (sum, [p, o]) => sum + (o < (handoff.get(p) ?? 0n) ? o : (handoff.get(p) ?? 0n)),
                0n,
              );
              this.logger.log(`rebuild of metric ${generation.metric}: ${done} of ${total} records`);
            }
            if (open.size === 0) resolve();
          },
        });
        for (const partition of open)
          consumer.seek({ topic, partition, offset: (current.get(partition) ?? 0n).toString() });
      });
      while (open.size > 0 && !this.stopping && failure === undefined) {
        await Promise.race([finished, pause(500)]);
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = this.kafka.admin();
      await admin.connect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    if (failure !== undefined) throw failure;
  }

  /** Applies the records below the handoff; retries a failed write a few times (the database may be restarting). */
  private async applyBatch(
    generation: Generation,
    partition: number,
    messages: readonly KafkaMessage[],
    current: Map<number, bigint>,
    handoff: bigint,
  ): Promise<void> {
    const previous = current.get(partition) ?? 0n;
    const wanted = messages.filter((m) => BigInt(m.offset) >= previous && BigInt(m.offset) < handoff);
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    const lastOffset = BigInt(last.offset);
    const next = lastOffset + 1n >= handoff ? handoff : lastOffset + 1n;
    if (next <= previous) return;
    const events = wanted.map((m) => this.observed(generation.definition.type, partition, m));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.ingestRebuild(
          generation,
          partition,
          previous,
          next,
          events,
          this.rowsSkippingUnreadable,
        );
        current.set(partition, next);
        return;
      } catch (error) {
        if ((error as { name?: string }).name === 'PositionConflictError' || attempt >= 5) throw error;
        await pause(200 * 2 ** attempt);
      }
    }
  }

  /**
   * The live consumer dead-letters a record its metrics cannot read (so it is not counted there);
   * the rebuild skips it the same way, with a warning, instead of stopping at it.
   */
  private readonly rowsSkippingUnreadable: MetricRowsOf = async (generations, fresh) => {
    try {
      return await this.readers.rowsOf(generations, fresh);
    } catch (error) {
      if (!(error instanceof HandlerError) || error.retriable) throw error;
    }
    const rows: MetricRow[] = [];
    for (const event of fresh) {
      try {
        rows.push(...(await this.readers.rowsOf(generations, [event])));
      } catch (error) {
        if (!(error instanceof HandlerError) || error.retriable) throw error;
        this.logger.warn(`rebuild of metric ${generations[0]?.metric ?? ''}: skipped ${error.message}`);
      }
    }
    return rows;
  };

  private observed(topic: string, partition: number, message: KafkaMessage): ObservedEvent {
    const header = (name: string): string => {
      const value = message.headers?.[name];
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? '' : first.toString();
    };
    return observe(
      {
        id: header('ce_id'),
        type: topic,
        time: header('ce_time'),
        timestamp: message.timestamp,
        topic,
        partition,
        offset: message.offset,
        value: message.value ?? Buffer.alloc(0),
      },
      this.settings.latenessMs,
    );
  }
}
