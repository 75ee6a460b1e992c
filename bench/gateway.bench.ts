/**
 * The gateway (built app, its own process, real registry, Kafka and PostgreSQL) against
 * baselines measured in the same run:
 *   1. batch: POST /v1/events/batch, 100 events of ~300 B each, events/s ÷ a raw kafkajs
 *      producer (idempotent, acks=-1) sending the same 100 pre-encoded records per call to the
 *      same topic and partitions with the same concurrency. Targets ≥ 0.85, ≥ 0.8 with client ids.
 *   2. single: POST /v1/events requests/s ÷ bare Fastify parsing the same body and answering
 *      202, its own process, and ÷ the floor (Fastify that only writes to Kafka). Targets:
 *      ≥ 0.7 of the floor without ids, ≥ 0.6 with client ids.
 *   3. latency: p99 of POST /v1/events at a steady 1,000 events/s, open loop (measured from
 *      each request's intended send time). Target ≤ 25 ms.
 * Each gateway measure is taken twice: with events that carry no id (the gateway generates one,
 * no claim in the idempotency window) and with a fresh client id per event (what the SDK
 * sends: claimed in PostgreSQL before the send).
 * Each scenario: a warm-up, then alternating rounds; the table gives the medians. Every
 * measured run also records the CPU µs per event of the gateway, PostgreSQL (the bench
 * database's backends and the WAL writer) and the floor or baseline (bench/gateway-cpu.ts),
 * and events per CPU-second of the path (the Kafka broker and the load generator excluded).
 *   npm run bench:gateway      (Kafka at KAFKA_BROKERS or 127.0.0.1:9092, PostgreSQL at
 *                               DATABASE_URL; writes docs/benchmarks/gateway.json)
 * BENCH_SCENARIOS=batch,single,latency, BENCH_ROUNDS, BENCH_SECONDS, BENCH_LATENCY_SECONDS
 * and BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/gw`) narrow or profile a run.
 * The gateway runs GATEWAY_WORKERS=<cores> unless BENCH_GATEWAY_WORKERS says otherwise (a full
 * run with another count writes gateway-<n>-workers.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { format } from 'prettier';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, JsonAvroMapping } from '@app/schema';
import { databaseUrl, GatewayStack, ROOT, stopProcess } from './support/gateway-stack';
import { runOpenLoop, type LatencySummary } from './support/open-loop';
import { cpuMeter } from './gateway-cpu';
import { load, median, payment, round2 } from './support/gateway-payload';

const env = process.env;
const BROKERS = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const SCENARIOS = new Set((env['BENCH_SCENARIOS'] ?? 'batch,single,latency').split(','));
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(env['BENCH_SECONDS'] ?? 8);
const LATENCY_SECONDS = Number(env['BENCH_LATENCY_SECONDS'] ?? 20);
/** GATEWAY_WORKERS of the gateway under test; by default one per core, as docs/gateway.md advises. */
const CORES = availableParallelism();
const WORKERS = Number(env['BENCH_GATEWAY_WORKERS'] ?? CORES);
const PARTITIONS = 3;
const BATCH_SIZE = 100;
const BATCH_CONNECTIONS = 8;
const SINGLE_CONNECTIONS = 64;
const RATE = 1_000;

