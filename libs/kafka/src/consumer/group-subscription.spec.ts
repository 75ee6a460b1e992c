import { EventEmitter } from 'node:events';
import type { Admin, Consumer } from 'kafkajs';
import type { LoggerService } from '@nestjs/common';
import { waitFor } from '@app/testing';
import { GroupSubscription, type SubscriptionSettings } from './group-subscription';
import { HandlerTable } from './handler-table';
import { PartitionPositions } from './partition-positions';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A kafkajs consumer reduced to what the supervisor uses; `join()` plays the group coordinator. */
class FakeConsumer {
  readonly events = {
    GROUP_JOIN: 'join',
    REBALANCING: 'rebalancing',
    CRASH: 'crash',
    STOP: 'stop',
    END_BATCH_PROCESS: 'end-batch',
  } as unknown as Consumer['events'];
  readonly emitter = new EventEmitter();
  subscribed: string[] = [];
  disconnected = false;
  on(event: string, listener: (payload: unknown) => void): void {
    this.emitter.on(event, listener);
  }
  connect = (): Promise<void> => Promise.resolve();
  subscribe = ({ topics }: { topics: string[] }): Promise<void> => {
    this.subscribed = topics;
    return Promise.resolve();
  };
  /** When set, run() crashes inside (as kafkajs does when its first join fails) and still resolves. */
  failJoin: Error | undefined;
  run = (): Promise<void> => {
    if (this.failJoin !== undefined) {
      this.emitter.emit('stop', {});
      this.crash(this.failJoin);
    } else {
      this.join();
    }
    return Promise.resolve();
  };
  disconnect = (): Promise<void> => {
    this.disconnected = true;
    return Promise.resolve();
  };
  join(): void {
    this.emitter.emit('join', { payload: { memberAssignment: {} } });
  }
  crash(error: Error): void {
    this.emitter.emit('crash', { payload: { error, restart: false } });
  }
}

const handler = Object.assign(() => Promise.resolve(), { isEventHandler: true, extras: {} });

function supervisor(
  topics: () => Promise<string[]>,
  overrides: Partial<SubscriptionSettings> = {},
  failJoins = 0,
  logger: LoggerService = silent,
  subjects?: () => Promise<string[]>,
) {
  const consumers: FakeConsumer[] = [];
  const gaveUp: Error[] = [];
  const settings: SubscriptionSettings = {
    fromBeginning: true,
    topicRefreshMs: 60_000,
    joinGraceMs: 1_000,
    recoveryLimitMs: 60_000,
    retryInitialMs: 5,
    retryMaxMs: 10,
    ...overrides,
  };
  const subscription = new GroupSubscription(
    () => {
      const consumer = new FakeConsumer();
      if (consumers.length < failJoins)
        consumer.failJoin = new Error('The group coordinator is not available');
      consumers.push(consumer);
      return consumer as unknown as Consumer;
    },
    { listTopics: topics } as unknown as Admin,
    new HandlerTable(new Map([['*', handler]]), /^a\./),
    {},
    new PartitionPositions(undefined, true, silent),
    settings,
    logger,
    (error) => gaveUp.push(error),
    undefined,
    subjects,
  );
  return { subscription, consumers, gaveUp };
}

