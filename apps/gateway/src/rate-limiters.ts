/**
 * Where the per-key rate limits count. One process: in its memory. Several worker processes
 * (GATEWAY_WORKERS > 1): in the primary, which leases each key's budget to the workers over
 * node:cluster IPC (rate-leases.ts), so a key's limit holds for the whole gateway process group
 * rather than once per worker, without a message per request. Separate gateway hosts still count
 * on their own (docs/gateway.md).
 */
import cluster from 'node:cluster';
import { isClusterWorker } from '@app/platform';
import { memoryRateLimiter, type RateLimiterFactory } from './domain/publisher-authenticator';
import { LeasedRateLimiter, RateBudgets, type LeaseAnswer, type LeaseRequest } from './rate-leases';

const LEASE_REQUEST = 'herald:rate-lease';
const LEASE_ANSWER = 'herald:rate-lease-answer';
/** A primary that has not answered by then is busy or gone: the request gets 503. */
const ASK_TIMEOUT_MS = 2_000;

interface LeaseRequestMessage extends LeaseRequest {
  readonly type: typeof LEASE_REQUEST;
  readonly id: number;
}

interface LeaseAnswerMessage extends LeaseAnswer {
  readonly type: typeof LEASE_ANSWER;
  readonly id: number;
}

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

const isLeaseRequest = (m: unknown): m is LeaseRequestMessage =>
  isObject(m) &&
  m['type'] === LEASE_REQUEST &&
  typeof m['id'] === 'number' &&
  typeof m['key'] === 'string' &&
  [m['limit'], m['need'], m['want'], m['returning'], m['window']].every(
    (n) => Number.isSafeInteger(n) && (n as number) >= 0,
  );

const isLeaseAnswer = (m: unknown): m is LeaseAnswerMessage =>
  isObject(m) && m['type'] === LEASE_ANSWER && typeof m['id'] === 'number';

interface Waiting {
  resolve(answer: LeaseAnswer): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

/** A worker's asks in flight, by id; one listener on the IPC channel answers them all. */
const waiting = new Map<number, Waiting>();
let nextAskId = 0;
let listening = false;

function askPrimary(request: LeaseRequest): Promise<LeaseAnswer> {
  if (!listening) {
    listening = true;
    process.on('message', (message: unknown) => {
      if (!isLeaseAnswer(message)) return;
      const asked = waiting.get(message.id);
      if (asked === undefined) return;
      waiting.delete(message.id);
      clearTimeout(asked.timer);
      asked.resolve(message);
    });
  }
  return new Promise((resolve, reject) => {
    const id = ++nextAskId;
    const fail = (error: Error) => {
      if (!waiting.delete(id)) return;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`the primary did not answer a rate-limit lease within ${ASK_TIMEOUT_MS} ms`)),
      ASK_TIMEOUT_MS,
    ).unref();
    waiting.set(id, { resolve, reject, timer });
    const message: LeaseRequestMessage = { type: LEASE_REQUEST, id, ...request };
    try {
      process.send!(message, undefined, undefined, (error) => {
        if (error) fail(error);
      });
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

export const leasedRateLimiter: RateLimiterFactory = (eventsPerSecond) =>
  new LeasedRateLimiter(eventsPerSecond, askPrimary);

export const rateLimiterForThisProcess = (): RateLimiterFactory =>
  isClusterWorker() ? leasedRateLimiter : memoryRateLimiter;

/** In the primary, before the workers start: holds the budgets it leases to them. */
export function serveSharedRateLimits(): void {
  const budgets = new RateBudgets();
  cluster.on('message', (worker, message: unknown) => {
    if (!isLeaseRequest(message)) return;
    const answer: LeaseAnswerMessage = { type: LEASE_ANSWER, id: message.id, ...budgets.lease(message) };
    // A worker gone since it asked: nothing to answer (the callback keeps a failed write from
    // becoming an 'error' event nobody listens to).
    if (worker.isConnected()) worker.send(answer, undefined, () => undefined);
  });
}
