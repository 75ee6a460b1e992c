/**
 * The `herald tail` use case: checks the registry and the reader version up front (a usage
 * problem should not wait for the first record), reads the topic, decodes and prints each record
 * in order, and reports how many could not be decoded.
 */
import type { Kafka } from 'kafkajs';
import type { RegistryClient } from '@app/registry-client';
import { UsageError } from '../usage-error';
import { TailRecordDecoder } from './record-decoder';
import { renderEntry, type TailFormat } from './tail.reporter';
import { readTopic, type StartPosition } from './topic-reader';

export interface TailRequest {
  readonly topic: string;
  readonly start: StartPosition;
  readonly partition?: number;
  /** Read as this consumer group (from its committed offsets, committing what was printed). */
  readonly group?: string;
  readonly limit?: number;
  readonly readerVersion?: number;
  readonly format: TailFormat;
  readonly signal: AbortSignal;
}

export interface TailSummary {
  readonly records: number;
  readonly undecodable: number;
}

export async function tailTopic(
  kafka: Kafka,
  registry: RegistryClient,
  request: TailRequest,
  write: (text: string) => Promise<void>,
): Promise<TailSummary> {
  await registry.subjects().catch((error: Error) => {
    throw new UsageError(`cannot reach the schema registry at ${registry.url}: ${error.message}`);
  });
  const decoder = await TailRecordDecoder.create(registry, request.topic, request.readerVersion);
  if (!(decoder instanceof TailRecordDecoder)) {
    throw new UsageError(
      `--as-version ${decoder.missingVersion}: the registry has no such version of ${decoder.subject}`,
    );
  }
  let undecodable = 0;
  const records = await readTopic(
    kafka,
    {
      topic: request.topic,
      start: request.start,
      partition: request.partition,
      group: request.group,
      limit: request.limit,
      signal: request.signal,
    },
    async (partition, record) => {
      const entry = await decoder.decode(request.topic, partition, record);
      if (entry.kind === 'error') undecodable += 1;
      await write(renderEntry(entry, request.format));
    },
  );
  return { records, undecodable };
}
