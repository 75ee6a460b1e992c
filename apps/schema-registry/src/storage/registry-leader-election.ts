/**
 * Elects the one registry instance that writes `_schemas`, through Kafka's group coordinator
 * as Confluent and Karapace do. Every instance joins one consumer group on a tiny
 * single-partition topic; the member holding that partition leads (registry-leader-assigner.ts
 * picks it and keeps the incumbent). Members publish their advertised URL in their group
 * metadata, and a follower reads the leader's URL back with DescribeGroups after each
 * rebalance, so no record is ever written for the election itself.
 *
 * Leadership is also a lease: it holds only while heartbeats succeed. The coordinator evicts a
 * silent member one session timeout after it last heard from it, and only then can another
 * member lead; this instance stops calling itself leader 80% of a session timeout after the
 * latest moment it knows the coordinator heard from it (when its last acknowledged heartbeat
 * was sent), so a leader cut off from Kafka steps down before anyone else steps up. A
 * rebalance, a crash of the group consumer or stop() ends leadership at once.
 *
 * How the registry uses it: only the leader writes; a follower forwards writes to leaderUrl(),
 * or answers 503 while that is undefined. Each time onChange reports isLeader, the registry
 * holds writes, awaits `schemaLog.waitUntilCaughtUp()`, and opens writes only if it still
 * leads then: the previous leader's last records may still be on their way to this instance's
 * reader, and ids allocated before they are applied would be reused. isLeader() is checked
 * again right before each append. A write already in flight when a leader loses its lease can
 * still land; only a fencing transactional producer would close that window, and Confluent's
 * registry does not use one either.
 */
import { Logger } from '@nestjs/common';
import type { Admin, Consumer, IMemberAssignment, Kafka } from 'kafkajs';
import { ensureCompactedLogTopic } from './compacted-log-topic';
import { leaderUrlOf, registryLeaderAssigner } from './registry-leader-assigner';
import { errorMessage, SchemaStorageError, type SchemaStorageLogger } from './schema-storage-errors';

export interface RegistryLeaderElectionOptions {
  /** This instance's URL as the other instances reach it; followers forward writes there. */
  readonly advertisedUrl: string;
  readonly topic?: string;
  readonly groupId?: string;
  /** The broker accepts 6 000–1 800 000 ms (group.min/max.session.timeout.ms) by default. */
  readonly sessionTimeoutMs?: number;
  /** Bound on start(): until this instance knows whether it leads and who does. */
  readonly startTimeoutMs?: number;
  readonly logger?: SchemaStorageLogger;
}

export interface LeadershipState {
  readonly isLeader: boolean;
  /** The leader's advertised URL; undefined when this instance leads or no leader is known. */
  readonly leaderUrl: string | undefined;
}

