/**
 * Stores the answers of acknowledged events in the idempotency window: completes the claims of
 * client ids, and records generated ids (never claimed) with their answer in one write. In
 * strict mode the client's answer waits for these writes; otherwise they happen just after
 * answering, so PostgreSQL is off the latency path (a retry of the id meanwhile waits for the
 * write on this instance, or finds the claim in flight on another), up to a bound past which
 * answers wait again, so a PostgreSQL slower than Kafka slows publishing instead of growing
 * memory. Never throws: an answer that cannot be stored is counted, and the event, which
 * Kafka has, is still answered 2xx.
 */
import type { AcceptedEvent, IdempotencyStore } from './ports';

export interface AnswerWriterSettings {
  /** Strict mode: the answer waits for its write. */
  readonly awaitWrites: boolean;
  /** Answers being written after answering, at most. */
  readonly maxBackgroundWrites: number;
}

export interface AnswerObserver {
  /** Kafka acknowledged, but the idempotency store could not record the answer. */
  answerNotStored(count: number, error: unknown): void;
}

/** One acknowledged event: its claim token, or none for a generated id. */
export interface Answer {
  readonly token: string | undefined;
  readonly fingerprint: string;
  readonly result: AcceptedEvent;
}

export class AnswerWriter {
  private backgroundWrites = 0;

  constructor(
    private readonly idempotency: IdempotencyStore,
    private readonly observer: AnswerObserver,
    private readonly settings: AnswerWriterSettings,
  ) {}

  /** Resolves once the answers may be given: after their writes in strict mode, at once otherwise. */
  async store(answers: readonly Answer[]): Promise<void> {
    const completions: Array<{ token: string; result: AcceptedEvent }> = [];
    const fresh: Array<{ fingerprint: string; result: AcceptedEvent }> = [];
    for (const { token, fingerprint, result } of answers) {
      if (token === undefined) fresh.push({ fingerprint, result });
      else completions.push({ token, result });
    }
    const writes: Array<Promise<void>> = [];
    if (completions.length > 0) {
      writes.push(this.tracked(completions.length, this.idempotency.complete(completions)));
    }
    if (fresh.length > 0) writes.push(this.tracked(fresh.length, this.idempotency.record(fresh)));
    if (this.settings.awaitWrites || this.backgroundWrites > this.settings.maxBackgroundWrites) {
      await Promise.all(writes);
    }
  }

  private tracked(count: number, write: Promise<void>): Promise<void> {
    this.backgroundWrites += count;
    return write
      .catch((error: unknown) => {
        try {
          this.observer.answerNotStored(count, error);
        } catch {
          // Nobody awaits a background write: a failing observer must not become an
          // unhandled rejection (which ends the process).
        }
      })
      .finally(() => {
        this.backgroundWrites -= count;
      });
  }
}
