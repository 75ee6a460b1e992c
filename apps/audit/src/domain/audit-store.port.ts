/**
 * The storage port of the audit trail. The adapter owns the transaction: it links each
 * partition's new events after that chain's stored head under a per-partition lock, so the
 * chain cannot fork even when two instances write one partition during a rebalance.
 */
import type { AuditEvent, KafkaCoordinates, StoredAuditEvent } from './audit-event';
import type { AuditFilter } from './audit-requests';
import type { ChainReader } from './chain-verifier';

export const AUDIT_STORE = Symbol('AUDIT_STORE');

/**
 * One outcome per appended event, in order. A duplicate is an event whose Kafka coordinates
 * or whose id are already stored (the first arrival wins; `original` says where it came from).
 */
export type AppendOutcome =
  | { readonly status: 'stored' }
  | {
      readonly status: 'duplicate';
      readonly reason: 'coordinates' | 'event-id';
      readonly original: KafkaCoordinates & { readonly eventId: string };
    };

/** The consumed position a batch moves, written in the same transaction as its rows. */
export interface PositionAdvance {
  readonly topic: string;
  readonly partition: number;
  /** The stored position the batch was read from (undefined: none yet); anything else is a conflict. */
  readonly previousOffset: string | undefined;
  readonly nextOffset: string;
}

export interface AuditStore extends ChainReader {
  /**
   * Stores the events that are not duplicates and moves `position`, in one transaction; throws
   * AuditWriteError (retriable when the position moved meanwhile).
   */
  append(events: readonly AuditEvent[], position?: PositionAdvance): Promise<AppendOutcome[]>;
  /** Rows matching `filter` with a sequence above `after`, by sequence, at most `limit`. */
  search(filter: AuditFilter, after: string | undefined, limit: number): Promise<StoredAuditEvent[]>;
  findById(eventId: string): Promise<StoredAuditEvent | undefined>;
}