function closedLoopCheck(what: string, result: autocannon.Result): void {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(
      `${what}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
}

/** One round's rates, per second: the baseline, the floor, then the gateway's two paths. */
interface RoundRates {
  readonly baseline: number;
  /** bench/support/fastify-kafka-floor.ts: only HTTP and the Kafka write, no gateway work. */
  readonly floor: number;
  readonly gateway: number;
  readonly gatewayClientIds: number;
  /** The floor with client ids: a grouped claim in PostgreSQL before the send, the answer after. */
  readonly floorClientIds: number;
  /** CPU µs per event (or request) of each measured path, by process group (bench/gateway-cpu.ts). */
  readonly cpu?: Readonly<Record<string, CpuPerUnit>>;
}

/** CPU µs per event by process group (gateway, postgres, floor, bench), and events per CPU-second. */
type CpuPerUnit = Readonly<Record<string, number>>;

/**
 * Runs `measure` (returning how many events it served) under a CPU meter. `perCpuSecond` counts
 * the CPU of the measured path's processes: the gateway and PostgreSQL, or the one `extra`
 * server, or (neither) the bench process itself, where the raw kafkajs producer runs.
 */
async function withCpu<T extends { units: number }>(
  database: string,
  extra: Record<string, number>,
  measure: () => Promise<T>,
  path: 'gateway' | 'extra' | 'extra+postgres' | 'bench' = 'gateway',
): Promise<T & { cpu: CpuPerUnit }> {
  const meter = cpuMeter({ database, extra });
  const benchBefore = process.cpuUsage();
  const result = await measure();
  const seconds = meter.stop();
  const bench = process.cpuUsage(benchBefore);
  seconds['bench'] = (bench.user + bench.system) / 1e6;
  const cpu: Record<string, number> = {};
  let total = 0;
  const counted = (group: string) =>
    path === 'gateway'
      ? group === 'gateway' || group === 'postgres'
      : path === 'extra' || path === 'extra+postgres'
        ? group in extra || (path === 'extra+postgres' && group === 'postgres')
        : group === 'bench';
  for (const [group, s] of Object.entries(seconds)) {
    cpu[`${group}Us`] = Math.round((s / Math.max(1, result.units)) * 1e7) / 10;
    if (counted(group)) total += s;
  }
  cpu['perCpuSecond'] = Math.round(result.units / Math.max(total, 1e-9));
  return { ...result, cpu };
}

const medianCpu = (cpus: ReadonlyArray<CpuPerUnit | undefined>): CpuPerUnit => {
  const keys = new Set(cpus.flatMap((c) => Object.keys(c ?? {})));
  return Object.fromEntries([...keys].map((k) => [k, median(cpus.map((c) => c?.[k] ?? 0))]));
};

/**
 * ROUNDS alternating rounds, and their medians, named as the results file names them:
 * `gateway<Unit>`, `gatewayClientIds<Unit>`, `<baseline><Unit>` and `floor<Unit>`, both ratios,
 * the floor's own ratio to the baseline, and the gateway's share of the floor.
 */
async function compareRounds(
  scenario: string,
  names: { readonly unit: string; readonly baseline: string },
  measureRound: () => Promise<RoundRates>,
): Promise<Record<string, unknown>> {
  const rounds: RoundRates[] = [];
  const named = (r: RoundRates) => ({
    [`gateway${names.unit}`]: Math.round(r.gateway),
    [`gatewayClientIds${names.unit}`]: Math.round(r.gatewayClientIds),
    [`${names.baseline}${names.unit}`]: Math.round(r.baseline),
    [`floor${names.unit}`]: Math.round(r.floor),
    ratio: round2(r.gateway / r.baseline),
    ratioClientIds: round2(r.gatewayClientIds / r.baseline),
    [`floorClientIds${names.unit}`]: Math.round(r.floorClientIds),
    floorRatio: round2(r.floor / r.baseline),
    gatewayOfFloor: round2(r.gateway / r.floor),
    clientIdsOfFloor: round2(r.gatewayClientIds / r.floor),
    clientIdFloorOfFloor: round2(r.floorClientIds / r.floor),
    clientIdsOfClientIdFloor: round2(r.gatewayClientIds / r.floorClientIds),
    ...(r.cpu ? { cpuPerUnit: r.cpu } : {}),
  });
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push(await measureRound());
    console.log(`${scenario} round`, round + 1, named(rounds[round]!));
  }
  const medians: RoundRates = {
    baseline: median(rounds.map((r) => r.baseline)),
    floor: median(rounds.map((r) => r.floor)),
    gateway: median(rounds.map((r) => r.gateway)),
    gatewayClientIds: median(rounds.map((r) => r.gatewayClientIds)),
    floorClientIds: median(rounds.map((r) => r.floorClientIds)),
    cpu: Object.fromEntries(
      ['baseline', 'floor', 'gateway', 'gatewayClientIds', 'floorClientIds'].map((k) => [
        k,
        medianCpu(rounds.map((r) => r.cpu?.[k])),
      ]),
    ),
  };
  return { rounds: rounds.map(named), ...named(medians) };
}

/** Replaced in a body template by a fresh event id, per request and per event. */
const ID_SLOT = '__EVENT_ID__';
let idSequence = 0;
const idRun = randomUUID();
const withFreshIds = (template: string) => () =>
  template.replaceAll(ID_SLOT, () => `${idRun}-${(++idSequence).toString(36)}`);

async function http(
  url: string,
  body: string,
  headers: Record<string, string>,
  connections: number,
): Promise<autocannon.Result> {
  const options = { url, method: 'POST' as const, headers, connections, pipelining: 1, duration: SECONDS };
  if (!body.includes(ID_SLOT)) return autocannon({ ...options, body });
  const next = withFreshIds(body);
  return autocannon({
    ...options,
    requests: [{ setupRequest: (request) => ({ ...request, body: next() }) }],
  });
}

async function startServer(
  script: string,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'support', script)], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Request bodies; the client-id ones are templates with ID_SLOT where each event's id goes. */
interface Bodies {
  readonly batch: string;
  readonly batchClientIds: string;
  readonly single: string;
  readonly singleClientIds: string;
}

class GatewayBench {
  private readonly kafka = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING, clientId: 'bench' });
  private readonly admin = this.kafka.admin();
  private readonly headers: Record<string, string>;
  readonly results: Record<string, unknown> = {};

  constructor(private readonly stack: GatewayStack) {
    this.headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` };
  }

  /** The stack's throw-away database, whose PostgreSQL backends the CPU meter counts. */
  private database(): string {
    return `herald_gw_bench_${this.stack.suffix}`;
  }

  private envelope(n: number, clientId = false) {
    return { type: this.stack.type, version: 2, ...(clientId ? { id: ID_SLOT } : {}), data: payment(n) };
  }

  /** Records already written to a topic (sum of high watermarks). */
  private async written(topic = this.stack.topic): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high), 0);
  }

  /** The floor server, writing the gateway's records to a topic of its own. */
  private async startFloor(): Promise<{ child: ChildProcess; url: string; topic: string }> {
    const topic = `${this.stack.topic}.floor`;
    this.stack.ownTopic(topic);
    await this.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
    const server = await startServer('fastify-kafka-floor.js', {
      KAFKA_BROKERS: BROKERS.join(','),
      FLOOR_TOPIC: topic,
      FLOOR_VALUE: (this.rawMessages()[0]!.value as Buffer).toString('base64'),
      FLOOR_DATASCHEMA: `${this.stack.registryUrl}/subjects/${this.stack.type}-value/versions/2`,
      FLOOR_DATABASE_URL: databaseUrl(this.database()),
    });
    return { ...server, topic };
  }

  /** The raw producer's records: the gateway's exact values, keys and CloudEvents headers. */
  private rawMessages(): Message[] {
    const mapping = JsonAvroMapping.compile(this.stack.schemaV2!);
    const codec = new AvroCodec(new RegistryClient({ url: this.stack.registryUrl }));
    return Array.from({ length: BATCH_SIZE }, (_, n) => {
      const data = payment(n);
      const mapped = mapping.fromJson(data);
      if (!mapped.ok) throw new Error(`bench payment invalid: ${JSON.stringify(mapped.issues)}`);
      return {
        key: String(data['payment_id']),
        value: codec.encode(this.stack.schemaIdV2, mapping.type, mapped.value),
        headers: {
          ce_specversion: '1.0',
          ce_id: randomUUID(),
          ce_source: 'bench-service',
          ce_type: this.stack.type,
          ce_time: new Date().toISOString(),
          ce_dataschema: `${this.stack.registryUrl}/subjects/${this.stack.type}-value/versions/2`,
          'content-type': 'application/avro',
        },
      };
    });
  }

  async preflight(): Promise<Bodies> {
    const batchBody = (clientIds: boolean) =>
      JSON.stringify({ events: Array.from({ length: BATCH_SIZE }, (_, n) => this.envelope(n, clientIds)) });
    const bodies: Bodies = {
      batch: batchBody(false),
      batchClientIds: batchBody(true),
      single: JSON.stringify(this.envelope(7)),
      singleClientIds: JSON.stringify(this.envelope(7, true)),
    };
    for (const template of [bodies.batch, bodies.batchClientIds]) {
      const batch = await fetch(`${this.stack.url}/v1/events/batch`, {
        method: 'POST',
        headers: this.headers,
        body: withFreshIds(template)(),
      });
      const { results } = (await batch.json()) as { results: Array<{ status: string; duplicate?: true }> };
      const accepted = results.filter((r) => r.status === 'accepted' && !r.duplicate).length;
      if (batch.status !== 200 || accepted !== BATCH_SIZE)
        throw new Error(`pre-flight batch: ${batch.status}, ${accepted}/${BATCH_SIZE} newly accepted`);
    }
    for (const template of [bodies.single, bodies.singleClientIds]) {
      const single = await fetch(`${this.stack.url}/v1/events`, {
        method: 'POST',
        headers: this.headers,
        body: withFreshIds(template)(),
      });
      if (single.status !== 202)
        throw new Error(`pre-flight single: ${single.status} ${await single.text()}`);
    }
    const encodedBytes = this.rawMessages()[0]!.value!.length;
    const envelopeBytes = Buffer.byteLength(bodies.single);
    console.log(`event: ${envelopeBytes} B as JSON envelope, ${encodedBytes} B encoded`);
    this.results['event'] = { envelopeBytes, encodedBytes };
    return bodies;
  }

  async batch(bodies: Bodies): Promise<void> {
    const url = `${this.stack.url}/v1/events/batch`;
    const messages = this.rawMessages();
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const raw = async (seconds: number): Promise<{ rate: number; units: number }> => {
      let events = 0;
      const started = performance.now();
      const deadline = started + seconds * 1000;
      const worker = async () => {
        while (performance.now() < deadline) {
          await producer.send({ topic: this.stack.topic, messages, acks: -1 });
          events += messages.length;
        }
      };
      await Promise.all(Array.from({ length: BATCH_CONNECTIONS }, worker));
      return { rate: events / ((performance.now() - started) / 1000), units: events };
    };
    const floor = await this.startFloor();
    const served = async (
      what: string,
      target: string,
      topic: string,
      body: string,
    ): Promise<{ rate: number; units: number }> => {
      const before = await this.written(topic);
      const result = await http(target, body, this.headers, BATCH_CONNECTIONS);
      closedLoopCheck(what, result);
      const events = result['2xx'] * BATCH_SIZE;
      // Every 2xx answer must be on the topic (requests cut off at the end may add a few more).
      const written = (await this.written(topic)) - before;
      if (written < events) throw new Error(`${what}: ${events} acknowledged, ${written} written`);
      return { rate: events / result.duration, units: events };
    };
    const gateway = (body: string) => served('gateway batch', url, this.stack.topic, body);
    const floorRate = (body = bodies.batch) =>
      served('floor batch', `${floor.url}/v1/events/batch`, floor.topic, body);
    try {
      await gateway(bodies.batch);
      await gateway(bodies.batchClientIds);
      await floorRate();
      await floorRate(bodies.batchClientIds);
      await raw(3);
      const compared = await compareRounds(
        'batch',
        { unit: 'EventsPerSec', baseline: 'rawKafkajs' },
        async () => {
          const database = this.database();
          const floorPid = { floor: floor.child.pid! };
          const baseline = await withCpu(database, {}, () => raw(SECONDS), 'bench');
          const floorRun = await withCpu(database, floorPid, () => floorRate(), 'extra');
          const floorClientIds = await withCpu(
            database,
            floorPid,
            () => floorRate(bodies.batchClientIds),
            'extra+postgres',
          );
          const generated = await withCpu(database, {}, () => gateway(bodies.batch));
          const clientIds = await withCpu(database, {}, () => gateway(bodies.batchClientIds));
          return {
            baseline: baseline.rate,
            floor: floorRun.rate,
            gateway: generated.rate,
            gatewayClientIds: clientIds.rate,
            floorClientIds: floorClientIds.rate,
            cpu: {
              baseline: baseline.cpu,
              floor: floorRun.cpu,
              gateway: generated.cpu,
              gatewayClientIds: clientIds.cpu,
              floorClientIds: floorClientIds.cpu,
            },
          };
        },
      );
      this.results['batch'] = {
        load: `${BATCH_SIZE} events per request, ${BATCH_CONNECTIONS} concurrent connections / producer calls, ${SECONDS} s per run`,
        ...compared,
        target: { ratio: 0.85, ratioClientIds: 0.8 },
        loadAverage: load(),
      };
    } finally {
      await producer.disconnect();
      await stopProcess(floor.child);
    }
  }

  async single(bodies: Bodies): Promise<void> {
    const bare = await startServer('bare-fastify-publish.js');
    const floor = await this.startFloor();
    const gatewayUrl = `${this.stack.url}/v1/events`;
    const bareUrl = `${bare.url}/v1/events`;
    const floorUrl = `${floor.url}/v1/events`;
    const rate = async (what: string, url: string, body = bodies.single) => {
      const result = await http(url, body, this.headers, SINGLE_CONNECTIONS);
      closedLoopCheck(what, result);
      return { rate: result['2xx'] / result.duration, units: result['2xx'] };
    };
    try {
      await rate('gateway single', gatewayUrl);
      await rate('gateway single, client ids', gatewayUrl, bodies.singleClientIds);
      await rate('bare Fastify', bareUrl);
      await rate('floor', floorUrl);
      await rate('floor, client ids', floorUrl, bodies.singleClientIds);
      const compared = await compareRounds(
        'single',
        { unit: 'RequestsPerSec', baseline: 'bareFastify' },
        async () => {
          const database = this.database();
          const baseline = await withCpu(
            database,
            { bare: bare.child.pid! },
            () => rate('bare Fastify', bareUrl),
            'extra',
          );
          const floorRun = await withCpu(
            database,
            { floor: floor.child.pid! },
            () => rate('floor', floorUrl),
            'extra',
          );
          const floorClientIds = await withCpu(
            database,
            { floor: floor.child.pid! },
            () => rate('floor, client ids', floorUrl, bodies.singleClientIds),
            'extra+postgres',
          );
          const generated = await withCpu(database, {}, () => rate('gateway single', gatewayUrl));
          const clientIds = await withCpu(database, {}, () =>
            rate('gateway single, client ids', gatewayUrl, bodies.singleClientIds),
          );
          return {
            baseline: baseline.rate,
            floor: floorRun.rate,
            gateway: generated.rate,
            gatewayClientIds: clientIds.rate,
            floorClientIds: floorClientIds.rate,
            cpu: {
              baseline: baseline.cpu,
              floor: floorRun.cpu,
              gateway: generated.cpu,
              gatewayClientIds: clientIds.cpu,
              floorClientIds: floorClientIds.cpu,
            },
          };
        },
      );
      this.results['single'] = {
        load: `autocannon, ${SINGLE_CONNECTIONS} connections, ${SECONDS} s per run`,
        ...compared,
        target: { gatewayOfFloor: 0.7, clientIdsOfFloor: 0.6 },
        loadAverage: load(),
      };
    } finally {
      await stopProcess(bare.child);
      await stopProcess(floor.child);
    }
  }

  /**
   * Open loop at RATE/s against the gateway (generated ids, client ids) and the floor, the three
   * interleaved round by round so that they share the host's drift; the tax is gateway p99 −
   * floor p99 of the same round.
   */
  async latency(bodies: Bodies): Promise<void> {
    const floor = await this.startFloor();
    const targets = {
      floor: { url: `${floor.url}/v1/events`, template: bodies.single, pids: { floor: floor.child.pid! } },
      floorClientIds: {
        url: `${floor.url}/v1/events`,
        template: bodies.singleClientIds,
        pids: { floor: floor.child.pid! },
      },
      generated: { url: `${this.stack.url}/v1/events`, template: bodies.single, pids: {} },
      clientIds: { url: `${this.stack.url}/v1/events`, template: bodies.singleClientIds, pids: {} },
    };
    type Kind = keyof typeof targets;
    const run = (kind: Kind, seconds: number) =>
      runOpenLoop({
        url: targets[kind].url,
        headers: this.headers,
        body: withFreshIds(targets[kind].template),
        ratePerSecond: RATE,
        seconds,
        expectStatus: 202,
      });
    const rounds: Record<Kind, (LatencySummary & { cpuPerEvent: unknown })[]> = {
      floor: [],
      floorClientIds: [],
      generated: [],
      clientIds: [],
    };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of Object.keys(targets) as Kind[]) {
          await run(kind, 5);
          const measured = await withCpu(
            this.database(),
            targets[kind].pids,
            async () => ({ summary: await run(kind, LATENCY_SECONDS), units: RATE * LATENCY_SECONDS }),
            kind === 'floor' ? 'extra' : kind === 'floorClientIds' ? 'extra+postgres' : 'gateway',
          );
          const summary = { ...measured.summary, cpuPerEvent: measured.cpu };
          if (summary.errors > 0)
            throw new Error(`latency (${kind}): ${summary.errors} requests did not get 202`);
          rounds[kind].push(summary);
          console.log(`latency (${kind}) round`, round + 1, summary);
        }
      }
    } finally {
      await stopProcess(floor.child);
    }
    const summarise = (kind: Kind) => ({
      rounds: rounds[kind],
      p50Ms: median(rounds[kind].map((r) => r.p50Ms)),
      p90Ms: median(rounds[kind].map((r) => r.p90Ms)),
      p99Ms: median(rounds[kind].map((r) => r.p99Ms)),
      maxMs: median(rounds[kind].map((r) => r.maxMs)),
    });
    const tax = (kind: Kind, floorKind: Kind = 'floor') =>
      rounds[kind].map((r, n) => round2(r.p99Ms - rounds[floorKind][n]!.p99Ms));
    this.results['latency'] = {
      load: `open loop, ${RATE} POST /v1/events per second, 5 s warm-up + ${LATENCY_SECONDS} s measured per round; latency from each request's intended send time; the floor (plain and with client ids), generated ids and client ids interleaved round by round`,
      ...summarise('generated'),
      clientIds: summarise('clientIds'),
      floor: summarise('floor'),
      floorClientIds: summarise('floorClientIds'),
      p99TaxMs: {
        generated: median(tax('generated')),
        clientIds: median(tax('clientIds')),
        clientIdsOverClientIdFloor: median(tax('clientIds', 'floorClientIds')),
      },
      p99TaxMsRounds: {
        generated: tax('generated'),
        clientIds: tax('clientIds'),
        clientIdsOverClientIdFloor: tax('clientIds', 'floorClientIds'),
      },
      targetP99Ms: 25,
      targetP99TaxMs: 3,
      loadAverage: load(),
    };
  }

  async run(scenario: string): Promise<void> {
    await this.admin.connect();
    try {
      const bodies = await this.preflight();
      if (scenario === 'batch') await this.batch(bodies);
      if (scenario === 'single') await this.single(bodies);
      if (scenario === 'latency') await this.latency(bodies);
    } finally {
      await this.admin.disconnect();
    }
  }
}

