/**
 * What a batch handler receives: one partition's records, decoded and in offset order, and the
 * position to store with the state they produce. A handler declared with
 * `@EventPattern('<type or *>', { batch: true })` takes `@Payload() batch: HeraldBatch` and
 * writes its state and `batch.nextOffset` in one transaction, checking that the stored position
 * still equals `batch.previousOffset` (see ConsumerPositionStore and docs/consumer-runtime.md).
 * `events` may be empty: the runtime then only moves the position (past dead-lettered records).
 */
import type { EventEnvelope } from './event-envelope';

export interface HeraldBatchEvent<T = unknown> {
  readonly data: T;
  readonly envelope: EventEnvelope;
  /** The record's value bytes as written (Confluent wire format), for apps that keep or re-decode them. */
  readonly value: Buffer;
}

export interface HeraldBatch<T = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly events: readonly HeraldBatchEvent<T>[];
  /** The position stored before this batch (undefined: none stored yet); a store checks it is unchanged. */
  readonly previousOffset: string | undefined;
  /** The offset of the record after this batch's last one: the position to store with its state. */
  readonly nextOffset: string;
  /** 1 for the first call with these records in this process, 2+ for in-place retries. */
  readonly attempt: number;
}
