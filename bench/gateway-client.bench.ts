/**
 * The gateway's producer on kafkajs against @platformatic/kafka (GATEWAY_KAFKA_CLIENT), measured
 * in one run: two gateways (built app, own processes, same registry setup, Kafka and
 * PostgreSQL), one per client, loaded in alternating rounds on the same paths:
 *   batch            POST /v1/events/batch, 100 events of ~300 B, 8 connections
 *   batchClientIds   the same with a fresh client id per event (what the SDK sends)
 *   single           POST /v1/events, 64 connections
 *   singleClientIds  the same with client ids
 *   atomic           POST /v1/events/batch with atomic: true (one Kafka transaction each), 10 events, 8 connections
 * Each run reports events/s, the CPU-seconds of that gateway's processes (from /proc: its
 * primary and workers, told apart by their GATEWAY_PORT), events per gateway CPU-second, and
 * p99 request latency; the table gives each path's medians and platformatic ÷ kafkajs. The
 * load averages are recorded beside every round: the machine may be shared.
 *   npm run bench:gateway-client   (Kafka at KAFKA_BROKERS or 127.0.0.1:9092, PostgreSQL at
 *                                   DATABASE_URL; writes docs/benchmarks/gateway-client.json)
 * BENCH_PATHS (comma list of the paths above), BENCH_ROUNDS (3), BENCH_SECONDS (6) and
 * BENCH_GATEWAY_WORKERS (1) narrow or widen a run.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { GatewayStack, ROOT } from './support/gateway-stack';
import { load, median, payment, round2 } from './support/gateway-payload';

const env = process.env;
const BROKERS = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const ALL_PATHS = ['batch', 'batchClientIds', 'single', 'singleClientIds', 'atomic'] as const;
type Path = (typeof ALL_PATHS)[number];
const PATHS = (env['BENCH_PATHS'] ?? ALL_PATHS.join(',')).split(',') as Path[];
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(env['BENCH_SECONDS'] ?? 6);
const WORKERS = Number(env['BENCH_GATEWAY_WORKERS'] ?? 1);
const CLIENTS = ['kafkajs', 'platformatic'] as const;
type ClientName = (typeof CLIENTS)[number];
const PARTITIONS = 3;
const BATCH_SIZE = 100;
const ATOMIC_SIZE = 10;
const BATCH_CONNECTIONS = 8;
const SINGLE_CONNECTIONS = 64;
/** USER_HZ: the unit of /proc/<pid>/stat's utime and stime. */
const TICKS_PER_SECOND = 100;

/** Replaced in a body template by a fresh event id, per request and per event. */
const ID_SLOT = '__EVENT_ID__';
let idSequence = 0;
const idRun = randomUUID();

interface Shape {
  readonly route: string;
  readonly body: string;
  readonly events: number;
  readonly connections: number;
}

function shape(path: Path, type: string): Shape {
  const ids = path.endsWith('ClientIds');
  const event = (n: number) => ({ type, ...(ids ? { id: ID_SLOT } : {}), data: payment(n) });
  if (path === 'single' || path === 'singleClientIds') {
    return {
      route: '/v1/events',
      body: JSON.stringify(event(1)),
      events: 1,
      connections: SINGLE_CONNECTIONS,
    };
  }
  const size = path === 'atomic' ? ATOMIC_SIZE : BATCH_SIZE;
  const events = Array.from({ length: size }, (_, i) => event(i));
  return {
    route: '/v1/events/batch',
    body: JSON.stringify(path === 'atomic' ? { atomic: true, events } : { events }),
    events: size,
    connections: BATCH_CONNECTIONS,
  };
}

/** The pids of one gateway (primary and workers): built gateway processes serving `port`. */
function gatewayPids(port: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('apps/gateway/src/main.js')) continue;
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (environ.includes(`GATEWAY_PORT=${port}`)) pids.push(Number(name));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

