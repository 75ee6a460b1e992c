/**
 * One HTTP app as several worker processes sharing its port (node:cluster), so a CPU-bound app
 * such as the gateway uses more than one core. The primary process serves no requests: it
 * forks the workers, replaces one that dies, answers their requests for cluster-wide metrics,
 * and on SIGTERM/SIGINT stops them all (each drains as a single-process app does) before it
 * exits. A worker whose primary is gone stops itself.
 *
 * Metrics: prom-client's AggregatorRegistry. `GET /metrics` on any worker asks the primary,
 * which collects every worker's registry and answers the sum (counters, histograms) or the
 * rule prom-client sets per default metric, so a scrape sees the whole app, not one worker.
 */
import cluster, { type Worker } from 'node:cluster';
import pino, { type Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';

const METRICS_REQUEST = 'herald:metrics-request';
const METRICS_RESPONSE = 'herald:metrics-response';

interface MetricsRequest {
  readonly type: typeof METRICS_REQUEST;
  readonly id: number;
}

interface MetricsResponse {
  readonly type: typeof METRICS_RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

export interface ClusterSettings {
  readonly name: string;
  readonly workers: number;
  readonly logLevel: string;
  /** A worker that exits during shutdown is killed after this. */
  readonly shutdownTimeoutMs?: number;
  /** Before a dead worker is replaced. */
  readonly restartDelayMs?: number;
}

/** True in a process that `superviseWorkers` forked. */
export const isClusterWorker = (): boolean => cluster.isWorker;

/**
 * The primary's loop. A worker that dies before it ever listened is a boot failure (bad
 * config, an unreachable dependency at start): the app stops and exits 1 instead of forking
 * forever. A worker that dies after it listened is replaced.
 */
export function superviseWorkers(settings: ClusterSettings): void {
  const log: Logger = pino({ level: settings.logLevel, base: { service: settings.name, role: 'primary' } });
  const shutdownTimeoutMs = settings.shutdownTimeoutMs ?? 30_000;
  const restartDelayMs = settings.restartDelayMs ?? 1_000;
  const listened = new WeakSet<Worker>();
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failed = false;

  const fork = () => {
    const worker = cluster.fork();
    log.info({ pid: worker.process.pid }, `${settings.name}: worker started`);
  };

  const living = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${settings.name}: ${reason}; stopping ${living().length} worker(s)`);
    for (const worker of living()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of living()) worker.process.kill('SIGKILL');
    }, shutdownTimeoutMs).unref();
    if (living().length === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on('listening', (worker) => listened.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // A drained worker exits 0, or by the SIGTERM it re-raises after Nest's shutdown hooks.
      if (code !== 0 && signal !== 'SIGTERM') failed = true;
      if (living().length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!listened.has(worker)) {
      failed = true;
      log.error(
        { pid: worker.process.pid },
        `${settings.name}: a worker exited with ${how} before it started`,
      );
      stop('a worker failed to start');
      return;
    }
    log.error({ pid: worker.process.pid }, `${settings.name}: a worker exited with ${how}; replacing it`);
    setTimeout(() => {
      if (!stopping) fork();
    }, restartDelayMs);
  });
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < settings.workers; i++) fork();
}

/**
 * In a worker: offers `registry` to the primary's aggregation, and stops the worker (as
 * SIGTERM would) when the primary is gone.
 */
export function joinCluster(registry: Registry): void {
  // Constructing one installs prom-client's worker-side answer to the primary's collection.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

let nextRequest = 0;
const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
let listening = false;

/** In a worker: the whole app's metrics, from the primary. */
export function clusterMetrics(timeoutMs = 10_000): Promise<string> {
  if (!listening) {
    listening = true;
    process.on('message', (message: unknown) => {
      if (!isMessage<MetricsResponse>(message, METRICS_RESPONSE)) return;
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== undefined) pending?.resolve(message.text);
      else pending?.reject(new Error(`cluster metrics: ${message.error ?? 'no answer'}`));
    });
  }
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`cluster metrics: the primary did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    waiting.set(id, {
      resolve: (text) => {
        clearTimeout(timer);
        resolve(text);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
  });
}
