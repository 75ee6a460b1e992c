/**
 * Webhooks: the built webhooks app (its own process, database, consumer group, topic pattern
 * and port; real registry, Kafka, PostgreSQL and loopback receivers) against baselines measured
 * in the same run, on a fresh topic family:
 *   1. fanout: BENCH_WEBHOOKS_EVENTS (default 50,000) records pre-produced as the gateway writes
 *      them to a 4-partition topic, read from the beginning in alternating rounds by
 *      - the audit benchmark's floor (bench/support/audit-floor.ts: bare kafkajs, `eachBatch` →
 *        one INSERT per fetched batch, in the bench process, after one unmeasured warm-up read);
 *      - the fan-out's own floor (bench/support/webhooks-fanout-floor.ts: the same bare consumer
 *        writing the app's rows, messages, deliveries and position, into a webhooks schema);
 *      - the app's fan-out, one endpoint taking every event: messages, deliveries and positions
 *        written per partition batch. The endpoint's receiver holds every request unanswered, so
 *        the delivery loop (WEBHOOKS_CONCURRENCY attempts in flight) claims nothing more meanwhile.
 *      Rates are N ÷ (start of consumption → last commit): the floors' first `eachBatch`, the
 *      app's first `messages.created_at` (its first fan-out transaction); the app's progress is
 *      the sum of the positions it stores with its rows, polled every 25 ms.
 *      Target: fan-out ÷ audit floor ≥ 0.7.
 *   2. delivery: each round's fan-out leaves N pending deliveries; the endpoint is pointed at a
 *      fast loopback receiver (bench/support/webhooks-receiver.ts, its own process), a fresh app
 *      starts, the endpoint is enabled, and the app delivers the backlog. Baseline: a raw undici
 *      POST loop with the same concurrency, body and headers, to the same receiver; and a floor
 *      (bench/support/webhooks-delivery-floor.ts: claim, POST, record on the same tables, nothing
 *      else) on the N pending deliveries the fan-out's floor wrote. Rates are the receiver's
 *      arrivals per second over BENCH_DELIVERY_SECONDS (10), from 1 s after the first arrival.
 *      Target: app ÷ raw ≥ 0.5.
 *   3. latency (bench/support/webhooks-latency.ts): an app on the gateway's topic, one endpoint
 *      to the receiver; BENCH_LATENCY_RATE (500) `POST /v1/events` per second through the real
 *      gateway, open loop, 5 s unmeasured then BENCH_LATENCY_SECONDS (20) measured, each event
 *      from its request's intended send time to the receiver's arrival stamp, split at the
 *      fan-out transaction. Target: p50 ≤ 50 ms, p99 ≤ 250 ms.
 *   npm run bench:webhooks   (Kafka at KAFKA_BROKERS or 127.0.0.1:9092, PostgreSQL at
 *                             DATABASE_URL; writes docs/benchmarks/webhooks.json)
 * BENCH_SCENARIOS=fanout,delivery,latency and BENCH_ROUNDS (3) narrow a run;
 * BENCH_WEBHOOKS_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/webhooks`) is passed to the app
 * processes. Only a run of every scenario, at least 3 rounds, the default sizes and none of those
 * settings writes the results file. Topics (the registry's election topic included), consumer
 * groups and databases are deleted afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { format } from 'prettier';
import type { Measured } from './support/consumption-window';
import { GatewayStack, ROOT } from './support/gateway-stack';
import { WebhooksBenchContext, type WebhooksBenchSettings } from './support/webhooks-bench-context';
import { benchCatalog, HoldingReceiver, median, round2 } from './support/webhooks-bench-kit';
import { DeliveryRounds, type DeliveryMeasured } from './support/webhooks-delivery';
import { FanOutRounds } from './support/webhooks-fanout';
import { PublishToDelivered, type DeliveryLatency } from './support/webhooks-latency';
import { WebhooksProcess } from './support/webhooks-process';
import { ReceiverProcess } from './support/webhooks-receiver';

const env = process.env;
const SCENARIOS = new Set((env['BENCH_SCENARIOS'] ?? 'fanout,delivery,latency').split(','));
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 3);
const LATENCY_RATE = Number(env['BENCH_LATENCY_RATE'] ?? 500);
const LATENCY_SECONDS = Number(env['BENCH_LATENCY_SECONDS'] ?? 20);
const LATENCY_WARM_SECONDS = 5;
const CORES = availableParallelism();
const GATEWAY_WORKERS = CORES;
const SETTINGS: WebhooksBenchSettings = {
  brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
  events: Number(env['BENCH_WEBHOOKS_EVENTS'] ?? 50_000),
  partitions: 4,
  partitionsConcurrency: 4,
  deliveryConcurrency: 32,
  deliveryWarmMs: 1_000,
  deliverySeconds: Number(env['BENCH_DELIVERY_SECONDS'] ?? 10),
  pollMs: 25,
  nodeArgs: env['BENCH_WEBHOOKS_NODE_ARGS']?.split(' ').filter(Boolean) ?? [],
};

const load = () => loadavg().map(round2);

interface FanOutRound {
  readonly floor: Measured & { meanBatch: number };
  readonly schemaFloor: Measured;
  readonly fanOut: Measured;
  readonly ratio: number;
  readonly schemaFloorRatio: number;
  readonly fanOutOfSchemaFloor: number;
}

interface DeliveryRound {
  readonly app: DeliveryMeasured;
  readonly floor: DeliveryMeasured;
  readonly raw: DeliveryMeasured;
  readonly ratio: number;
  readonly floorRatio: number;
  readonly appOfFloor: number;
}

class WebhooksBench {
  readonly results: Record<string, unknown> = {};

  constructor(private readonly bench: WebhooksBenchContext) {}

  /** Rounds of the fan-out's three sides, each followed by the delivery of the backlog it left. */
  private async fanOutAndDelivery(): Promise<void> {
    const { bench } = this;
    const producedAt = performance.now();
    await bench.preload();
    const ms = Math.round(performance.now() - producedAt);
    console.log(`produced ${SETTINGS.events} records to ${bench.preloadedTopic} in ${ms} ms`);
    const pool = new Pool({
      connectionString: await bench.database('floor'),
      max: SETTINGS.partitionsConcurrency,
    });
    const hold = await new HoldingReceiver().start();
    const fanOut = new FanOutRounds(bench, hold);
    const delivery = new DeliveryRounds(bench);
    const fanOutRounds: FanOutRound[] = [];
    const deliveryRounds: DeliveryRound[] = [];
    try {
      if (SCENARIOS.has('fanout')) await fanOut.floor(pool, 'warmup');
      for (let round = 1; round <= ROUNDS; round++) {
        const floor = SCENARIOS.has('fanout') ? await fanOut.floor(pool, String(round)) : undefined;
        const schemaFloor = await fanOut.schemaFloor(String(round));
        const { measured, app, round: roundApp } = await fanOut.app(String(round));
        try {
          if (floor !== undefined) {
            fanOutRounds.push({
              floor,
              schemaFloor: schemaFloor.measured,
              fanOut: measured,
              ratio: round2(measured.eventsPerSec / floor.eventsPerSec),
              schemaFloorRatio: round2(schemaFloor.measured.eventsPerSec / floor.eventsPerSec),
              fanOutOfSchemaFloor: round2(measured.eventsPerSec / schemaFloor.measured.eventsPerSec),
            });
            console.log(`fan-out round ${round}`, JSON.stringify(fanOutRounds.at(-1)));
          }
          if (!SCENARIOS.has('delivery')) continue;
          const held = await fanOut.handOver(app, roundApp.endpointId);
          const delivered = await delivery.app(roundApp, held);
          const sample = await delivery.sample();
          const queueFloor = await delivery.floor(schemaFloor.databaseUrl, sample);
          const raw = await delivery.raw(sample);
          deliveryRounds.push({
            app: delivered,
            floor: queueFloor,
            raw,
            ratio: round2(delivered.perSec / raw.perSec),
            floorRatio: round2(queueFloor.perSec / raw.perSec),
            appOfFloor: round2(delivered.perSec / queueFloor.perSec),
          });
          console.log(`delivery round ${round}`, JSON.stringify(deliveryRounds.at(-1)));
        } finally {
          await fanOut.stop(app);
        }
      }
    } finally {
      await hold.close();
      await pool.end();
    }
    if (fanOutRounds.length > 0) this.results['fanout'] = fanOutSummary(fanOutRounds);
    if (deliveryRounds.length > 0) this.results['delivery'] = deliverySummary(deliveryRounds);
  }

  private async latency(): Promise<void> {
    const { bench } = this;
    const { stack, receiver } = bench;
    const app = await WebhooksProcess.spawn({
      ...bench.appOptions(await bench.database('latency'), bench.group('latency'), stack.topic),
      nodeArgs: SETTINGS.nodeArgs,
    });
    try {
      await app.ready();
      await app.createEndpoint({ url: receiver.url, types: [stack.type] });
      await receiver.reset();
      const run = new PublishToDelivered(stack, receiver, LATENCY_RATE);
      await run.untilDelivering();
      const rounds: DeliveryLatency[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const measured = await run.round(LATENCY_WARM_SECONDS, LATENCY_SECONDS, () => app.fannedOutAt());
        rounds.push(measured);
        const { publish, ...delivered } = measured;
        const gateway = { publishP50Ms: publish.p50Ms, publishP99Ms: publish.p99Ms };
        console.log(`latency round ${round}`, JSON.stringify({ ...delivered, ...gateway }));
      }
      this.results['latency'] = {
        ratePerSecond: LATENCY_RATE,
        seconds: LATENCY_SECONDS,
        via: `gateway POST /v1/events, one event per request, no client id, GATEWAY_WORKERS=${GATEWAY_WORKERS}`,
        rounds,
        p50Ms: median(rounds.map((r) => r.p50Ms)),
        p90Ms: median(rounds.map((r) => r.p90Ms)),
        p99Ms: median(rounds.map((r) => r.p99Ms)),
        publishP50Ms: median(rounds.map((r) => r.publish.p50Ms)),
        publishP99Ms: median(rounds.map((r) => r.publish.p99Ms)),
        target: { p50Ms: 50, p99Ms: 250 },
        loadAverage: load(),
      };
    } finally {
      await app.stop();
    }
  }

  async run(): Promise<void> {
    await this.bench.connect();
    try {
      if (SCENARIOS.has('fanout') || SCENARIOS.has('delivery')) await this.fanOutAndDelivery();
      if (SCENARIOS.has('latency')) await this.latency();
    } finally {
      await this.bench.close();
    }
  }
}

