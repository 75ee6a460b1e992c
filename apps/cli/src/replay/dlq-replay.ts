/**
 * The `herald replay` use case: re-publishes dead letters to their original topic — the original
 * key, value bytes and headers, through an idempotent producer with acks=all — and records each
 * replayed record in the `herald-replay.<dlq>` consumer group before moving on, so an interrupted
 * or repeated run never replays a record twice. It reads up to the end of the DLQ as it was when
 * the run started, then stops.
 */
import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { connectKafka } from '../usage-error';
import { topicPartitions } from '../tail/topic-reader';
import {
  deadLetterFacts,
  isSelected,
  replayGroupId,
  replayHeaders,
  type ReplayFilters,
} from './dead-letter-record';
import { ReplayProgress } from './replay-progress';

export interface ReplayRequest extends ReplayFilters {
  readonly dlq: string;
  /** Target topic; default each record's `herald_dlq_topic`. */
  readonly to?: string;
  readonly dryRun: boolean;
  readonly limit?: number;
  readonly signal: AbortSignal;
  /** Stop waiting when no record arrives for this long (a gap the end offset promised but never delivers). */
  readonly idleTimeoutMs?: number;
}

export type ReplayEvent =
  | {
      kind: 'replayed' | 'planned';
      partition: number;
      offset: string;
      id?: string;
      target: string;
      at?: { partition: number; offset: string };
    }
  | { kind: 'failed'; partition: number; offset: string; id?: string; reason: string };

export interface ReplaySummary {
  readonly dlq: string;
  readonly group: string;
  readonly dryRun: boolean;
  readonly replayed: number;
  readonly passedOver: number;
  readonly alreadyReplayed: number;
  readonly failed: number;
  readonly stoppedEarly: boolean;
}

interface PartitionState {
  readonly progress: ReplayProgress;
  /** The high watermark when the run started: the run stops there. */
  readonly end: bigint;
  done: boolean;
}

export async function replayDeadLetters(
  kafka: Kafka,
  request: ReplayRequest,
  report: (event: ReplayEvent) => Promise<void>,
): Promise<ReplaySummary> {
  const admin = kafka.admin();
  await connectKafka(admin);
  const group = replayGroupId(request.dlq);
  try {
    await topicPartitions(admin, request.dlq);
    if (request.to !== undefined) await topicPartitions(admin, request.to);
    const states = await partitionStates(admin, request.dlq, group);
    const runner = new ReplayRunner(kafka, admin, request, group, states, report);
    return await runner.run();
  } finally {
    await admin.disconnect();
  }
}

async function partitionStates(
  admin: Admin,
  dlq: string,
  group: string,
): Promise<Map<number, PartitionState>> {
  const [watermarks, committed] = await Promise.all([
    admin.fetchTopicOffsets(dlq),
    admin.fetchOffsets({ groupId: group, topics: [dlq] }),
  ]);
  const commits = new Map(committed[0]?.partitions.map((p) => [p.partition, p]) ?? []);
  const states = new Map<number, PartitionState>();
  for (const w of watermarks) {
    const commit = commits.get(w.partition);
    const progress = ReplayProgress.fromCommit(commit?.offset ?? '-1', commit?.metadata);
    const start =
      BigInt(progress.committedOffset) > BigInt(w.low) ? BigInt(progress.committedOffset) : BigInt(w.low);
    const end = BigInt(w.high);
    states.set(w.partition, { progress, end, done: start >= end });
  }
  return states;
}

