/**
 * One HTTP app as several worker processes sharing its port (node:cluster), so a CPU-bound app
 * such as the gateway uses more than one core. The primary process serves no requests: it
 * forks the workers, replaces one that dies, answers their requests for cluster-wide metrics,
 * and on SIGTERM/SIGINT stops them all (each drains as a single-process app does) before it
 * exits. A worker whose primary is gone drains and stops too.
 *
 * Metrics: prom-client's AggregatorRegistry. `GET /metrics` on any worker asks the primary,
 * which collects every worker's registry and answers the sum (counters, histograms) or the
 * rule prom-client sets per default metric, so a scrape sees the whole app, not one worker.
 * `herald_cluster_workers` (1 per serving worker, summed) tells how many workers answer.
 */
import cluster, { type Worker } from 'node:cluster';
import pino, { type Logger } from 'pino';
import { AggregatorRegistry, Gauge, type Registry } from 'prom-client';

const METRICS_REQUEST = 'herald:metrics-request';
const METRICS_RESPONSE = 'herald:metrics-response';
/** Set by the primary on the workers it forks: other cluster primaries (pm2) are not ours. */
const WORKER_FLAG = 'HERALD_CLUSTER_WORKER';

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
  /** A worker still running this long after SIGTERM is killed. */
  readonly shutdownTimeoutMs?: number;
  /** Before a dead worker is replaced; doubles (up to 30 s) while replacements fail to start. */
  readonly restartDelayMs?: number;
}

/** True in a worker process that `superviseWorkers` forked. */
export const isClusterWorker = (): boolean => cluster.isWorker && process.env[WORKER_FLAG] === '1';

/**
 * The primary's loop. A worker of the first set that dies before it ever listened is a boot
 * failure (bad config, an unreachable dependency at start): the app stops and exits 1 instead
 * of forking forever. Later, a dead worker is replaced, with a growing delay while the
 * replacements themselves fail to start (a database down for a minute must not stop the
 * workers that still serve).
 */
export function superviseWorkers(settings: ClusterSettings): void {
  const log: Logger = pino({ level: settings.logLevel, base: { service: settings.name, role: 'primary' } });
  const shutdownTimeoutMs = settings.shutdownTimeoutMs ?? 30_000;
  const firstDelayMs = settings.restartDelayMs ?? 1_000;
  const living = new Set<Worker>();
  const listened = new WeakSet<Worker>();
  const aggregator = new AggregatorRegistry();
  let booted = false;
  let stopping = false;
  let restartDelayMs = firstDelayMs;

  const fork = () => {
    const worker = cluster.fork({ [WORKER_FLAG]: '1' });
    living.add(worker);
    log.info({ pid: worker.process.pid }, `${settings.name}: worker started`);
  };

  const finishIfDone = () => {
    if (living.size === 0) process.exit();
  };

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${settings.name}: ${reason}; stopping ${living.size} worker(s)`);
    for (const worker of living) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of living) {
        process.exitCode = 1;
        worker.process.kill('SIGKILL');
      }
    }, shutdownTimeoutMs).unref();
    finishIfDone();
  };

  cluster.on('listening', (worker) => {
    listened.add(worker);
    restartDelayMs = firstDelayMs;
    if (!booted && [...living].every((w) => listened.has(w))) booted = true;
  });
  cluster.on('exit', (worker, code, signal) => {
    living.delete(worker);
    if (stopping) {
      // A drained worker exits 0, or by the signal Nest's shutdown hooks re-raise.
      const drained = code === 0 || signal === 'SIGTERM' || signal === 'SIGINT';
      if (!drained && listened.has(worker)) process.exitCode = 1;
      finishIfDone();
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!listened.has(worker) && !booted) {
      process.exitCode = 1;
      log.error(
        { pid: worker.process.pid },
        `${settings.name}: a worker exited with ${how} before it started`,
      );
      stop('a worker failed to start');
      return;
    }
    const delay = restartDelayMs;
    if (!listened.has(worker)) restartDelayMs = Math.min(30_000, restartDelayMs * 2);
    log.error(
      { pid: worker.process.pid },
      `${settings.name}: a worker exited with ${how}; replacing it in ${delay} ms`,
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
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
 * In a worker, before the app boots: answers the primary's metric collection at once (with
 * nothing until `joinCluster`), so a booting worker never stalls a scrape; and drains (as
 * SIGTERM does) when the primary is gone, instead of Node's immediate exit.
 */
export function prepareClusterWorker(): void {
  // Constructing one installs prom-client's worker-side answer to the primary's collection.
  new AggregatorRegistry();
  process.prependOnceListener('disconnect', () => {
    if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
    process.kill(process.pid, 'SIGTERM');
  });
}

/** In a worker that serves: its registry joins the primary's aggregation, counted as one worker. */
export function joinCluster(registry: Registry): void {
  new Gauge({
    name: 'herald_cluster_workers',
    help: 'Worker processes serving (1 per worker; summed over the workers by /metrics)',
    registers: [registry],
  }).set(1);
  AggregatorRegistry.setRegistries([registry]);
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
