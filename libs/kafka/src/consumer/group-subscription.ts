/**
 * The kafkajs consumer's life, supervised: subscribe to the topics the handlers take, run,
 * re-read the topic list periodically, and bring the consumer back whenever it stops.
 *
 * kafkajs resolves a subscription once, at subscribe() time, cannot subscribe while running and
 * cannot unsubscribe at all: a deleted topic stays in the consumer's list, and every later
 * subscribe() or restart fails on its missing metadata. So whenever the wanted topic set changes
 * (a type created, a topic deleted) or the consumer crashed, the supervisor replaces the consumer
 * with a new one subscribed to exactly the topics that exist now (one rebalance, rare). kafkajs'
 * own restart-after-crash is switched off (`restartOnFailure`): it would restart with the stale
 * topic list forever. A failed replacement is retried with backoff; if the consumer cannot be
 * brought back within `recoveryLimitMs`, `onGiveUp` is called (the app exits non-zero so a
 * supervisor restarts it) rather than idling while readiness would have to guess.
 */
import type { LoggerService } from '@nestjs/common';
import type { Admin, Consumer, ConsumerRunConfig } from 'kafkajs';
import type { HandlerTable } from './handler-table';
import type { PartitionPositions } from './partition-positions';
import { backoffDelay } from './retry-backoff';

export interface SubscriptionSettings {
  readonly fromBeginning: boolean;
  readonly topicRefreshMs: number;
  /** How long a running consumer may stay out of its group (rebalancing) before readiness fails. */
  readonly joinGraceMs: number;
  /** How long the supervisor keeps trying to bring a stopped consumer back before it gives up. */
  readonly recoveryLimitMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

export type ConsumerFactory = () => Consumer;

type State = 'idle' | 'running' | 'recovering' | 'stopped';

export class GroupSubscription {
  private consumer: Consumer | undefined;
  private subscribed: readonly string[] = [];
  private state: State = 'idle';
  private joined = false;
  private everJoined = false;
  /** When the consumer last left (or has not yet entered) its group. */
  private outOfGroupSince = Date.now();
  private failingSince: number | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Replacements and stop() run one at a time. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly createConsumer: ConsumerFactory,
    private readonly admin: Admin,
    private readonly table: HandlerTable,
    private readonly runConfig: ConsumerRunConfig,
    private readonly positions: PartitionPositions,
    private readonly settings: SubscriptionSettings,
    private readonly logger: LoggerService,
    private readonly onGiveUp: (error: Error) => void,
    private readonly onStateChange: () => void = () => undefined,
  ) {}

  /**
   * Subscribes and runs. A first attempt that fails (a coordinator still loading, a topic deleted
   * between listing and subscribing) is retried like any later failure: readiness says so meanwhile.
   */
  async start(): Promise<void> {
    try {
      await this.enqueue(() => this.reconcile(true));
    } catch (error) {
      this.failed(error);
    }
    this.refreshTimer = setInterval(() => this.schedule(false), this.settings.topicRefreshMs);
    this.refreshTimer.unref();
  }

  /**
   * Why the consumer is not doing its job, or undefined when it is: readiness reports this.
   * Within `joinGraceMs` a rebalance is normal; before the first join the group is not joined yet.
   */
  problem(now = Date.now()): string | undefined {
    switch (this.state) {
      case 'stopped':
        return 'the consumer is stopped';
      case 'recovering':
        return `the consumer is not running (${this.lastError ?? 'restarting'}); restarting since ${new Date(
          this.failingSince ?? now,
        ).toISOString()}`;
      case 'idle':
        return undefined;
      case 'running':
        if (this.joined) return undefined;
        if (!this.everJoined) return 'the consumer has not joined its group yet';
        if (now - this.outOfGroupSince > this.settings.joinGraceMs) {
          return `the consumer has been out of its group for ${Math.round((now - this.outOfGroupSince) / 1000)} s`;
        }
        return undefined;
    }
  }

  /** True while records can flow: running and in the group (or within the rebalance grace). */
  consuming(): boolean {
    return this.state === 'running' && this.problem() === undefined;
  }

  topics(): string[] {
    return [...this.subscribed];
  }

  /** The consumer currently running (seek() goes to it), if any. */
  current(): Consumer | undefined {
    return this.state === 'running' ? this.consumer : undefined;
  }

  /** Stops fetching, lets the in-flight batches finish and commit, leaves the group, disconnects. */
  stop(): Promise<void> {
    this.setState('stopped');
    clearInterval(this.refreshTimer);
    clearTimeout(this.retryTimer);
    return this.enqueue(async () => {
      await this.consumer?.disconnect();
      this.consumer = undefined;
    });
  }

