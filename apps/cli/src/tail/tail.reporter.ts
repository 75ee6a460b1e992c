/**
 * How `herald tail` prints entries. `json`: one object per line (NDJSON), errors included as
 * `{"error":{...}}` objects in their place, for jq. `text`: a header line per record and the
 * data as indented JSON, for people; the default on a terminal.
 */
import type { TailEntry } from './record-decoder';

export type TailFormat = 'text' | 'json';

export function entryJson(entry: TailEntry): Record<string, unknown> {
  const position = {
    topic: entry.topic,
    partition: entry.partition,
    offset: entry.offset,
    timestamp: entry.timestamp,
    key: entry.key,
  };
  if (entry.kind === 'error') {
    return { ...position, headers: entry.headers, error: { code: entry.code, message: entry.message } };
  }
  return {
    id: entry.id ?? null,
    type: entry.type ?? null,
    source: entry.source ?? null,
    time: entry.time ?? null,
    version: entry.version ?? null,
    ...(entry.readerVersion === undefined ? {} : { readerVersion: entry.readerVersion }),
    schemaId: entry.schemaId,
    ...position,
    headers: entry.headers,
    data: entry.data,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function renderEntry(entry: TailEntry, format: TailFormat): string {
  if (format === 'json') return `${JSON.stringify(entryJson(entry))}\n`;
  const where = `${entry.topic} [${entry.partition}] @${entry.offset}  ${entry.timestamp}  key=${entry.key ?? '(none)'}`;
  if (entry.kind === 'error') {
    return `✗ ${where}\n  cannot decode (${entry.code}): ${entry.message}\n`;
  }
  const version =
    entry.readerVersion === undefined
      ? `v${entry.version ?? '?'}`
      : `v${entry.version ?? '?'} read as v${entry.readerVersion}`;
  const attributes = `id=${entry.id ?? '-'}  source=${entry.source ?? '-'}  time=${entry.time ?? '-'}`;
  return `● ${where}\n  ${entry.type ?? entry.topic} ${version}  ${attributes}\n${indent(JSON.stringify(entry.data, null, 2))}\n`;
}
