/**
 * Analytics consumption: the built analytics app (its own process, real registry, Kafka and
 * PostgreSQL) with three declared metrics, against raw kafkajs consumption of the same topic in
 * the same run. BENCH_ANALYTICS_EVENTS (default 50,000) v2 payments are pre-produced as the
 * gateway writes them (bench/support/audit-bench-kit.ts) to a 4-partition topic, then read from
 * the beginning in alternating rounds by
 *   - the raw floor: bare kafkajs `eachBatch` (partitionsConsumedConcurrently 4, default fetch),
 *     storing nothing, kafkajs committing (bench/support/audit-floor.ts without a pool), in the
 *     bench process after one unmeasured warm-up read;
 *   - the audit benchmark's PostgreSQL floor (the same consumer inserting each batch in one
 *     statement), for context: what any consumer that stores its records pays;
 *   - the analytics app (`node dist/apps/analytics/src/main.js`), started per round on a fresh
 *     database and consumer group, its topic pattern matching only this topic, with three metrics
 *     (a grouped sum through v1, a grouped average through v2, a max over two groups through v2).
 * Each rate is N ÷ (start of consumption → last commit) (bench/support/consumption-window.ts):
 * the floors' first `eachBatch`; the app's first counted id (`counted_at`, its first batch
 * transaction) and its stored positions polled every 25 ms. Each analytics round checks the count
 * and the grouped sum against what was produced. Target: analytics ÷ raw floor ≥ 0.7 (median).
 *   npm run bench:analytics   (Kafka at KAFKA_BROKERS or 127.0.0.1:9092, PostgreSQL at DATABASE_URL;
 *                              writes docs/benchmarks/analytics.json)
 * BENCH_ROUNDS (3) and BENCH_ANALYTICS_EVENTS shape a run; BENCH_ANALYTICS_NODE_ARGS (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/analytics`) is passed to the app. Only a run of at least 3
 * rounds with the default event count and no node flags writes the results file. Topics, groups
 * and databases are deleted afterwards.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { format } from 'prettier';
import { AnalyticsProcess } from './support/analytics-process';
import { CpuMeter, createDatabase, dropDatabase, preloadPayments } from './support/audit-bench-kit';
import { createFloorTable, runFloor } from './support/audit-floor';
import { ConsumptionWindow, type Measured } from './support/consumption-window';
import { GatewayStack, ROOT } from './support/gateway-stack';

const env = process.env;
const BROKERS = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const EVENTS = Number(env['BENCH_ANALYTICS_EVENTS'] ?? 50_000);
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 3);
const NODE_ARGS = env['BENCH_ANALYTICS_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
const CORES = availableParallelism();
const PARTITIONS = 4;
/** The consumer runtime's default partitionsConcurrency; the floors use the same. */
const CONCURRENCY = 4;
const POLL_MS = 25;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round2 = (x: number) => Math.round(x * 100) / 100;
const load = () => loadavg().map(round2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The three declared metrics, on the bench's topic. */
const METRICS = (type: string) => `metrics:
  - name: bench_amount_by_currency
    type: ${type}
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]
  - name: bench_fee_avg_by_method
    type: ${type}
    version: 2
    aggregate: avg
    field: fee_minor
    groupBy: [method]
  - name: bench_amount_max_by_merchant
    type: ${type}
    version: 2
    aggregate: max
    field: amount_minor
    groupBy: [merchant_id, currency]
`;

/** Σ amount_minor of the produced payments (payment(n) has 12,550 + n). */
const EXPECTED_AMOUNT = EVENTS * 12_550 + (EVENTS * (EVENTS - 1)) / 2;

type Floor = Measured & { meanBatch: number };

interface Round {
  readonly rawFloor: Floor;
  readonly postgresFloor: Floor;
  readonly analytics: Measured;
  readonly ratio: number;
  readonly ratioToPostgresFloor: number;
}

class AnalyticsBench {
  private readonly kafka = new Kafka({
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    clientId: 'bench-analytics',
  });
  private readonly groups: string[] = [];
  private readonly databases: string[] = [];
  private readonly metricsDir = mkdtempSync(join(tmpdir(), 'herald-analytics-bench-'));
  readonly topic: string;

  constructor(private readonly stack: GatewayStack) {
    this.topic = `bench${stack.suffix}.payment.preloaded`;
  }

  private group(name: string): string {
    const id = `bench-analytics-${this.stack.suffix}-${name}`;
    this.groups.push(id);
    return id;
  }

  private async database(name: string): Promise<string> {
    const database = `herald_analytics_bench_${this.stack.suffix}_${name}`;
    this.databases.push(database);
    return createDatabase(database);
  }

  private async floorRound(name: string, pool?: Pool): Promise<Floor> {
    const table = pool === undefined ? undefined : `floor_events_${name}`;
    if (pool !== undefined && table !== undefined) await createFloorTable(pool, table);
    const window = new ConsumptionWindow(EVENTS, new CpuMeter(process.pid));
    const { batches } = await runFloor({
      kafka: this.kafka,
      ...(pool === undefined ? {} : { pool, table }),
      topic: this.topic,
      groupId: this.group(`${pool === undefined ? 'raw' : 'pg'}-${name}`),
      total: EVENTS,
      partitionsConcurrency: CONCURRENCY,
      progress: {
        started: () => window.consumptionStarted(Date.now()),
        stored: (n) => void window.observe(n),
      },
    });
    return { ...window.result(), meanBatch: Math.round(EVENTS / batches) };
  }

  private async analyticsRound(name: string, metricsFile: string): Promise<Measured> {
    const app = await AnalyticsProcess.spawn({
      brokers: BROKERS,
      databaseUrl: await this.database(name),
      registryUrl: this.stack.registryUrl,
      groupId: this.group(name),
      topic: this.topic,
      metricsFile,
      nodeArgs: NODE_ARGS,
    });
    try {
      const window = new ConsumptionWindow(EVENTS, new CpuMeter(app.child.pid!));
      const deadline = performance.now() + 600_000;
      while (!window.observe(await app.stored())) {
        if (performance.now() > deadline)
          throw new Error(`the analytics app did not count ${EVENTS} records in time`);
        await sleep(POLL_MS);
      }
      const { events, firstCountedAt } = await app.counted();
      if (events !== EVENTS) throw new Error(`analytics: counted ${events}, expected ${EVENTS}`);
      const amount = await app.metricTotal('bench_amount_by_currency');
      if (amount !== EXPECTED_AMOUNT)
        throw new Error(`analytics: amount ${amount}, expected ${EXPECTED_AMOUNT}`);
      window.consumptionStarted(firstCountedAt);
      return window.result();
    } finally {
      await app.stop();
    }
  }

  async run(): Promise<Record<string, unknown>> {
    const producedAt = performance.now();
    this.stack.ownTopic(this.topic);
    await preloadPayments({
      kafka: this.kafka,
      registryUrl: this.stack.registryUrl,
      topic: this.topic,
      events: EVENTS,
      partitions: PARTITIONS,
    });
    console.log(
      `produced ${EVENTS} records to ${this.topic} in ${Math.round(performance.now() - producedAt)} ms`,
    );
    const metricsFile = join(this.metricsDir, 'metrics.yaml');
    writeFileSync(metricsFile, METRICS(this.topic));
    const pool = new Pool({ connectionString: await this.database('floor'), max: CONCURRENCY });
    try {
      // Warms the bench process's kafkajs consumer path; every analytics round is a fresh process anyway.
      await this.floorRound('warmup');
      const rounds: Round[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const rawFloor = await this.floorRound(String(round));
        const postgresFloor = await this.floorRound(String(round), pool);
        const analytics = await this.analyticsRound(String(round), metricsFile);
        rounds.push({
          rawFloor,
          postgresFloor,
          analytics,
          ratio: round2(analytics.eventsPerSec / rawFloor.eventsPerSec),
          ratioToPostgresFloor: round2(analytics.eventsPerSec / postgresFloor.eventsPerSec),
        });
        console.log(`round ${round}`, JSON.stringify(rounds[round - 1]));
      }
      return {
        events: EVENTS,
        partitions: PARTITIONS,
        partitionsConcurrency: CONCURRENCY,
        metrics: 3,
        rounds,
        rawFloorEventsPerSec: median(rounds.map((r) => r.rawFloor.eventsPerSec)),
        postgresFloorEventsPerSec: median(rounds.map((r) => r.postgresFloor.eventsPerSec)),
        analyticsEventsPerSec: median(rounds.map((r) => r.analytics.eventsPerSec)),
        ratio: median(rounds.map((r) => r.ratio)),
        ratioSpread: [Math.min(...rounds.map((r) => r.ratio)), Math.max(...rounds.map((r) => r.ratio))],
        ratioToPostgresFloor: median(rounds.map((r) => r.ratioToPostgresFloor)),
        target: 0.7,
        loadAverage: load(),
      };
    } finally {
      await pool.end();
      const admin = this.kafka.admin();
      await admin.connect();
      await admin.deleteGroups(this.groups).catch(() => undefined);
      await admin.disconnect();
      for (const database of this.databases) await dropDatabase(database).catch(() => undefined);
      rmSync(this.metricsDir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const startLoad = load();
  const stack = await GatewayStack.start({ brokers: BROKERS, partitions: PARTITIONS });
  // The stack's registry also makes its leader-election topic, which GatewayStack.close() does not know about.
  stack.ownTopic(`_schemas-bench-${stack.suffix}_leader`);
  const interrupted = () => void stack.close().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  let ratio: Record<string, unknown>;
  try {
    ratio = await new AnalyticsBench(stack).run();
  } finally {
    process.off('SIGINT', interrupted);
    await stack.close();
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${CORES} shared cores: bench process, analytics, registry, gateway (idle), Kafka and PostgreSQL on one VM`,
    method:
      'events/s = N ÷ (start of consumption → last commit): the floors’ first eachBatch and their commits seen in-process; ' +
      'the analytics app’s first counted_at and its stored positions polled every 25 ms; ratio = median of per-round ' +
      'analytics ÷ raw floor (ratioToPostgresFloor: ÷ the audit benchmark’s PostgreSQL floor). cpuMicrosPerEvent between ' +
      'the first and the last commit seen, from /proc: the consumer process, every PostgreSQL process, the broker, and ' +
      '`rest` = the rest of the machine’s busy CPU; machineBusy = share of all cores busy',
    loadAverageAtStart: startLoad,
    ratio,
  };
  console.log(JSON.stringify(results, null, 2));
  // The file holds full runs of the default workload only: a smoke run must not overwrite it.
  if (ROUNDS >= 3 && env['BENCH_ANALYTICS_EVENTS'] === undefined && NODE_ARGS.length === 0) {
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    // In the repository's Prettier style, so the committed file passes `npm run lint` as written.
    writeFileSync(join(out, 'analytics.json'), await format(JSON.stringify(results), { parser: 'json' }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
