/**
 * The registry's state together with the `_schemas` log it is built from. Reads wait (bounded)
 * until the log has been read up to where it ended at start-up. Writes run one at a time: each
 * first catches up with the log, then decides from the state, then appends; `append` resolves
 * after its record is applied, so the next write already sees it and no id is handed out twice.
 * Catching up first matters most on a new leader: the previous leader's last records must be
 * applied before this instance picks ids.
 */
import type { SchemaLog, SchemaLogKey } from './schema-log.port';
import { RegistryError, StoreError, StoreTimeoutError, UnknownLeaderError } from './registry-errors';
import { SingleInstanceLeadership, type RegistryLeadership } from './registry-leadership.port';
import { RegistryState } from './registry-state';

export interface RegistryStoreOptions {
  /** Bound on each wait for the log: start-up load, catching up, one append. */
  readonly storeTimeoutMs: number;
}

export const DEFAULT_STORE_OPTIONS: RegistryStoreOptions = { storeTimeoutMs: 10_000 };

/** Appends one record; the state already holds it when the promise resolves. */
export type AppendRecord = (key: SchemaLogKey, value: Record<string, unknown> | null) => Promise<void>;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Storage adapters mark timeouts with a `code` naming one (e.g. `CATCH_UP_TIMEOUT`). */
function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.includes('TIMEOUT');
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(`Operation timed out: ${what} (${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class RegistryStore {
  private readonly state = new RegistryState();
  private loading: Promise<void> | undefined;
  private loaded = false;
  private loadError: unknown;
  private writeTail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: SchemaLog,
    private readonly options: RegistryStoreOptions = DEFAULT_STORE_OPTIONS,
    private readonly leadership: RegistryLeadership = new SingleInstanceLeadership(),
  ) {}

  /** Starts reading the log; resolves once the records present at start are applied. */
  start(): Promise<void> {
    this.loading ??= this.log
      .start((record) => this.state.apply(record))
      .then(
        () => {
          this.loaded = true;
        },
        (error: unknown) => {
          this.loadError = error;
          throw new StoreError(`Error while reading the _schemas log: ${reasonOf(error)}`, { cause: error });
        },
      );
    return this.loading;
  }

  stop(): Promise<void> {
    return this.log.stop();
  }

  /** For the readiness probe: resolves when loaded, rejects with why not otherwise. */
  async checkLoaded(): Promise<void> {
    if (this.loaded) return;
    if (this.loadError !== undefined) throw new StoreError(reasonOf(this.loadError));
    throw new StoreError(this.loading ? 'still reading the _schemas log' : 'the _schemas log is not started');
  }

  /** The state, once the log has been read up to where it ended at start-up. */
  async read(): Promise<RegistryState> {
    if (this.loaded) return this.state;
    if (this.loading === undefined) throw new StoreError('Error in the backend data store: not started');
    await withTimeout(this.loading, this.options.storeTimeoutMs, 'reading the _schemas log');
    return this.state;
  }

  /** Runs `work` after every earlier write finished, with the state caught up with the log. */
  write<T>(work: (state: RegistryState, append: AppendRecord) => Promise<T>): Promise<T> {
    const result = this.writeTail.then(async () => {
      const state = await this.read();
      await this.guardStore(this.log.waitUntilCaughtUp(), 'catching up with the _schemas log');
      return work(state, (key, value) => this.append(key, value));
    });
    this.writeTail = result.catch(() => undefined);
    return result;
  }

  private async append(key: SchemaLogKey, value: Record<string, unknown> | null): Promise<void> {
    // Leadership can move while a write waits its turn; only the leader may append.
    if (this.leadership.leaderUrl() !== undefined) {
      throw new UnknownLeaderError('Leader not known: this instance stopped leading before the write');
    }
    await this.guardStore(this.log.append(key, value), 'writing to the _schemas log');
  }

  private async guardStore<T>(work: Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(work, this.options.storeTimeoutMs, what);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      if (isTimeout(error)) {
        throw new StoreTimeoutError(`Operation timed out: ${what}: ${reasonOf(error)}`, { cause: error });
      }
      throw new StoreError(`Error in the backend data store while ${what}: ${reasonOf(error)}`, {
        cause: error,
      });
    }
  }
}
