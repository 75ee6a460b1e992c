/**
 * What `herald replay` has already replayed from one DLQ partition, kept in its own consumer
 * group (`herald-replay.<dlq>`): the committed offset is the first record not replayed yet, and
 * the commit's metadata lists the records beyond it that were replayed anyway (a run filtered by
 * --id or --since passes over others, which stay replayable). Kafka cannot delete the dead
 * letters, so this is how a second run knows not to replay them twice.
 */

const PREFIX = 'herald-replay:v1:';
/** Kafka's offset.metadata.max.bytes default is 4096; stay below it with room for the prefix. */
export const MAX_METADATA_BYTES = 4_000;

function encodeRanges(offsets: readonly bigint[]): string {
  const ranges: string[] = [];
  let index = 0;
  while (index < offsets.length) {
    const first = offsets[index] as bigint;
    let last = first;
    while (index + 1 < offsets.length && offsets[index + 1] === last + 1n) last = offsets[++index] as bigint;
    ranges.push(first === last ? `${first}` : `${first}-${last}`);
    index += 1;
  }
  return ranges.join(',');
}

function decodeRanges(text: string): bigint[] {
  if (text === '') return [];
  return text.split(',').flatMap((range) => {
    const match = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (match === null) return [];
    const first = BigInt(match[1] as string);
    const last = BigInt(match[2] ?? (match[1] as string));
    const all: bigint[] = [];
    for (let offset = first; offset <= last; offset += 1n) all.push(offset);
    return all;
  });
}

export class ReplayProgress {
  private constructor(
    private position: bigint,
    private readonly beyond: Set<bigint>,
  ) {}

  /** From a committed offset ('-1' when the group never committed) and its metadata. */
  static fromCommit(offset: string, metadata: string | null | undefined): ReplayProgress {
    const position = BigInt(offset) < 0n ? 0n : BigInt(offset);
    const listed = metadata?.startsWith(PREFIX) ? decodeRanges(metadata.slice(PREFIX.length)) : [];
    return new ReplayProgress(position, new Set(listed.filter((o) => o >= position)));
  }

  /** The first offset not replayed yet: where the next run starts reading. */
  get committedOffset(): string {
    return this.position.toString();
  }

  wasReplayed(offset: string): boolean {
    const value = BigInt(offset);
    return value < this.position || this.beyond.has(value);
  }

  markReplayed(offset: string): void {
    this.beyond.add(BigInt(offset));
    while (this.beyond.delete(this.position)) this.position += 1n;
  }

  /** The commit metadata; throws when the list outgrew what Kafka keeps with an offset. */
  metadata(): string {
    const text = `${PREFIX}${encodeRanges([...this.beyond].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))}`;
    if (Buffer.byteLength(text) > MAX_METADATA_BYTES) {
      throw new RangeError(
        'too many scattered replayed records to track in one partition; replay without filters',
      );
    }
    return text;
  }
}