function fanOutSummary(rounds: readonly FanOutRound[]) {
  return {
    events: SETTINGS.events,
    partitions: SETTINGS.partitions,
    partitionsConcurrency: SETTINGS.partitionsConcurrency,
    endpoints: 1,
    rounds,
    floorEventsPerSec: median(rounds.map((r) => r.floor.eventsPerSec)),
    schemaFloorEventsPerSec: median(rounds.map((r) => r.schemaFloor.eventsPerSec)),
    fanOutEventsPerSec: median(rounds.map((r) => r.fanOut.eventsPerSec)),
    ratio: median(rounds.map((r) => r.ratio)),
    schemaFloorRatio: median(rounds.map((r) => r.schemaFloorRatio)),
    fanOutOfSchemaFloor: median(rounds.map((r) => r.fanOutOfSchemaFloor)),
    target: 0.7,
    loadAverage: load(),
  };
}

function deliverySummary(rounds: readonly DeliveryRound[]) {
  return {
    backlog: SETTINGS.events,
    concurrency: SETTINGS.deliveryConcurrency,
    windowSeconds: SETTINGS.deliverySeconds,
    rounds,
    appDeliveriesPerSec: median(rounds.map((r) => r.app.perSec)),
    floorPerSec: median(rounds.map((r) => r.floor.perSec)),
    rawPerSec: median(rounds.map((r) => r.raw.perSec)),
    ratio: median(rounds.map((r) => r.ratio)),
    floorRatio: median(rounds.map((r) => r.floorRatio)),
    appOfFloor: median(rounds.map((r) => r.appOfFloor)),
    target: 0.5,
    loadAverage: load(),
  };
}

