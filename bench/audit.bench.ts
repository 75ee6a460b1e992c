/**
 * Audit ingest: the built audit app (its own process, real registry, Kafka and PostgreSQL)
 * against a floor measured in the same run, on a fresh topic family:
 *   1. ratio: BENCH_AUDIT_EVENTS (default 50,000) records pre-produced as the gateway writes them
 *      (wire-format v2 payments, CloudEvents headers) to a 4-partition topic, read from the
 *      beginning in alternating rounds by
 *      - the floor (bench/support/audit-floor.ts): bare kafkajs, `eachBatch` → one multi-row
 *        INSERT per fetched batch, in the bench process (after one unmeasured warm-up read);
 *      - the audit app (`node dist/apps/audit/src/main.js`), started per round on a fresh
 *        database and consumer group, its topic pattern matching only this topic.
 *      Each side's rate is N ÷ (start of consumption → last commit), so boot and group join are
 *      out of both (bench/support/consumption-window.ts). The audit's progress is the sum of the
 *      positions it stores with its rows, polled every 25 ms. Target: audit ÷ floor ≥ 0.7 (median).
 *   2. burst (bench/support/audit-burst.ts): with an audit running and caught up on the
 *      gateway's topic, BENCH_BURST_EVENTS (default 20,000) events through the gateway's
 *      batch endpoint as fast as it takes them; seconds from the last ack until the audit's lag
 *      is 0, BENCH_BURSTS times (default 3).
 *   npm run bench:audit     (Kafka at KAFKA_BROKERS or 127.0.0.1:9092, PostgreSQL at DATABASE_URL;
 *                            writes docs/benchmarks/audit.json)
 * BENCH_SCENARIOS=ratio,burst and BENCH_ROUNDS narrow a run; BENCH_AUDIT_PREFILL_ROWS puts that many
 * rows in each round's tables first (bench/support/audit-prefill.ts); BENCH_AUDIT_NODE_ARGS (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/audit`) is passed to the audit processes; BENCH_GATEWAY_WORKERS
 * sets the gateway's workers (default: one per core). Only a run of both scenarios, at least 3 rounds,
 * the default event counts and none of those settings writes the results file. Topics (the registry's
 * election topic included), consumer groups and databases are deleted afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Pool } from 'pg';
import { format } from 'prettier';
import { CpuMeter, createDatabase, dropDatabase, preloadPayments } from './support/audit-bench-kit';
import { AuditBurst, type BurstResult } from './support/audit-burst';
import { createFloorTable, runFloor } from './support/audit-floor';
import { prefillAuditTrail, prefillFloorTable } from './support/audit-prefill';
import { AuditProcess } from './support/audit-process';
import { ConsumptionWindow, type Measured } from './support/consumption-window';
import { GatewayStack, ROOT } from './support/gateway-stack';

const env = process.env;
const BROKERS = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const SCENARIOS = new Set((env['BENCH_SCENARIOS'] ?? 'ratio,burst').split(','));
const EVENTS = Number(env['BENCH_AUDIT_EVENTS'] ?? 50_000);
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 3);
const BURST_EVENTS = Number(env['BENCH_BURST_EVENTS'] ?? 20_000);
const BURSTS = Number(env['BENCH_BURSTS'] ?? 3);
const PREFILL_ROWS = Number(env['BENCH_AUDIT_PREFILL_ROWS'] ?? 0);
const NODE_ARGS = env['BENCH_AUDIT_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
const CORES = availableParallelism();
const GATEWAY_WORKERS = Number(env['BENCH_GATEWAY_WORKERS'] ?? CORES);
const PARTITIONS = 4;
/** The audit's partitionsConcurrency (the consumer runtime's default); the floor uses the same. */
const CONCURRENCY = 4;
const POLL_MS = 25;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round2 = (x: number) => Math.round(x * 100) / 100;
const load = () => loadavg().map(round2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class AuditBench {
  private readonly kafka = new Kafka({
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    clientId: 'bench-audit',
  });
  private readonly admin: Admin = this.kafka.admin();
  private readonly groups: string[] = [];
  private readonly databases: string[] = [];
  private floorUrl = '';
  readonly results: Record<string, unknown> = {};

  constructor(private readonly stack: GatewayStack) {}

  private get preloadedTopic(): string {
    return `bench${this.stack.suffix}.payment.preloaded`;
  }

  private group(name: string): string {
    const id = `bench-audit-${this.stack.suffix}-${name}`;
    this.groups.push(id);
    return id;
  }

  private async database(name: string): Promise<string> {
    const database = `herald_audit_bench_${this.stack.suffix}_${name}`;
    this.databases.push(database);
    return createDatabase(database);
  }

  /** The ratio's topic: registered v1 and v2 as the stack's type is, EVENTS records produced. */
  private async preload(): Promise<void> {
    this.stack.ownTopic(this.preloadedTopic);
    await preloadPayments({
      kafka: this.kafka,
      registryUrl: this.stack.registryUrl,
      topic: this.preloadedTopic,
      events: EVENTS,
      partitions: PARTITIONS,
    });
  }

  private get prefilledTopic(): string {
    return `bench${this.stack.suffix}.payment.prefilled`;
  }

  private async floorRound(pool: Pool, name: string): Promise<Measured & { meanBatch: number }> {
    const table = `floor_events_${name}`;
    await createFloorTable(pool, table);
    if (PREFILL_ROWS > 0) await prefillFloorTable(this.floorUrl, table, this.prefilledTopic, PREFILL_ROWS);
    const window = new ConsumptionWindow(EVENTS, new CpuMeter(process.pid));
    const { batches } = await runFloor({
      kafka: this.kafka,
      pool,
      table,
      topic: this.preloadedTopic,
      groupId: this.group(`floor-${name}`),
      total: EVENTS,
      partitionsConcurrency: CONCURRENCY,
      progress: {
        started: () => window.consumptionStarted(Date.now()),
        stored: (n) => void window.observe(n),
      },
    });
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${table} WHERE topic = $1`,
      [this.preloadedTopic],
    );
    if (Number(rows[0]?.n) !== EVENTS) throw new Error(`floor: ${rows[0]?.n} rows, expected ${EVENTS}`);
    return { ...window.result(), meanBatch: Math.round(EVENTS / batches) };
  }

  /**
   * The app migrates its schema at boot: it is started once on the stack's (still empty) topic
   * with the round's group, stopped, and its table filled, before the measured start.
   */
  private async prefillAudit(databaseUrl: string, groupId: string): Promise<void> {
    const audit = await AuditProcess.spawn({
      brokers: BROKERS,
      databaseUrl,
      registryUrl: this.stack.registryUrl,
      groupId,
      topic: this.stack.topic,
    });
    try {
      await audit.ready();
    } finally {
      await audit.stop();
    }
    await prefillAuditTrail(databaseUrl, this.prefilledTopic, PREFILL_ROWS);
  }

  private async auditRound(name: string): Promise<Measured> {
    const databaseUrl = await this.database(name);
    const groupId = this.group(name);
    if (PREFILL_ROWS > 0) await this.prefillAudit(databaseUrl, groupId);
    const audit = await AuditProcess.spawn({
      brokers: BROKERS,
      databaseUrl,
      registryUrl: this.stack.registryUrl,
      groupId,
      topic: this.preloadedTopic,
      nodeArgs: NODE_ARGS,
    });
    try {
      const window = new ConsumptionWindow(EVENTS, new CpuMeter(audit.child.pid!));
      const deadline = performance.now() + 600_000;
      while (!window.observe(await audit.stored())) {
        if (performance.now() > deadline)
          throw new Error(`the audit did not store ${EVENTS} records in time`);
        await sleep(POLL_MS);
      }
      const { rows, firstIngestedAt } = await audit.rows();
      if (rows !== EVENTS) throw new Error(`audit: ${rows} rows, expected ${EVENTS}`);
      window.consumptionStarted(firstIngestedAt);
      return window.result();
    } finally {
      await audit.stop();
    }
  }

  async ratio(): Promise<void> {
    const producedAt = performance.now();
    await this.preload();
    console.log(
      `produced ${EVENTS} records to ${this.preloadedTopic} in ${Math.round(performance.now() - producedAt)} ms`,
    );
    this.floorUrl = await this.database('floor');
    const pool = new Pool({ connectionString: this.floorUrl, max: CONCURRENCY });
    try {
      // Warms the bench process's kafkajs consumer path; every audit round is a fresh process anyway.
      await this.floorRound(pool, 'warmup');
      const rounds: Array<{ floor: Measured & { meanBatch: number }; audit: Measured; ratio: number }> = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const floor = await this.floorRound(pool, String(round));
        const audit = await this.auditRound(String(round));
        rounds.push({ floor, audit, ratio: round2(audit.eventsPerSec / floor.eventsPerSec) });
        console.log(`ratio round ${round}`, JSON.stringify(rounds[round - 1]));
      }
      this.results['ratio'] = {
        events: EVENTS,
        prefilledRows: PREFILL_ROWS,
        partitions: PARTITIONS,
        partitionsConcurrency: CONCURRENCY,
        rounds,
        floorEventsPerSec: median(rounds.map((r) => r.floor.eventsPerSec)),
        auditEventsPerSec: median(rounds.map((r) => r.audit.eventsPerSec)),
        ratio: median(rounds.map((r) => r.ratio)),
        target: 0.7,
        loadAverage: load(),
      };
    } finally {
      await pool.end();
    }
  }

  async burst(): Promise<void> {
    const audit = await AuditProcess.spawn({
      brokers: BROKERS,
      databaseUrl: await this.database('burst'),
      registryUrl: this.stack.registryUrl,
      groupId: this.group('burst'),
      topic: this.stack.topic,
      nodeArgs: NODE_ARGS,
    });
    try {
      await audit.ready();
      const burst = new AuditBurst(this.stack, this.admin, audit, POLL_MS);
      await burst.run(2_000); // warm-up: the gateway's and the audit's first requests and batches
      const bursts: BurstResult[] = [];
      for (let round = 1; round <= BURSTS; round++) {
        await sleep(1_000);
        bursts.push(await burst.run(BURST_EVENTS));
        console.log(`burst ${round}`, JSON.stringify(bursts[round - 1]));
      }
      this.results['burst'] = {
        events: BURST_EVENTS,
        via: `gateway POST /v1/events/batch, 100 events per request, 8 in flight, GATEWAY_WORKERS=${GATEWAY_WORKERS}`,
        bursts,
        publishSeconds: median(bursts.map((b) => b.publishSeconds)),
        catchUpSeconds: median(bursts.map((b) => b.catchUpSeconds)),
        loadAverage: load(),
      };
    } finally {
      await audit.stop();
    }
  }

  async run(): Promise<void> {
    await this.admin.connect();
    try {
      if (SCENARIOS.has('ratio')) await this.ratio();
      if (SCENARIOS.has('burst')) await this.burst();
    } finally {
      await this.admin.deleteGroups(this.groups).catch(() => undefined);
      await this.admin.disconnect();
      for (const database of this.databases) await dropDatabase(database).catch(() => undefined);
    }
  }
}

async function main(): Promise<void> {
  const startLoad = load();
  const stack = await GatewayStack.start({
    brokers: BROKERS,
    partitions: PARTITIONS,
    gatewayWorkers: GATEWAY_WORKERS,
  });
  // The stack's registry also makes its leader-election topic, `<REGISTRY_TOPIC>_leader`, which
  // GatewayStack.close() does not know about.
  stack.ownTopic(`_schemas-bench-${stack.suffix}_leader`);
  const interrupted = () => void stack.close().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  const bench = new AuditBench(stack);
  try {
    await bench.run();
  } finally {
    process.off('SIGINT', interrupted);
    await stack.close();
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${CORES} shared cores: bench process, audit, gateway, registry, Kafka and PostgreSQL on one VM`,
    method:
      'events/s = N ÷ (start of consumption → last commit): the floor’s first eachBatch and its commits seen in-process; ' +
      'the audit’s first ingested_at and its stored positions polled every 25 ms; ratio = median of per-round audit ÷ floor. ' +
      'cpuMicrosPerEvent between the first and the last commit seen, from /proc: the consumer process, every PostgreSQL ' +
      'process, the broker, and `rest` = the rest of the machine’s busy CPU (the bench process, other users of the VM); ' +
      'machineBusy = share of both cores busy. Burst: lag = high watermarks after the last ack − the audit’s stored positions',
    loadAverageAtStart: startLoad,
    ...bench.results,
  };
  console.log(JSON.stringify(results, null, 2));
  // The file holds full runs of the default workload only: a smoke run must not overwrite it.
  const shaped = ['BENCH_AUDIT_EVENTS', 'BENCH_BURST_EVENTS', 'BENCH_AUDIT_PREFILL_ROWS'].some(
    (name) => env[name],
  );
  const full = SCENARIOS.has('ratio') && SCENARIOS.has('burst') && ROUNDS >= 3;
  if (full && !shaped && NODE_ARGS.length === 0 && GATEWAY_WORKERS === CORES) {
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    // In the repository's Prettier style, so the committed file passes `npm run lint` as written.
    writeFileSync(join(out, 'audit.json'), await format(JSON.stringify(results), { parser: 'json' }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
