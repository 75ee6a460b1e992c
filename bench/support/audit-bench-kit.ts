/**
 * What the audit benchmark needs beside the gateway stack: throw-away databases, the records
 * the gateway writes (built here, to pre-produce them), the consumer's stored position as
 * progress, and the CPU time of the processes that share the VM (the consumer, every
 * PostgreSQL process and the Kafka broker, read from /proc), so a round says where its CPU went.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase } from '@app/persistence';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, JsonAvroMapping, type AvroSchemaJson } from '@app/schema';
import { ROOT } from './gateway-stack';
import { payment } from './gateway-payload';

export function databaseUrl(name: string): string {
  const url = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/herald');
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates the database `name`; returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  const url = databaseUrl(name);
  await ensureDatabase(url);
  return url;
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The payment every bench publishes (one definition, in gateway-payload.ts). */
export { payment };

/**
 * Records as the gateway writes them: key = payment_id, Confluent wire-format v2 value, the
 * CloudEvents binary-mode headers with a fresh `ce_id`, round-robin over the partitions.
 */
export function gatewayRecords(
  registryUrl: string,
  type: string,
  schemaId: number,
  schema: AvroSchemaJson,
): (from: number, count: number, partitions: number) => Message[] {
  const mapping = JsonAvroMapping.compile(schema);
  const codec = new AvroCodec(new RegistryClient({ url: registryUrl }));
  const dataschema = `${registryUrl}/subjects/${type}-value/versions/2`;
  return (from, count, partitions) =>
    Array.from({ length: count }, (_, i) => {
      const n = from + i;
      const data = payment(n);
      const mapped = mapping.fromJson(data);
      if (!mapped.ok) throw new Error(`bench payment invalid: ${JSON.stringify(mapped.issues)}`);
      return {
        key: String(data['payment_id']),
        value: codec.encode(schemaId, mapping.type, mapped.value),
        partition: n % partitions,
        headers: {
          ce_specversion: '1.0',
          ce_id: randomUUID(),
          ce_source: 'bench-service',
          ce_type: type,
          ce_time: new Date().toISOString(),
          ce_dataschema: dataschema,
          'content-type': 'application/avro',
        },
      };
    });
}

/**
 * Records of `topic` a consumer app has stored: the sum of its stored next offsets
 * (`consumer_positions`, written in the same transaction as the rows). On a topic read from
 * offset 0 that is exactly the stored count, and high watermark − it is the lag.
 */
export async function storedThrough(client: Client, schema: string, topic: string): Promise<number> {
  try {
    const { rows } = await client.query<{ n: string | null }>(
      `SELECT sum(next_offset)::text AS n FROM "${schema}".consumer_positions WHERE topic = $1`,
      [topic],
    );
    return Number(rows[0]?.n ?? 0);
  } catch (error) {
    // Before the app's migrations ran, the table does not exist yet.
    if ((error as { code?: string }).code === '42P01') return 0;
    throw error;
  }
}

/**
 * A topic read from the beginning by a benchmark's rounds: v1 and v2 of
 * payments.payment.received registered under it, then `events` v2 records as the gateway writes
 * them (gatewayRecords), round-robin over `partitions`. The caller deletes the topic.
 */
export async function preloadPayments(options: {
  readonly kafka: Kafka;
  readonly registryUrl: string;
  readonly topic: string;
  readonly events: number;
  readonly partitions: number;
}): Promise<void> {
  const { kafka, topic, events, partitions } = options;
  const registry = new RegistryClient({ url: options.registryUrl });
  const source = join(ROOT, 'schemas', 'payments', 'payments.payment.received');
  let schemaId = 0;
  let schema: AvroSchemaJson | undefined;
  for (const version of [1, 2]) {
    schema = JSON.parse(readFileSync(join(source, `v${version}.avsc`), 'utf8')) as AvroSchemaJson;
    schemaId = await registry.register(`${topic}-value`, schema);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
  const records = gatewayRecords(options.registryUrl, topic, schemaId, schema!);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let sent = 0; sent < events; sent += 1_000) {
      await producer.send({
        topic,
        acks: -1,
        messages: records(sent, Math.min(1_000, events - sent), partitions),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** CPU seconds (user + system) by process id, from /proc (Linux only; empty elsewhere). */
export interface CpuSample {
  readonly consumer: ReadonlyMap<number, number>;
  readonly postgres: ReadonlyMap<number, number>;
  readonly broker: ReadonlyMap<number, number>;
  /** The whole machine's busy CPU seconds (all cores, /proc/stat), and its elapsed core-seconds. */
  readonly machine: { readonly busy: number; readonly total: number };
}

/** CPU µs per event of each, `rest` = the machine's busy CPU not in the three (other processes). */
export interface CpuPerEvent {
  readonly consumer: number;
  readonly postgres: number;
  readonly broker: number;
  readonly rest: number;
  /** Share of all cores busy over the window (0–1). */
  readonly machineBusy: number;
}

const TICKS_PER_SECOND = 100;

function processCpu(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), 1-based: 14 utime, 15 stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined; // exited
  }
}

function pidsWhere(match: (comm: string, cmdline: string) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      return match(comm, comm === 'java' ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '');
    } catch {
      return false;
    }
  });
}

function machineCpu(): { busy: number; total: number } {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const ticks = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return { busy: 0, total: 0 };
  }
}

function cpuOf(pids: readonly number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpu(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

/** Samples the consumer's CPU and that of every PostgreSQL process and of the Kafka broker. */
export class CpuMeter {
  private readonly broker = pidsWhere((comm, cmdline) => comm === 'java' && cmdline.includes('kafka.Kafka'));

  constructor(private readonly consumerPid: number) {}

  sample(): CpuSample {
    return {
      consumer: cpuOf([this.consumerPid]),
      postgres: cpuOf(pidsWhere((comm) => comm === 'postgres')),
      broker: cpuOf(this.broker),
      machine: machineCpu(),
    };
  }
}

/**
 * CPU µs per event between two samples, per process alive at the end (a PostgreSQL backend
 * that exited in between is lost; one that started counts from 0). Other work on the VM counts
 * too, other engineers' PostgreSQL sessions included: a guide, not an exact split.
 */
export function cpuPerEvent(from: CpuSample, to: CpuSample, events: number): CpuPerEvent {
  const seconds = (key: 'consumer' | 'postgres' | 'broker') => {
    let sum = 0;
    for (const [pid, end] of to[key]) sum += end - (from[key].get(pid) ?? 0);
    return sum;
  };
  const perEvent = (s: number) => Math.round((s * 1e6) / events);
  const [consumer, postgres, broker] = [seconds('consumer'), seconds('postgres'), seconds('broker')];
  const busy = to.machine.busy - from.machine.busy;
  const elapsed = to.machine.total - from.machine.total;
  return {
    consumer: perEvent(consumer),
    postgres: perEvent(postgres),
    broker: perEvent(broker),
    rest: perEvent(Math.max(0, busy - consumer - postgres - broker)),
    machineBusy: elapsed > 0 ? Math.round((busy / elapsed) * 100) / 100 : 0,
  };
}
