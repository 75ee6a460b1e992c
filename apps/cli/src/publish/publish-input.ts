/**
 * Where `herald publish` gets event data: `--data '<json>'` (one event), `--file f.json` (one
 * JSON document), `--file f.ndjson|.jsonl` or `-` (NDJSON on stdin: one event's data per line).
 * Every line is parsed before anything is sent, so a typo on line 900 publishes nothing.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error';

export interface EventDataItem {
  /** 1-based line of an NDJSON input; undefined for a single document. */
  readonly line: number | undefined;
  readonly data: unknown;
}

export type PublishSource =
  | { readonly kind: 'data'; readonly json: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' };

export function chooseSource(options: { data?: string; file?: string; dash: boolean }): PublishSource {
  const given = [options.data !== undefined, options.file !== undefined, options.dash].filter(Boolean);
  if (given.length === 0) {
    throw new UsageError(
      "no event data: give --data '<json>', --file <path>, or - to read NDJSON (one event's data per line) from stdin",
    );
  }
  if (given.length > 1) throw new UsageError('give only one of --data, --file and - (stdin)');
  if (options.data !== undefined) return { kind: 'data', json: options.data };
  if (options.file === '-' || options.dash) return { kind: 'stdin' };
  return { kind: 'file', path: options.file as string };
}

function parseDocument(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** One event's data per non-blank line; every bad line is reported, with its number. */
export function parseNdjson(text: string, what: string): EventDataItem[] {
  const items: EventDataItem[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      items.push({ line: index + 1, data: JSON.parse(raw) as unknown });
    } catch (error) {
      problems.push(`  line ${index + 1}: ${(error as Error).message}`);
    }
  });
  if (problems.length > 0) {
    throw new UsageError(
      `${what} has lines that are not JSON (nothing was published):\n${problems.join('\n')}`,
    );
  }
  if (items.length === 0) throw new UsageError(`${what} has no events (every line is blank)`);
  return items;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readEventData(source: PublishSource): Promise<EventDataItem[]> {
  if (source.kind === 'data') return [{ line: undefined, data: parseDocument(source.json, '--data') }];
  if (source.kind === 'stdin') return parseNdjson(await readStdin(), 'stdin');
  const text = await readFile(source.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --file ${source.path}: ${error.code ?? error.message}`);
  });
  if (/\.(ndjson|jsonl)$/i.test(source.path)) return parseNdjson(text, source.path);
  return [{ line: undefined, data: parseDocument(text, source.path) }];
}
