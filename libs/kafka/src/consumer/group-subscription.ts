/**
 * The kafkajs consumer's life: subscribe to the topics the handlers take, run, re-read the
 * topic list periodically and re-subscribe when a new matching topic appears, stop cleanly.
 *
 * kafkajs resolves a RegExp subscription once, at subscribe() time, and cannot subscribe while
 * running; a type created later would never be read. So the runtime lists topics itself and,
 * on a change, stops (in-flight batch finishes, offsets commit), subscribes the new topics and
 * runs again — one rebalance per new event type, which is rare.
 */
import type { LoggerService } from '@nestjs/common';
import type { Admin, Consumer, ConsumerRunConfig } from 'kafkajs';
import type { HandlerTable } from './handler-table';

export interface SubscriptionSettings {
  readonly fromBeginning: boolean;
  readonly topicRefreshMs: number;
}

export class GroupSubscription {
  private readonly subscribed = new Set<string>();
  private running = false;
  private joined = false;
  private crash: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Refreshes and stop() run one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly table: HandlerTable,
    private readonly runConfig: ConsumerRunConfig,
    private readonly settings: SubscriptionSettings,
    private readonly logger: LoggerService,
  ) {
    const { GROUP_JOIN, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      this.joined = true;
      this.crash = undefined;
    });
    consumer.on(CRASH, (event) => {
      if (!event.payload.restart) this.crash = event.payload.error;
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.refresh();
    if (this.table.takesEveryEvent || this.table.missing([...this.subscribed]).length > 0) {
      this.timer = setInterval(() => void this.enqueue(() => this.refresh()), this.settings.topicRefreshMs);
      this.timer.unref();
    }
  }

  /** Ready when the group was joined (or there is nothing to read yet) and kafkajs has not given up. */
  problem(): string | undefined {
    if (this.stopped) return 'the consumer is stopped';
    if (this.crash !== undefined) return `the consumer crashed: ${this.crash.message}`;
    if (this.running && !this.joined) return 'the consumer has not joined its group yet';
    return undefined;
  }

  topics(): string[] {
    return [...this.subscribed].sort();
  }

  /** Stops fetching, lets the in-flight batches finish and commit, leaves the group, disconnects. */
  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    return this.enqueue(async () => {
      await this.consumer.disconnect();
      this.running = false;
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.logger.error(`topic subscription refresh failed: ${String(error)}`);
    });
    this.queue = next;
    return next;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const wanted = this.table.topicsToRead(await this.admin.listTopics());
    const added = wanted.filter((topic) => !this.subscribed.has(topic));
    if (added.length === 0) return;
    if (this.running) {
      await this.consumer.stop();
      this.running = false;
    }
    await this.consumer.subscribe({ topics: added, fromBeginning: this.settings.fromBeginning });
    added.forEach((topic) => this.subscribed.add(topic));
    this.logger.log?.(`reading ${added.join(', ')}`);
    this.joined = false;
    await this.consumer.run(this.runConfig);
    this.running = true;
  }
}