describe('GroupSubscription (the consumer supervisor)', () => {
  it("takes for '*' only the event-type topics whose subject the registry knows", async () => {
    // a.b.x: a topic of another registry sharing the cluster (a test's, a benchmark's).
    const topics = ['a.b.c', 'a.b.d', 'a.b.x'];
    let subjects: string[] | Error = ['a.b.c-value', 'a.b.d-value', 'other-value'];
    const { subscription, consumers } = supervisor(
      () => Promise.resolve(topics),
      {},
      0,
      silent,
      () => (subjects instanceof Error ? Promise.reject(subjects) : Promise.resolve(subjects)),
    );
    await subscription.start();
    expect(consumers[0]!.subscribed).toEqual(['a.b.c', 'a.b.d']);

    // A crash while the registry does not answer: the replacement keeps the last known subjects.
    subjects = new Error('registry down');
    consumers[0]!.crash(new Error('connection lost'));
    await waitFor(() => consumers.length === 2 && subscription.consuming(), {
      timeoutMs: 2_000,
      description: 'the replacement while the registry is down',
    });
    expect(consumers[1]!.subscribed).toEqual(['a.b.c', 'a.b.d']);

    // Once its subject is registered, the topic is read on the next refresh.
    subjects = ['a.b.c-value', 'a.b.d-value', 'a.b.x-value'];
    consumers[1]!.crash(new Error('connection lost'));
    await waitFor(() => consumers.length === 3 && subscription.consuming(), {
      timeoutMs: 2_000,
      description: 'the replacement after the subject was registered',
    });
    expect(consumers[2]!.subscribed).toEqual(['a.b.c', 'a.b.d', 'a.b.x']);
    await subscription.stop();
  });

  it('does not start while the registry has never answered the subjects', async () => {
    const { subscription, consumers } = supervisor(
      () => Promise.resolve(['a.b.c']),
      {},
      0,
      silent,
      () => Promise.reject(new Error('registry down')),
    );
    await subscription.start();
    expect(consumers).toHaveLength(0);
    expect(subscription.problem()).toMatch(/not running \(Error: registry down\)/);
    await subscription.stop();
  });

  it('replaces a crashed consumer with one subscribed to the topics that exist now', async () => {
    let topics = ['a.b.c', 'a.b.d'];
    const { subscription, consumers } = supervisor(() => Promise.resolve(topics));
    await subscription.start();
    expect(subscription.problem()).toBeUndefined();
    expect(consumers[0]!.subscribed).toEqual(['a.b.c', 'a.b.d']);

    topics = ['a.b.c'];
    consumers[0]!.crash(new Error('This server does not host this topic-partition'));
    expect(subscription.problem()).toMatch(/not running \(Error: This server does not host/);
    expect(subscription.consuming()).toBe(false);
    await waitFor(() => subscription.consuming(), { timeoutMs: 2_000, description: 'the replacement' });
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnected).toBe(true);
    expect(consumers[1]!.subscribed).toEqual(['a.b.c']);
    expect(subscription.topics()).toEqual(['a.b.c']);
    await subscription.stop();
    expect(subscription.problem()).toBe('the consumer is stopped');
  });

  it('warns, not errs, when the crash is a deleted topic; other crashes are errors', async () => {
    const lines: { level: string; message: string }[] = [];
    const logger = {
      log: () => undefined,
      warn: (message: string) => lines.push({ level: 'warn', message }),
      error: (message: string) => lines.push({ level: 'error', message }),
    };
    const { subscription, consumers } = supervisor(() => Promise.resolve(['a.b.c']), {}, 0, logger);
    await subscription.start();
    // What kafkajs throws: retries exceeded, caused by the broker's protocol error.
    const protocol = Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    consumers[0]!.crash(new Error(protocol.message, { cause: protocol }));
    await waitFor(() => consumers.length === 2 && subscription.consuming(), {
      timeoutMs: 2_000,
      description: 'the replacement after a deleted topic',
    });
    consumers[1]!.crash(new Error('connection lost'));
    await waitFor(() => consumers.length === 3 && subscription.consuming(), {
      timeoutMs: 2_000,
      description: 'the replacement after a lost connection',
    });
    expect(lines.map((line) => line.level)).toEqual(['warn', 'error']);
    expect(lines[0]!.message).toMatch(
      /^a topic the consumer read was deleted \(Error: This server does not host/,
    );
    expect(lines[1]!.message).toMatch(/^the consumer stopped \(Error: connection lost\); replacing it in/);
    await subscription.stop();
  });

  it('gives up after recoveryLimitMs of failed replacements, and is not ready meanwhile', async () => {
    let fail = false;
    const { subscription, consumers, gaveUp } = supervisor(
      () => (fail ? Promise.reject(new Error('broker unreachable')) : Promise.resolve(['a.b.c'])),
      { recoveryLimitMs: 100 },
    );
    await subscription.start();
    fail = true;
    consumers[0]!.crash(new Error('connection lost'));
    await waitFor(() => gaveUp.length > 0, { timeoutMs: 2_000, description: 'give up' });
    expect(gaveUp[0]!.message).toBe('broker unreachable');
    expect(subscription.problem()).toMatch(/not running \(Error: broker unreachable\)/);
    await subscription.stop();
  });

  it('reports a rebalance only once it outlasts the grace', async () => {
    const { subscription, consumers } = supervisor(() => Promise.resolve(['a.b.c']), { joinGraceMs: 1_000 });
    await subscription.start();
    consumers[0]!.emitter.emit('rebalancing', {});
    const now = Date.now();
    expect(subscription.problem(now + 500)).toBeUndefined();
    expect(subscription.problem(now + 1_500)).toMatch(/out of its group for \d+ s/);
    consumers[0]!.join();
    expect(subscription.problem(now + 1_500)).toBeUndefined();
    await subscription.stop();
  });

  it('counts a consumer whose join failed inside run() as failed, backing off until one joins', async () => {
    const { subscription, consumers } = supervisor(() => Promise.resolve(['a.b.c']), {}, 2);
    await subscription.start();
    expect(subscription.problem()).toMatch(/not running \(Error: The group coordinator is not available\)/);
    await waitFor(() => subscription.consuming(), { timeoutMs: 2_000, description: 'the third consumer' });
    expect(consumers).toHaveLength(3);
    expect(consumers.slice(0, 2).every((c) => c.disconnected)).toBe(true);
    await subscription.stop();
  });

  it('keeps a consuming consumer when a periodic topic listing fails', async () => {
    let fail = false;
    const { subscription, consumers } = supervisor(
      () => (fail ? Promise.reject(new Error('Request timed out')) : Promise.resolve(['a.b.c'])),
      { topicRefreshMs: 20 },
    );
    await subscription.start();
    fail = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(subscription.consuming()).toBe(true);
    expect(consumers).toHaveLength(1);
    await subscription.stop();
  });

  it('reads nothing and stays ready while no topic matches', async () => {
    const { subscription, consumers } = supervisor(() => Promise.resolve(['other.b.c']));
    await subscription.start();
    expect(consumers).toHaveLength(0);
    expect(subscription.problem()).toBeUndefined();
    await subscription.stop();
  });
});
