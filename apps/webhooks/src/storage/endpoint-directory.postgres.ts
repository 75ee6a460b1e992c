/**
 * The EndpointDirectory port: the enabled endpoints, held in memory for the fan-out (it asks for
 * every batch). The snapshot is reloaded every `refreshMs` (2 s) and at once when an endpoint
 * change is notified (EndpointChangeListener), so a create, update or delete reaches the fan-out
 * within milliseconds, and within `refreshMs` even without notifications. A snapshot older than
 * `maxStaleMs` (PostgreSQL unreachable for that long) is never served: the caller gets the
 * reload's error instead, so the fan-out retries rather than routing on a stale list.
 */
import { Logger } from '@nestjs/common';
import type { Endpoint } from '../domain/endpoint';
import type { EndpointDirectory } from '../domain/ports';

export interface EnabledEndpointsSource {
  enabledEndpoints(): Promise<Endpoint[]>;
}

export interface DirectoryOptions {
  readonly refreshMs?: number;
  readonly maxStaleMs?: number;
  readonly clock?: () => number;
}

interface Snapshot {
  readonly endpoints: readonly Endpoint[];
  readonly loadedAt: number;
}

export class PostgresEndpointDirectory implements EndpointDirectory {
  private readonly logger = new Logger('EndpointDirectory');
  private readonly refreshMs: number;
  private readonly maxStaleMs: number;
  private readonly clock: () => number;
  private snapshot: Snapshot | undefined;
  private inFlight: Promise<readonly Endpoint[]> | undefined;
  private queued: Promise<readonly Endpoint[]> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastError: unknown;

  constructor(
    private readonly source: EnabledEndpointsSource,
    options: DirectoryOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 2_000;
    this.maxStaleMs = options.maxStaleMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  async enabledEndpoints(): Promise<readonly Endpoint[]> {
    const snapshot = this.snapshot;
    if (snapshot !== undefined && this.clock() - snapshot.loadedAt <= this.maxStaleMs) {
      return snapshot.endpoints;
    }
    return this.refresh();
  }

  /**
   * Reloads the snapshot. A reload already running may have read before the change that asks
   * for this one, so exactly one more is queued behind it (callers meanwhile share that one).
   */
  refresh(): Promise<readonly Endpoint[]> {
    if (this.inFlight === undefined) return this.load();
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.load();
      });
    return this.queued;
  }

  /** Starts the periodic reload (the first one at once). */
  start(): void {
    if (this.timer !== undefined) return;
    this.background();
    this.timer = setInterval(() => this.background(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** For readiness: throws while the snapshot is missing or too old to be served. */
  assertFresh(): void {
    const age = this.snapshot === undefined ? undefined : this.clock() - this.snapshot.loadedAt;
    if (age !== undefined && age <= this.maxStaleMs) return;
    const reason = this.lastError instanceof Error ? `: ${this.lastError.message}` : '';
    throw new Error(
      age === undefined
        ? `endpoints not loaded yet${reason}`
        : `endpoints last loaded ${age} ms ago (limit ${this.maxStaleMs} ms)${reason}`,
    );
  }

  private background(): void {
    this.refresh().catch((error: unknown) => {
      this.logger.warn(`cannot reload endpoints: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private load(): Promise<readonly Endpoint[]> {
    const startedAt = this.clock();
    const loading = this.source.enabledEndpoints().then(
      (endpoints) => {
        // Stamped with the start: the rows are as fresh as the moment the query began.
        this.snapshot = { endpoints, loadedAt: startedAt };
        this.lastError = undefined;
        return endpoints;
      },
      (error: unknown) => {
        this.lastError = error;
        throw error;
      },
    );
    this.inFlight = loading;
    const clear = () => {
      if (this.inFlight === loading) this.inFlight = undefined;
    };
    void loading.then(clear, clear);
    return loading;
  }
}