function ticks(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

interface Run {
  readonly eventsPerSecond: number;
  readonly cpuSeconds: number;
  readonly eventsPerCpuSecond: number;
  readonly p99Ms: number;
  readonly load: number[];
}

async function measure(stack: GatewayStack, path: Path, seconds: number): Promise<Run> {
  const { route, body, events, connections } = shape(path, stack.type);
  const port = new URL(stack.url).port;
  const pids = gatewayPids(port);
  if (pids.length === 0) throw new Error(`no gateway process serves port ${port}`);
  const before = new Map(pids.map((pid) => [pid, ticks(pid)]));
  const next = () => body.replaceAll(ID_SLOT, () => `${idRun}-${(++idSequence).toString(36)}`);
  const options = {
    url: `${stack.url}${route}`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    connections,
    pipelining: 1,
    duration: seconds,
  };
  const result = await (body.includes(ID_SLOT)
    ? autocannon({ ...options, requests: [{ setupRequest: (request) => ({ ...request, body: next() }) }] })
    : autocannon({ ...options, body }));
  const spent = pids.reduce((sum, pid) => sum + ticks(pid) - before.get(pid)!, 0) / TICKS_PER_SECOND;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${path}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const served = result.requests.total * events;
  return {
    eventsPerSecond: Math.round(served / seconds),
    cpuSeconds: round2(spent),
    eventsPerCpuSecond: Math.round(served / Math.max(spent, 0.01)),
    p99Ms: result.latency.p99,
    load: load(),
  };
}

async function startStack(client: ClientName): Promise<GatewayStack> {
  // The stack's processes inherit the bench's environment (bench/support/gateway-stack.ts).
  env['GATEWAY_KAFKA_CLIENT'] = client;
  return GatewayStack.start({ brokers: BROKERS, partitions: PARTITIONS, gatewayWorkers: WORKERS });
}

async function main(): Promise<void> {
  const stacks = new Map<ClientName, GatewayStack>();
  try {
    for (const client of CLIENTS) stacks.set(client, await startStack(client));
    console.log(`gateways up; load ${load().join(' ')}; ${WORKERS} worker(s) each`);
    for (const path of PATHS) {
      for (const client of CLIENTS) await measure(stacks.get(client)!, path, 2); // warm-up
    }
    const runs: Record<string, Record<ClientName, Run[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of PATHS) {
        runs[path] ??= { kafkajs: [], platformatic: [] };
        // Alternate which client goes first, so a slow spell on the machine hits both.
        const order = round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
        for (const client of order) {
          const run = await measure(stacks.get(client)!, path, SECONDS);
          runs[path][client].push(run);
          console.log(`round ${round + 1} ${path} ${client}`, run);
        }
      }
    }
    const summary: Record<string, unknown> = {};
    for (const path of PATHS) {
      const medianOf = (client: ClientName) => {
        const list = runs[path]![client];
        return {
          eventsPerSecond: median(list.map((r) => r.eventsPerSecond)),
          eventsPerCpuSecond: median(list.map((r) => r.eventsPerCpuSecond)),
          cpuSeconds: median(list.map((r) => r.cpuSeconds)),
          p99Ms: median(list.map((r) => r.p99Ms)),
        };
      };
      const k = medianOf('kafkajs');
      const p = medianOf('platformatic');
      summary[path] = {
        kafkajs: k,
        platformatic: p,
        platformaticOverKafkajs: {
          eventsPerSecond: round2(p.eventsPerSecond / k.eventsPerSecond),
          eventsPerCpuSecond: round2(p.eventsPerCpuSecond / k.eventsPerCpuSecond),
          p99: round2(p.p99Ms / Math.max(k.p99Ms, 0.01)),
        },
      };
    }
    console.table(
      Object.fromEntries(
        PATHS.map((path) => {
          const s = summary[path] as {
            kafkajs: { eventsPerSecond: number; eventsPerCpuSecond: number; p99Ms: number };
            platformatic: { eventsPerSecond: number; eventsPerCpuSecond: number; p99Ms: number };
            platformaticOverKafkajs: { eventsPerSecond: number; eventsPerCpuSecond: number };
          };
          return [
            path,
            {
              'kafkajs ev/s': s.kafkajs.eventsPerSecond,
              'kafkajs ev/CPU-s': s.kafkajs.eventsPerCpuSecond,
              'kafkajs p99 ms': s.kafkajs.p99Ms,
              'platformatic ev/s': s.platformatic.eventsPerSecond,
              'platformatic ev/CPU-s': s.platformatic.eventsPerCpuSecond,
              'platformatic p99 ms': s.platformatic.p99Ms,
              'ev/CPU-s ratio': s.platformaticOverKafkajs.eventsPerCpuSecond,
              'ev/s ratio': s.platformaticOverKafkajs.eventsPerSecond,
            },
          ];
        }),
      ),
    );
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'gateway-client.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          settings: { rounds: ROUNDS, seconds: SECONDS, workers: WORKERS, partitions: PARTITIONS },
          loadAfter: load(),
          summary,
          runs,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const stack of stacks.values()) await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