const METHOD =
  'fanout: events/s = N ÷ (start of consumption → last commit): the floors’ first eachBatch and their commits seen in-process; ' +
  'the app’s first messages.created_at and its stored positions polled every 25 ms; deliveries held unanswered meanwhile; ' +
  'ratio = median of per-round fan-out ÷ audit floor (schemaFloor: the same bare consumer writing the webhooks rows). ' +
  'delivery: arrivals per second at the receiver over the window: the app (a fresh process finding N pending deliveries), ' +
  'the floor (claim, POST, record on the same tables) and the raw undici loop (same concurrency, body, headers); ' +
  'ratios = medians of per-round ratios. latency: intended publish time (open loop through the gateway) → receiver arrival ' +
  'stamp, split at messages.created_at. cpuMicrosPerEvent/Delivery from /proc over the window: the consumer or sender ' +
  'process, every PostgreSQL process, the broker, the receiver, and `rest` = the rest of the machine’s busy CPU (the bench ' +
  'process, the receiver, other users of the VM)';

async function main(): Promise<void> {
  const startLoad = load();
  const stack = await GatewayStack.start({
    brokers: SETTINGS.brokers,
    partitions: SETTINGS.partitions,
    gatewayWorkers: GATEWAY_WORKERS,
  });
  // The stack's registry also makes its leader-election topic, which GatewayStack.close() does not know about.
  stack.ownTopic(`_schemas-bench-${stack.suffix}_leader`);
  const catalog = await benchCatalog([stack.type, WebhooksBenchContext.preloadedTopic(stack)]);
  const receiver = await ReceiverProcess.start();
  const interrupted = () =>
    void Promise.allSettled([receiver.stop(), stack.close(), catalog.remove()]).finally(() =>
      process.exit(130),
    );
  process.once('SIGINT', interrupted);
  const bench = new WebhooksBench(new WebhooksBenchContext(SETTINGS, stack, catalog.dir, receiver));
  try {
    await bench.run();
  } finally {
    process.off('SIGINT', interrupted);
    await receiver.stop();
    await stack.close();
    await catalog.remove();
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${CORES} shared cores: bench process, webhooks app, receiver, gateway, registry, Kafka and PostgreSQL on one VM`,
    method: METHOD,
    loadAverageAtStart: startLoad,
    ...bench.results,
  };
  console.log(JSON.stringify(results, null, 2));
  const shaped = [
    'BENCH_WEBHOOKS_EVENTS',
    'BENCH_LATENCY_RATE',
    'BENCH_LATENCY_SECONDS',
    'BENCH_DELIVERY_SECONDS',
  ];
  const full = ['fanout', 'delivery', 'latency'].every((s) => SCENARIOS.has(s)) && ROUNDS >= 3;
  if (full && !shaped.some((name) => env[name]) && SETTINGS.nodeArgs.length === 0) {
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    // In the repository's Prettier style, so the committed file passes `npm run lint` as written.
    writeFileSync(join(out, 'webhooks.json'), await format(JSON.stringify(results), { parser: 'json' }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