  private schedule(force: boolean): void {
    if (this.state === 'stopped') return;
    // While recovering, the retry timer owns the next replacement.
    if (!force && this.state === 'recovering') return;
    void this.enqueue(() => this.reconcile(force)).catch((error: unknown) => this.failed(error));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Replaces the consumer when the wanted topics changed, or always when `force` (after a crash). */
  private async reconcile(force: boolean): Promise<void> {
    if (this.state === 'stopped') return;
    const wanted = this.table.topicsToRead(await this.admin.listTopics());
    if (!force && this.state !== 'recovering' && sameTopics(wanted, this.subscribed)) return;
    const added = wanted.filter((topic) => !this.subscribed.includes(topic));
    const removed = this.subscribed.filter((topic) => !wanted.includes(topic));
    await this.replace(wanted);
    if (added.length > 0) this.logger.log?.(`reading ${added.join(', ')}`);
    if (removed.length > 0) this.logger.warn?.(`no longer reading deleted topic(s) ${removed.join(', ')}`);
    if (this.failingSince !== undefined) {
      this.logger.log?.(`the consumer runs again after ${Date.now() - this.failingSince} ms`);
    }
    this.failingSince = undefined;
    this.failures = 0;
    this.lastError = undefined;
  }

  private async replace(wanted: readonly string[]): Promise<void> {
    const old = this.consumer;
    this.consumer = undefined;
    if (old !== undefined) await old.disconnect().catch(() => undefined);
    this.joined = false;
    this.outOfGroupSince = Date.now();
    this.subscribed = wanted;
    if (wanted.length === 0) {
      this.setState('idle');
      return;
    }
    const consumer = this.createConsumer();
    // Set before run(): kafkajs joins the group inside run(), and GROUP_JOIN must count.
    this.consumer = consumer;
    this.watch(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...wanted], fromBeginning: this.settings.fromBeginning });
      await consumer.run(this.runConfig);
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.state === 'stopped') return; // stop() disconnects this.consumer
    this.setState('running');
  }

  private watch(consumer: Consumer): void {
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, END_BATCH_PROCESS } = consumer.events;
    const mine = () => this.consumer === consumer;
    consumer.on(GROUP_JOIN, (event) => {
      this.positions.assigned(event.payload.memberAssignment, (topic, partition, offset) => {
        if (mine()) consumer.seek({ topic, partition, offset });
      });
      if (!mine()) return;
      this.joined = true;
      this.everJoined = true;
      this.onStateChange();
    });
    consumer.on(REBALANCING, () => {
      if (!mine()) return;
      this.joined = false;
      this.outOfGroupSince = Date.now();
      this.onStateChange();
    });
    // kafkajs never hands eachBatch a fetch of only transaction markers (or aborted records); it
    // resolves it itself. Counting it as processed keeps a marker from showing as lag 1 forever.
    consumer.on(END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) {
        this.positions.advance(
          payload.topic,
          payload.partition,
          String(BigInt(payload.lastOffset) + 1n),
          false,
        );
      }
    });
    consumer.on(CRASH, (event) => {
      if (!mine()) return;
      this.failed(event.payload.error);
    });
    consumer.on(STOP, () => {
      if (!mine() || this.state === 'stopped') return;
      this.failed(new Error('the consumer stopped'));
    });
  }

  /** A crash or a failed replacement: readiness fails at once; retry with backoff until the limit. */
  private failed(error: unknown): void {
    if (this.state === 'stopped') return;
    this.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // kafkajs emits STOP, then CRASH, for one failure: one replacement is enough.
    if (this.state === 'recovering' && this.retryTimer !== undefined) return;
    const now = Date.now();
    this.failingSince ??= now;
    this.failures++;
    this.setState('recovering');
    const elapsed = now - this.failingSince;
    if (elapsed > this.settings.recoveryLimitMs) {
      this.logger.error(
        `the consumer could not be brought back within ${this.settings.recoveryLimitMs} ms: ${this.lastError}`,
      );
      this.onGiveUp(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const delay = backoffDelay(this.failures, {
      initialMs: this.settings.retryInitialMs,
      maxMs: this.settings.retryMaxMs,
    });
    this.logger.error(
      `the consumer stopped (${this.lastError}); replacing it in ${delay} ms (attempt ${this.failures})`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule(true);
    }, delay);
    this.retryTimer.unref();
  }

  private setState(state: State): void {
    this.state = state;
    this.onStateChange();
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic, i) => topic === b[i]);
}