/**
 * Each scenario on a fresh stack (gateway, registry, topic, database): measured one after
 * the other on one gateway, the batch scenario's 100k+ idempotency rows and PostgreSQL's
 * autovacuum after it cut the next scenario's throughput by up to 4x.
 */
async function main(): Promise<void> {
  const startLoad = load();
  const collected: Record<string, unknown> = {};
  for (const scenario of ['batch', 'single', 'latency'].filter((s) => SCENARIOS.has(s))) {
    const stack = await GatewayStack.start({
      brokers: BROKERS,
      partitions: PARTITIONS,
      gatewayNodeArgs: env['BENCH_GATEWAY_NODE_ARGS']?.split(' ').filter(Boolean),
      gatewayWorkers: WORKERS,
    });
    const interrupted = () => void stack.close().finally(() => process.exit(130));
    process.once('SIGINT', interrupted);
    try {
      const bench = new GatewayBench(stack);
      await bench.run(scenario);
      Object.assign(collected, bench.results);
    } finally {
      process.off('SIGINT', interrupted);
      await stack.close();
    }
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${CORES} shared cores: load generator, gateway, registry, Kafka and PostgreSQL on one VM`,
    gatewayWorkers: WORKERS,
    loadAverageAtStart: startLoad,
    rounds: ROUNDS,
    ...collected,
  };
  console.log(JSON.stringify(results, null, 2));
  if (SCENARIOS.size === 3 && !env['BENCH_GATEWAY_NODE_ARGS']) {
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    // In the repository's Prettier style, so the committed file passes `npm run lint` as written.
    const file = WORKERS === CORES ? 'gateway.json' : `gateway-${WORKERS}-workers.json`;
    writeFileSync(join(out, file), await format(JSON.stringify(results), { parser: 'json' }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