class ReplayRunner {
  private readonly counts = { replayed: 0, passedOver: 0, alreadyReplayed: 0, failed: 0 };
  private readonly targets = new Map<string, Promise<void>>();
  private finish: () => void = () => undefined;
  private fail: (error: unknown) => void = () => undefined;
  private idle: NodeJS.Timeout | undefined;
  private stoppedEarly = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly request: ReplayRequest,
    private readonly group: string,
    private readonly states: Map<number, PartitionState>,
    private readonly report: (event: ReplayEvent) => Promise<void>,
  ) {}

  async run(): Promise<ReplaySummary> {
    if (![...this.states.values()].every((s) => s.done) && this.request.limit !== 0) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      const consumer = this.kafka.consumer({ groupId: this.group, allowAutoTopicCreation: false });
      await connectKafka(producer);
      try {
        await this.consume(consumer, producer);
      } finally {
        clearTimeout(this.idle);
        await consumer.disconnect().catch(() => undefined);
        await producer.disconnect().catch(() => undefined);
      }
    }
    return {
      dlq: this.request.dlq,
      group: this.group,
      dryRun: this.request.dryRun,
      ...this.counts,
      stoppedEarly: this.stoppedEarly,
    };
  }

  private async consume(consumer: Consumer, producer: Producer): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    this.request.signal.addEventListener('abort', () => this.stop(true), { once: true });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.fail(event.payload.error);
    });
    await connectKafka(consumer);
    await consumer.subscribe({ topic: this.request.dlq, fromBeginning: true });
    this.armIdleTimer();
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.armIdleTimer();
        try {
          await this.handle(consumer, producer, partition, message);
        } catch (error) {
          this.fail(error);
        }
      },
    });
    await done;
  }

  private async handle(
    consumer: Consumer,
    producer: Producer,
    partition: number,
    record: KafkaMessage,
  ): Promise<void> {
    const state = this.states.get(partition);
    if (state === undefined || state.done || this.request.signal.aborted || this.limitReached()) return;
    if (BigInt(record.offset) >= state.end) return this.markDone(state);
    if (BigInt(record.offset) + 1n >= state.end) state.done = true;
    if (state.progress.wasReplayed(record.offset)) {
      this.counts.alreadyReplayed += 1;
    } else {
      await this.replayOne(consumer, producer, partition, record, state);
    }
    if (state.done || this.limitReached()) this.checkFinished();
  }

  private async replayOne(
    consumer: Consumer,
    producer: Producer,
    partition: number,
    record: KafkaMessage,
    state: PartitionState,
  ): Promise<void> {
    const facts = deadLetterFacts(record);
    if (!isSelected(facts, this.request)) {
      this.counts.passedOver += 1;
      return;
    }
    const base = { partition, offset: record.offset, ...(facts.id === undefined ? {} : { id: facts.id }) };
    const target = this.request.to ?? facts.originalTopic;
    if (target === undefined) {
      this.counts.failed += 1;
      return this.report({
        kind: 'failed',
        ...base,
        reason: 'no herald_dlq_topic header: pass --to <topic>',
      });
    }
    const targetProblem = await this.checkTarget(target);
    if (targetProblem !== undefined) {
      this.counts.failed += 1;
      return this.report({ kind: 'failed', ...base, reason: targetProblem });
    }
    this.counts.replayed += 1;
    if (this.request.dryRun) return this.report({ kind: 'planned', ...base, target });
    const [sent] = await producer.send({
      topic: target,
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers: replayHeaders(record, { topic: this.request.dlq, partition }),
        },
      ],
    });
    state.progress.markReplayed(record.offset);
    await consumer.commitOffsets([
      {
        topic: this.request.dlq,
        partition,
        offset: state.progress.committedOffset,
        metadata: state.progress.metadata(),
      },
    ]);
    const at = sent === undefined ? undefined : { partition: sent.partition, offset: sent.baseOffset ?? '?' };
    await this.report({ kind: 'replayed', ...base, target, ...(at === undefined ? {} : { at }) });
  }

  /** A target that does not exist is reported per record, never auto-created. */
  private async checkTarget(topic: string): Promise<string | undefined> {
    let pending = this.targets.get(topic);
    if (pending === undefined) {
      pending = topicPartitions(this.admin, topic).then(() => undefined);
      this.targets.set(topic, pending);
    }
    return pending.then(
      () => undefined,
      (error: Error) => `cannot replay to ${topic}: ${error.message}`,
    );
  }

  private limitReached(): boolean {
    return this.request.limit !== undefined && this.counts.replayed >= this.request.limit;
  }

  private markDone(state: PartitionState): void {
    state.done = true;
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.limitReached() || [...this.states.values()].every((s) => s.done)) this.stop(false);
  }

  private stop(early: boolean): void {
    this.stoppedEarly ||= early;
    clearTimeout(this.idle);
    this.finish();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(true), this.request.idleTimeoutMs ?? 30_000);
  }
}
