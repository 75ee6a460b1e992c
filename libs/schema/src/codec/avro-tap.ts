/**
 * A reusable read cursor over a buffer, backed by avsc's own Tap. avsc's public `decode()`
 * allocates a Tap and a `{value, offset}` result for every call; on the consumer hot path that
 * doubles the garbage per message compared with `fromBuffer`. Reading through one cursor per
 * codec keeps batch decoding at a single allocation per message (the decoded value's record).
 *
 * Tap is exported by avsc's lib/utils (pinned at ^5.7) but not typed; the unit tests of the
 * codec fail loudly if an avsc upgrade moves it.
 */
import type * as avro from 'avsc';

interface AvscTapInstance {
  buf: Buffer;
  pos: number;
}

/** avsc's internal read entry points: `Type._read(tap)` and `Resolver._read(tap)`. */
interface AvscReadable {
  _read(tap: AvscTapInstance): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tap } = require('avsc/lib/utils') as { Tap: new (buf: Buffer, pos?: number) => AvscTapInstance };

const EMPTY = Buffer.alloc(0);

export class AvroReadCursor {
  private readonly tap = new Tap(EMPTY);

  /**
   * Reads one value of `type` (through `resolver` when the writer differs) starting at `offset`
   * and leaves the end position in `end`. avsc reads past the end of a truncated buffer
   * silently (then `end` > length) and throws only on bytes it cannot interpret at all.
   */
  read(buf: Buffer, offset: number, type: avro.Type, resolver: avro.Resolver | undefined): unknown {
    const tap = this.tap;
    tap.buf = buf;
    tap.pos = offset;
    const reader = (resolver ?? type) as unknown as AvscReadable;
    return reader._read(tap);
  }

  /** The position after the last read; beyond the buffer's length when the data was truncated. */
  get end(): number {
    return this.tap.pos;
  }

  /** Drops the reference to the last buffer read, so a cursor never pins a fetched batch. */
  release(): void {
    this.tap.buf = EMPTY;
  }
}
