/**
 * End-to-end helpers: the built audit app started as a user starts it
 * (`node dist/apps/audit/src/main.js`), a registered topic to audit, and wire-format events
 * produced onto it the way the gateway writes them (Confluent framing, CloudEvents headers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@app/config';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType } from '@app/schema';
import { freePort, testBrokers, testKafka, uniqueIdentifier, waitFor } from '@app/testing';
import type { Message } from 'kafkajs';
import { ORDER_SCHEMA } from './audit-test-kit';

const ORDER_TYPE = createAvroType(ORDER_SCHEMA);

const MAIN = join(projectRoot(), 'dist', 'apps', 'audit', 'src', 'main.js');

export interface AuditProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM (graceful: the consumer leaves its group) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook, no offset commit, no leaving the group. */
  kill(): Promise<void>;
  metric(name: string): Promise<number>;
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startAudit(env: Record<string, string>): Promise<AuditProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build)`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      AUDIT_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const outcome = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 && 'ready';
    },
    { timeoutMs: 60_000, intervalMs: 200, description: 'the audit app to become ready' },
  );
  if (outcome === 'exited')
    throw new Error(`the audit app exited with code ${child.exitCode} before it was ready`);
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { url, child, stop: () => exited(child, 'SIGTERM'), kill: () => exited(child, 'SIGKILL'), metric };
}

export interface AuditedTopic {
  readonly topic: string;
  readonly schemaId: number;
  /** Produces `count` events; resolves with their ids once Kafka acknowledged them all. */
  produce(count: number): Promise<string[]>;
  /** Deletes the topic, so consumers of every type on the shared broker do not read it later. */
  delete(): Promise<void>;
}

/** One event as the gateway writes it: Confluent wire format, CloudEvents binary-mode headers. */
function wireEvent(codec: AvroCodec, schemaId: number, topic: string, n: number): Message & { id: string } {
  const id = randomUUID();
  return {
    id,
    key: `order-${n % 97}`,
    value: codec.encode(schemaId, ORDER_TYPE, { orderId: `order-${n % 97}`, amount: BigInt(n) }),
    headers: {
      ce_specversion: '1.0',
      ce_id: id,
      ce_type: topic,
      ce_source: 'audit-e2e',
      ce_time: new Date().toISOString(),
      'content-type': 'application/avro',
    },
  };
}

export async function createAuditedTopic(registryUrl: string, partitions: number): Promise<AuditedTopic> {
  // '*' and the handler table only take event-type names: <domain>.<entity>.<verb>.
  const topic = `audit.${uniqueIdentifier('e2e')}.recorded`;
  const registry = new RegistryClient({ url: registryUrl });
  const schemaId = await registry.register(`${topic}-value`, ORDER_SCHEMA);
  const admin = testKafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  const codec = new AvroCodec(registry);
  let sent = 0;
  const produce = async (count: number): Promise<string[]> => {
    const producer = testKafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const ids: string[] = [];
    try {
      for (let start = 0; start < count; start += 1000) {
        const messages = Array.from({ length: Math.min(1000, count - start) }, () =>
          wireEvent(codec, schemaId, topic, sent++),
        );
        ids.push(...messages.map((m) => m.id));
        await producer.send({ topic, acks: -1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    return ids;
  };
  const remove = async (): Promise<void> => {
    const cleanup = testKafka().admin();
    await cleanup.connect();
    await cleanup.deleteTopics({ topics: [topic] }).finally(() => cleanup.disconnect());
  };
  return { topic, schemaId, produce, delete: remove };
}

async function auditQuery<T extends object>(databaseUrl: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } catch (error) {
    // Before the first instance migrated, the table does not exist yet.
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  } finally {
    await client.end();
  }
}

export async function auditRowCount(databaseUrl: string): Promise<number> {
  const rows = await auditQuery<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM audit.audit_events');
  return Number(rows[0]?.n ?? 0);
}

export async function auditEventIds(databaseUrl: string): Promise<string[]> {
  const rows = await auditQuery<{ event_id: string }>(databaseUrl, 'SELECT event_id FROM audit.audit_events');
  return rows.map((r) => r.event_id);
}
