/** The outside systems the publish use case talks to, as ports (Kafka producer, idempotency window). */

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  /** Confluent wire format: 0x00, schema id, Avro binary. */
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as a decimal string. */
  readonly offset: string;
}

export interface EventProducer {
  /**
   * Sends records and resolves with each one's coordinates, in order, once Kafka acknowledged
   * all of them (acks=all). Rejects with a GatewayError 'unavailable' when Kafka does not.
   */
  send(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]>;
  /** All or nothing, in one Kafka transaction. */
  sendAtomic(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]>;
}

/** The answer the gateway gave for an accepted event; returned again for a duplicate. */
export interface AcceptedEvent {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface IdempotencyClaim {
  readonly id: string;
  /** The event as encoded: type, resolved version and key, subject, time, Avro bytes. */
  readonly fingerprint: string;
  /**
   * Whether a stored fingerprint that differs from `fingerprint` still names this event (one
   * written by an older gateway's scheme, or at another resolved version); asked only then.
   */
  readonly sameEvent?: (stored: string) => boolean | Promise<boolean>;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'duplicate'; readonly result: AcceptedEvent }
  | { readonly kind: 'conflict' }
  /** Another request with this id and content is being published right now. */
  | { readonly kind: 'in-flight' };

export interface IdempotencyStore {
  /** Claims each id for publishing, in one round trip; outcomes are in input order. */
  claim(claims: readonly IdempotencyClaim[]): Promise<ClaimOutcome[]>;
  /** Records the results of claimed ids (the original answer for later duplicates). */
  complete(results: ReadonlyArray<{ token: string; result: AcceptedEvent }>): Promise<void>;
  /**
   * Records published events that were never claimed: ids the gateway generated, which no
   * other request can hold before the answer names them. One write instead of claim + complete.
   * A claim of such an id made while its record is still being written waits for it, so a
   * client that re-posts the id at once gets the duplicate answer.
   */
  record(events: ReadonlyArray<{ fingerprint: string; result: AcceptedEvent }>): Promise<void>;
  /** Gives claimed ids back after a failed send, so a retry can publish them. */
  release(claims: ReadonlyArray<{ id: string; token: string }>): Promise<void>;
}

/**
 * Kafka did not acknowledge in time, but the records may still be written: `outcome` settles
 * when the producer knows. The publisher keeps the ids claimed until then, so a client's
 * retry gets the original answer instead of writing the event twice.
 */
export class UnacknowledgedSendError extends Error {
  override name = 'UnacknowledgedSendError';

  constructor(
    message: string,
    readonly outcome: Promise<RecordCoordinates[]>,
  ) {
    super(message);
  }
}