const LEASE_CHECK_MS = 250;
const DISCOVERY_RETRY_MS = 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export class RegistryLeaderElection {
  readonly topic: string;
  readonly groupId: string;
  private readonly advertisedUrl: string;
  private readonly sessionTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly startTimeoutMs: number;
  private readonly logger: SchemaStorageLogger;
  private readonly admin: Admin;
  private readonly listeners = new Set<(state: LeadershipState) => void>();
  private consumer: Consumer | undefined;
  private running = false;
  private holdsPartition = false;
  private incumbent = false;
  private lastContactAt = 0;
  private leaseExpiresAt = 0;
  private knownLeaderUrl: string | undefined;
  /** Bumped on every membership change, so a slow leader lookup cannot report a stale URL. */
  private generation = 0;
  private published: LeadershipState = { isLeader: false, leaderUrl: undefined };
  private leaseTimer: NodeJS.Timeout | undefined;
  private abortStart: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    options: RegistryLeaderElectionOptions,
  ) {
    this.advertisedUrl = options.advertisedUrl;
    this.topic = options.topic ?? '_schemas_leader';
    this.groupId = options.groupId ?? '_schemas-leader-election';
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.leaseMs = Math.floor(this.sessionTimeoutMs * 0.8);
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.logger = options.logger ?? new Logger(RegistryLeaderElection.name);
    this.admin = kafka.admin();
  }

  /** Joins the election; resolves once this instance leads or knows who does. */
  async start(): Promise<void> {
    if (this.running || this.stopping) {
      throw new SchemaStorageError('NOT_RUNNING', 'the leader election was already started', false);
    }
    this.running = true;
    try {
      await this.admin.connect();
      await ensureCompactedLogTopic(this.admin, this.topic);
      this.leaseTimer = setInterval(() => this.publish(), LEASE_CHECK_MS).unref();
      await this.joinGroup();
      await this.roleKnown();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  isLeader(): boolean {
    return this.running && this.holdsPartition && Date.now() < this.leaseExpiresAt;
  }

  leaderUrl(): string | undefined {
    return this.holdsPartition ? undefined : this.knownLeaderUrl;
  }

  /** Calls `listener` whenever isLeader() or leaderUrl() changes; returns the unsubscribe. */
  onChange(listener: (state: LeadershipState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Steps down first, then leaves the group, so the others rebalance at once. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.abortStart?.();
    clearInterval(this.leaseTimer);
    this.holdsPartition = false;
    this.knownLeaderUrl = undefined;
    this.publish();
    const consumer = this.consumer;
    if (consumer) await this.quietly('leave the election group', () => consumer.disconnect());
    await this.quietly('disconnect the admin client', () => this.admin.disconnect());
  }

  private async quietly(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn(`Could not ${what}: ${errorMessage(error)}`);
    }
  }

  private async joinGroup(): Promise<void> {
    // Heartbeats every fifth of the session leave room for several late ones inside the lease.
    const heartbeatInterval = Math.max(500, Math.floor(this.sessionTimeoutMs / 5));
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.sessionTimeoutMs,
      rebalanceTimeout: this.sessionTimeoutMs,
      heartbeatInterval,
      // kafkajs heartbeats between fetches; an idle long-poll must not outlast the interval.
      maxWaitTimeInMs: heartbeatInterval,
      partitionAssigners: [
        registryLeaderAssigner(this.topic, () => ({ url: this.advertisedUrl, incumbent: this.incumbent })),
      ],
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      this.onJoined(payload.memberAssignment, payload.duration),
    );
    consumer.on(consumer.events.HEARTBEAT, () => this.onHeartbeat());
    consumer.on(consumer.events.REBALANCING, () => this.onMembershipLost(this.isLeader()));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.onMembershipLost(false);
      const message = `The election consumer crashed: ${payload.error.message}`;
      if (payload.restart) this.logger.warn(`${message}; it rejoins`);
      else this.logger.error(`${message}; it stays out, this instance cannot lead until restarted`);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic] });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  }

  private onJoined(assignment: IMemberAssignment, joinDurationMs: number): void {
    const now = Date.now();
    this.generation += 1;
    this.holdsPartition = assignment[this.topic]?.includes(0) ?? false;
    // The coordinator started this member's session no earlier than the join began.
    this.leaseExpiresAt = now - joinDurationMs + this.leaseMs;
    this.lastContactAt = now;
    this.incumbent = false;
    this.knownLeaderUrl = undefined;
    if (!this.holdsPartition) void this.discoverLeader(this.generation);
    this.publish();
  }

  private onHeartbeat(): void {
    // Heartbeats go one at a time, so this one left no earlier than the previous answer came.
    this.leaseExpiresAt = this.lastContactAt + this.leaseMs;
    this.lastContactAt = Date.now();
    this.publish();
  }

  private onMembershipLost(wasLeader: boolean): void {
    this.incumbent = wasLeader;
    this.generation += 1;
    this.holdsPartition = false;
    this.knownLeaderUrl = undefined;
    this.publish();
  }

  private async discoverLeader(generation: number): Promise<void> {
    while (this.running && this.generation === generation) {
      try {
        const { groups } = await this.admin.describeGroups([this.groupId]);
        const url = groups[0] ? leaderUrlOf(groups[0], this.topic) : undefined;
        if (url !== undefined && this.generation === generation) {
          this.knownLeaderUrl = url;
          this.publish();
          return;
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.warn(`Could not look up the registry leader: ${errorMessage(error)}`);
      }
      await sleep(DISCOVERY_RETRY_MS);
    }
  }

  private publish(): void {
    const next: LeadershipState = { isLeader: this.isLeader(), leaderUrl: this.leaderUrl() };
    if (next.isLeader === this.published.isLeader && next.leaderUrl === this.published.leaderUrl) return;
    this.published = next;
    if (next.isLeader) this.logger.log(`This instance (${this.advertisedUrl}) is the registry leader`);
    else if (next.leaderUrl) this.logger.log(`Following the registry leader at ${next.leaderUrl}`);
    else this.logger.log('No registry leader known');
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (error) {
        this.logger.error(`A leadership listener failed: ${errorMessage(error)}`);
      }
    }
  }

  private roleKnown(): Promise<void> {
    const known = (): boolean => this.isLeader() || this.knownLeaderUrl !== undefined;
    if (known()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        unsubscribe();
        this.abortStart = undefined;
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () =>
          finish(
            new SchemaStorageError(
              'ELECTION_TIMEOUT',
              `No registry leader was elected in group ${this.groupId} within ${this.startTimeoutMs} ms`,
              true,
            ),
          ),
        this.startTimeoutMs,
      );
      const unsubscribe = this.onChange(() => {
        if (known()) finish();
      });
      this.abortStart = () => finish(new SchemaStorageError('NOT_RUNNING', 'stopped while starting', false));
    });
  }
}
