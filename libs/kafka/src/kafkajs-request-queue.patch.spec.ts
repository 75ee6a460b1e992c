/**
 * Herald patches kafkajs 2.2.4 (patches/kafkajs+2.2.4.patch, applied by `patch-package` on every
 * install): its request queue re-checked an empty, unthrottled queue every millisecond for each
 * connection's whole life (kafkajs issues #1704, #1751), about 25 ms of CPU a second for an idle
 * producer and admin, and on Node 24 a TimeoutNegativeWarning on stderr. These pin the patch: an
 * install that lost it fails here.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs' internal module has no types
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
};

const silent = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  info: () => undefined,
};

function queue() {
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'patch-spec',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
}

describe('kafkajs request queue (patched)', () => {
  it('schedules no check for an empty, unthrottled queue', () => {
    const q = queue();
    try {
      q.checkPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
    } finally {
      q.destroy();
    }
  });

  it('still schedules the check that ends a throttle', () => {
    const q = queue();
    try {
      q.throttledUntil = Date.now() + 5_000;
      q.checkPendingRequests();
      expect(q.throttleCheckTimeoutId).not.toBeNull();
    } finally {
      q.destroy();
    }
  });
});
