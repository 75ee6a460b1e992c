/**
 * The options of a Herald consumer and their defaults, in one place. Defaults follow Kafka's
 * own (session 30 s, heartbeat 3 s) except where Herald's guarantees ask for more: a new group
 * starts from the beginning of retained history (audit, analytics and backfills want every
 * event), and resolved offsets are committed every second and after every batch.
 */
import type { KafkaConfig } from 'kafkajs';
import type { KafkaConnection } from '@app/platform';
import type { Registry } from 'prom-client';
import type { ConsumerPositionStore } from './partition-positions';
import type { PayloadShape } from './payload-mapping';
import type { ConsumerSchemaSource, ReaderSchemaLookup } from './schema-resolution';

export interface HeraldConsumerOptions {
  readonly brokers: readonly string[];
  /** TLS and SASL to the brokers (`...kafkaConnection(config)` from @app/config gives brokers, ssl, sasl). */
  readonly ssl?: KafkaConnection['ssl'];
  readonly sasl?: KafkaConnection['sasl'];
  readonly groupId: string;
  readonly clientId: string;
  /** Writer schemas by id and their subject/versions; RegistryClient from @app/registry-client satisfies it. */
  readonly schemaSource: ConsumerSchemaSource;
  /** Where pinned reader versions come from; default: the registry subject `${type}-value`. */
  readonly readerSchemas?: ReaderSchemaLookup;
  /** Delivery attempts of one record before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay (default 200 ms); doubles per attempt, with jitter, up to retryMaxMs. */
  readonly retryInitialMs?: number;
  /** Ceiling of the retry delay (default 10 s). */
  readonly retryMaxMs?: number;
  /** Partitions processed at the same time by this instance (default 4); order holds within each. */
  readonly partitionsConcurrency?: number;
  /** Where a group without committed offsets starts (default true: the oldest retained record). */
  readonly fromBeginning?: boolean;
  /** The app's prom-client registry (MetricsService.registry); default: a private one. */
  readonly metrics?: Registry;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** How often the topic list is re-read for `@EventPattern('*')` and declared topics not created yet (default 30 s). */
  readonly topicRefreshMs?: number;
  /**
   * Resolved offsets are committed when this much time passed since the last commit (default
   * 1 s), and after every batch. A commit is a broker round trip awaited inside the partition's
   * loop: committing every N records capped throughput (docs/benchmarks.md, consumer runtime).
   */
  readonly commitIntervalMs?: number;
  /** Also commit once this many offsets are resolved (default: no count threshold, time only). */
  readonly commitThreshold?: number;
  /** How long heartbeats keep flowing while one handler call runs (default 5 min). */
  readonly handlerHeartbeatLimitMs?: number;
  /** `@Payload()` shape: 'json' (default: the JSON mapping @app/events types describe) or 'avro' (avsc values). */
  readonly payload?: PayloadShape;
  /** Narrows which event-type topics `@EventPattern('*')` takes (default: all of them). */
  readonly everyEventTopics?: RegExp;
  /** Extra kafkajs client settings (e.g. `logLevel`, `ssl`, `sasl`). */
  readonly kafka?: Partial<KafkaConfig>;
  /**
   * The positions the app stores with its state (one transaction); the consumer resumes from
   * them on every assignment instead of trusting the group's offsets (partition-positions.ts).
   */
  readonly positions?: ConsumerPositionStore;
  /** Most records one batch-handler call receives (default 500). */
  readonly maxBatchSize?: number;
  /** How long the consumer may be out of its group (a rebalance) before readiness fails (default 30 s). */
  readonly joinGraceMs?: number;
  /** How long a stopped or crashed consumer is retried before onGiveUp (default 5 min). */
  readonly recoveryLimitMs?: number;
  /** How often the lag gauge is recomputed from the brokers (default 10 s). */
  readonly lagIntervalMs?: number;
  /**
   * Called when the consumer could not be brought back within recoveryLimitMs. Default: log and
   * exit the process with code 75 (EX_TEMPFAIL) so its supervisor restarts it.
   */
  readonly onGiveUp?: (error: Error) => void;
}

export type ResolvedConsumerOptions = Required<Omit<HeraldConsumerOptions, OptionalKeys>> &
  Pick<HeraldConsumerOptions, OptionalKeys>;

type OptionalKeys =
  | 'readerSchemas'
  | 'metrics'
  | 'kafka'
  | 'ssl'
  | 'sasl'
  | 'everyEventTopics'
  | 'commitThreshold'
  | 'positions'
  | 'onGiveUp';

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveConsumerOptions(options: HeraldConsumerOptions): ResolvedConsumerOptions {
  const resolved: ResolvedConsumerOptions = {
    maxAttempts: 5,
    retryInitialMs: 200,
    retryMaxMs: 10_000,
    partitionsConcurrency: 4,
    fromBeginning: true,
    payload: 'json',
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    rebalanceTimeoutMs: 60_000,
    topicRefreshMs: 30_000,
    commitIntervalMs: 1_000,
    handlerHeartbeatLimitMs: 300_000,
    maxBatchSize: 500,
    joinGraceMs: 30_000,
    recoveryLimitMs: 300_000,
    lagIntervalMs: 10_000,
    ...options,
  };
  for (const key of [
    'maxAttempts',
    'retryInitialMs',
    'retryMaxMs',
    'partitionsConcurrency',
    'sessionTimeoutMs',
    'maxBatchSize',
    'joinGraceMs',
    'recoveryLimitMs',
    'lagIntervalMs',
    'topicRefreshMs',
  ] as const) {
    positive(key, resolved[key]);
  }
  if (resolved.heartbeatIntervalMs >= resolved.sessionTimeoutMs) {
    throw new RangeError(
      'heartbeatIntervalMs must be below sessionTimeoutMs (Kafka advises a third of it at most)',
    );
  }
  if (resolved.brokers.length === 0) throw new RangeError('brokers must name at least one broker');
  return resolved;
}
