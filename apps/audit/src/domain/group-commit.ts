/**
 * Group commit: callers submit one item each and wait for their own result; items that arrive
 * while a write is in flight are written together by the next one. No timer: a lone item is
 * written at once, and batches grow only as large as the concurrency (e.g. partitions consumed
 * in parallel) makes them. If a batch fails, its items are written again one by one, so a
 * single bad item fails only its own caller and the others learn nothing of it.
 */
interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private draining = false;

  constructor(
    /** Writes the items and returns one result per item, in order; all-or-nothing. */
    private readonly write: (items: readonly T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1 || !(await this.writeBatch(batch))) {
          for (const pending of batch) await this.writeBatch([pending]);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Settles the batch's callers on success (true); on failure settles them only if it was a single item. */
  private async writeBatch(batch: readonly Pending<T, R>[]): Promise<boolean> {
    try {
      const results = await this.write(batch.map((p) => p.item));
      batch.forEach((pending, i) => pending.resolve(results[i] as R));
      return true;
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      return false;
    }
  }
}
