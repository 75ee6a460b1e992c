/**
 * Shares one write among concurrent callers (group commit): each commit costs a round trip
 * and a WAL flush, so one per request or per consumed event makes PostgreSQL's commit rate
 * the app's ceiling. Up to `maxConcurrent` writes run at once; callers arriving while all are
 * busy queue, and the queue goes out as one write when one returns. No timer unless
 * `lingerMs` asks for one: an idle app writes each call at once, and a busy one merges them.
 * Used by the gateway's idempotency window and the audit store.
 *
 * Items with the same `key` never share a statement (PostgreSQL refuses an
 * `INSERT … ON CONFLICT DO UPDATE` that touches one row twice): a caller whose keys collide
 * with the statement being built waits for the next one, as if it had arrived later.
 */
export interface GroupCommitSettings<T> {
  /** Statements in flight at once; keep below the connection pool's size. */
  readonly maxConcurrent: number;
  /** Items per statement; a single caller with more still goes out alone. */
  readonly maxItems: number;
  readonly key?: (item: T) => string;
  /**
   * When a merged write fails, run each caller's items again on their own, so one bad item
   * fails only its caller (audit: a row the database refuses must not fail its neighbours).
   * Off: every caller of the failed write gets its error.
   */
  readonly isolateFailures?: boolean;
  /**
   * For writes nobody waits on: a statement waits this long for more callers (unless
   * `maxItems` are queued), so a lightly loaded app sends one statement per interval instead
   * of one per caller. 0 (default): no timer.
   */
  readonly lingerMs?: number;
}

interface Waiter<T, R> {
  readonly items: readonly T[];
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private queue: Array<Waiter<T, R>> = [];
  private queuedItems = 0;
  private inFlight = 0;
  private lingering: NodeJS.Timeout | undefined;

  constructor(
    /** Runs one statement for all items; resolves with one result per item, in order. */
    private readonly run: (items: readonly T[]) => Promise<R[]>,
    private readonly settings: GroupCommitSettings<T>,
  ) {}

  submit(items: readonly T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queuedItems += items.length;
      const linger = this.settings.lingerMs ?? 0;
      if (linger <= 0 || this.queuedItems >= this.settings.maxItems) {
        this.pump();
      } else if (this.lingering === undefined) {
        this.lingering = setTimeout(() => this.pump(), linger);
      }
    });
  }

  private pump(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    while (this.inFlight < this.settings.maxConcurrent && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next statement's callers, in arrival order; the rest stay queued. */
  private take(): Array<Waiter<T, R>> {
    const { key, maxItems } = this.settings;
    const batch: Array<Waiter<T, R>> = [];
    const rest: Array<Waiter<T, R>> = [];
    const keys = new Set<string>();
    let count = 0;
    for (const waiter of this.queue) {
      const fits = batch.length === 0 || count + waiter.items.length <= maxItems;
      const collides = key !== undefined && waiter.items.some((item) => keys.has(key(item)));
      if (!fits || collides) {
        rest.push(waiter);
        continue;
      }
      batch.push(waiter);
      count += waiter.items.length;
      if (key !== undefined) waiter.items.forEach((item) => keys.add(key(item)));
    }
    this.queue = rest;
    this.queuedItems -= count;
    return batch;
  }

  private async flush(batch: ReadonlyArray<Waiter<T, R>>): Promise<void> {
    let results: R[];
    try {
      results = await this.run(batch.length === 1 ? batch[0]!.items : batch.flatMap((w) => w.items));
    } catch (error) {
      if (this.settings.isolateFailures && batch.length > 1) {
        for (const waiter of batch) await this.flush([waiter]);
      } else {
        batch.forEach((waiter) => waiter.reject(error));
      }
      return;
    }
    let next = 0;
    for (const waiter of batch) {
      waiter.resolve(results.slice(next, next + waiter.items.length));
      next += waiter.items.length;
    }
  }
}
