/**
 * The highest `_schemas` offset the reader has applied (or passed over: compacted gaps, control
 * records), and bounded waits for it to reach a target. Offsets only grow; a reader that
 * re-reads from the beginning after a restart never moves it back.
 */
interface Waiter {
  readonly target: bigint;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class AppliedOffset {
  private value = -1n;
  private failure: Error | undefined;
  private readonly waiters = new Set<Waiter>();

  /** -1 until the first record is applied. */
  get current(): bigint {
    return this.value;
  }

  advance(offset: bigint): void {
    if (offset <= this.value) return;
    this.value = offset;
    for (const waiter of this.waiters) {
      if (waiter.target <= offset) this.settle(waiter, undefined);
    }
  }

  /** Resolves once `target` is applied; rejects with `onTimeout()` after `timeoutMs`. */
  reached(target: bigint, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (target <= this.value) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        target,
        resolve,
        reject,
        timer: setTimeout(() => this.settle(waiter, onTimeout()), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every current and future wait: the reader is gone. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters) this.settle(waiter, error);
  }

  private settle(waiter: Waiter, error: Error | undefined): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}
