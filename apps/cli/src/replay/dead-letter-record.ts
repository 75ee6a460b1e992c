/**
 * One record of a dead-letter topic (docs/consumer-runtime.md): the original key, value and
 * headers plus the `herald_dlq_*` headers. Decides whether a replay selects it and builds the
 * headers it is re-published with: the originals, without `herald_dlq_*`, plus
 * `herald_replayed_from: <dlq>/<partition>/<offset>`.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { headersAsText } from '@app/kafka';

const DLQ_HEADER_PREFIX = 'herald_dlq_';
export const REPLAYED_FROM_HEADER = 'herald_replayed_from';

export interface ReplayFilters {
  /** Only these `ce_id`s. */
  readonly ids?: readonly string[];
  /** Dead-lettered at or after. */
  readonly since?: Date;
  /** Dead-lettered before. */
  readonly until?: Date;
}

export interface DeadLetterFacts {
  readonly id: string | undefined;
  readonly originalTopic: string | undefined;
  readonly error: string | undefined;
  /** When it was dead-lettered: `herald_dlq_time`, else the record's timestamp. */
  readonly deadLetteredAt: Date;
}

export function deadLetterFacts(record: KafkaMessage): DeadLetterFacts {
  const headers = headersAsText(record.headers);
  const stamped =
    headers['herald_dlq_time'] === undefined ? Number.NaN : Date.parse(headers['herald_dlq_time']);
  return {
    id: headers['ce_id'],
    originalTopic: headers['herald_dlq_topic'],
    error: headers['herald_dlq_error'],
    deadLetteredAt: new Date(Number.isNaN(stamped) ? Number(record.timestamp) : stamped),
  };
}

export function isSelected(facts: DeadLetterFacts, filters: ReplayFilters): boolean {
  if (filters.ids !== undefined && (facts.id === undefined || !filters.ids.includes(facts.id))) return false;
  const at = facts.deadLetteredAt.getTime();
  if (filters.since !== undefined && at < filters.since.getTime()) return false;
  if (filters.until !== undefined && at >= filters.until.getTime()) return false;
  return true;
}

/** The original headers, byte for byte, without the dead-letter ones, plus where the replay came from. */
export function replayHeaders(record: KafkaMessage, from: { topic: string; partition: number }): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (!name.startsWith(DLQ_HEADER_PREFIX) && value !== undefined) headers[name] = value;
  }
  headers[REPLAYED_FROM_HEADER] = `${from.topic}/${from.partition}/${record.offset}`;
  return headers;
}

export function replayGroupId(dlqTopic: string): string {
  return `herald-replay.${dlqTopic}`;
}
