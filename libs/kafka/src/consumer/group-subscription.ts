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
import { equalJitterBackoff } from '@app/platform';
import type { Admin, Consumer, ConsumerRunConfig } from 'kafkajs';
import type { HandlerTable } from './handler-table';
import type { PartitionPositions } from './partition-positions';

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
  private lastRegistered: ReadonlySet<string> | undefined;
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
    /** The registry's subjects, listed with the topics when '*' is declared (handler-table.ts). */
    private readonly registeredSubjects?: () => Promise<readonly string[]>,
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
    if (this.state === 'stopped') return; // closed while starting
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

  /** The consumer currently running, if any. */
  current(): Consumer | undefined {
    return this.state === 'running' ? this.consumer : undefined;
  }

  /**
   * Seeks the current consumer (whatever the supervisor's state: a consumer still fetching while
   * a replacement is pending must still be steered); false when there is none to seek.
   */
  seek(topic: string, partition: number, offset: string): boolean {
    if (this.consumer === undefined) return false;
    try {
      this.consumer.seek({ topic, partition, offset });
      return true;
    } catch {
      return false; // not running yet or any more: the batch is fetched again
    }
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

  /**
   * Replaces the consumer when the wanted topics changed, or always when `force` (after a crash).
   * A periodic check (`force` false) whose topic listing fails changes nothing: the consumer may be
   * consuming fine, and replacing it for a failed metadata request would only cost a rebalance.
   */
  private async reconcile(force: boolean): Promise<void> {
    if (this.state === 'stopped') return;
    let existing: string[];
    let registered: ReadonlySet<string> | undefined;
    try {
      existing = await this.admin.listTopics();
      registered = await this.registered(force);
    } catch (error) {
      if (force) throw error;
      this.logger.warn?.(`listing topics or subjects failed (the consumer keeps running): ${String(error)}`);
      return;
    }
    const wanted = this.table.topicsToRead(existing, registered);
    if (!force && this.state !== 'recovering' && sameTopics(wanted, this.subscribed)) return;
    const added = wanted.filter((topic) => !this.subscribed.includes(topic));
    const removed = this.subscribed.filter((topic) => !wanted.includes(topic));
    await this.replace(wanted);
    if (added.length > 0) this.logger.log?.(`reading ${added.join(', ')}`);
    if (removed.length > 0) this.logger.warn?.(`no longer reading deleted topic(s) ${removed.join(', ')}`);
    if (wanted.length === 0) this.recovered();
  }

  /**
   * The registry's subjects when '*' is declared (undefined otherwise: every event-type topic).
   * A restart after a crash (`force`) while the registry does not answer keeps the last list.
   */
  private async registered(force: boolean): Promise<ReadonlySet<string> | undefined> {
    if (this.registeredSubjects === undefined || !this.table.takesEveryEvent) return undefined;
    try {
      this.lastRegistered = new Set(await this.registeredSubjects());
    } catch (error) {
      if (!force || this.lastRegistered === undefined) throw error;
    }
    return this.lastRegistered;
  }

  /** Back in the group (or nothing to read): the failure count starts again. */
  private recovered(): void {
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
    const started = this.watch(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...wanted], fromBeginning: this.settings.fromBeginning });
      await consumer.run(this.runConfig);
      // kafkajs' run() resolves even when its first join failed: it crashed inside and said so by event.
      const failure = started.failure();
      if (failure !== undefined) throw failure;
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      started.done();
    }
    if (this.state === 'stopped') return; // stop() disconnects this.consumer
    this.setState('running');
  }

  /** Listens to a consumer; a crash or stop during its start is kept for replace() instead of failed(). */
  private watch(consumer: Consumer): { failure(): Error | undefined; done(): void } {
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, END_BATCH_PROCESS } = consumer.events;
    const mine = () => this.consumer === consumer;
    let starting = true;
    // kafkajs emits STOP, then CRASH with the cause: the crash's error is the one to report.
    let crashed: Error | undefined;
    let stopped: Error | undefined;
    const fail = (error: Error, kind: 'crash' | 'stop'): void => {
      if (!mine()) return;
      if (!starting) this.failed(error);
      else if (kind === 'crash') crashed ??= error;
      else stopped ??= error;
    };
    consumer.on(GROUP_JOIN, (event) => {
      if (!mine()) return;
      this.positions.assigned(event.payload.memberAssignment, (topic, partition, offset) =>
        mine() ? this.seek(topic, partition, offset) : false,
      );
      this.joined = true;
      this.everJoined = true;
      this.recovered();
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
      if (mine() && payload.batchSize === 0) {
        this.positions.advance(
          payload.topic,
          payload.partition,
          String(BigInt(payload.lastOffset) + 1n),
          false,
        );
      }
    });
    consumer.on(CRASH, (event) => fail(event.payload.error, 'crash'));
    consumer.on(STOP, () => {
      if (this.state !== 'stopped') fail(new Error('the consumer stopped'), 'stop');
    });
    return {
      failure: () => crashed ?? stopped,
      done: () => {
        starting = false;
      },
    };
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
    const delay = equalJitterBackoff(this.failures, {
      initialMs: this.settings.retryInitialMs,
      maxMs: this.settings.retryMaxMs,
    });
    // A topic deleted under the consumer (other work creating and deleting topics) crashes kafkajs
    // with UNKNOWN_TOPIC_OR_PARTITION: routine for a pattern subscription, so a warning, not an error.
    if (causedByDeletedTopic(error)) {
      this.logger.warn?.(
        `a topic the consumer read was deleted (${this.lastError}); re-subscribing to the topics that exist in ${delay} ms`,
      );
    } else {
      this.logger.error(
        `the consumer stopped (${this.lastError}); replacing it in ${delay} ms (attempt ${this.failures})`,
      );
    }
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

/** kafkajs wraps the broker's error in retry errors (`cause`); any link may carry its type. */
function causedByDeletedTopic(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic, i) => topic === b[i]);
}
