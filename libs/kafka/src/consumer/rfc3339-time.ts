/**
 * Reads a `ce_time` header (RFC 3339) as epoch milliseconds straight from its bytes. It is
 * parsed for every record (end-to-end latency); `Date.parse(buffer.toString())` cost more
 * than the Avro decode of the payload. The common `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)` shape
 * is read digit by digit; anything else falls back to Date.parse. NaN when unreadable.
 */
const ZERO = 0x30;

function digits(bytes: Buffer, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const d = bytes[i]! - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

/** Milliseconds of the fraction starting at `start` (up to 3 digits count). */
function fractionMs(bytes: Buffer, start: number, end: number): number {
  let ms = 0;
  let scale = 100;
  for (let i = start; i < end; i++) {
    ms += (bytes[i]! - ZERO) * scale;
    scale /= 10;
  }
  return Math.floor(ms);
}

function fractionEnd(bytes: Buffer, start: number): number {
  let i = start;
  while (i < bytes.length && bytes[i]! >= ZERO && bytes[i]! <= ZERO + 9) i++;
  return i;
}

function zoneOffsetMs(bytes: Buffer, at: number): number {
  const sign = bytes[at];
  if ((sign === 0x5a || sign === 0x7a) && at === bytes.length - 1) return 0; // Z or z
  if ((sign !== 0x2b && sign !== 0x2d) || bytes.length !== at + 6 || bytes[at + 3] !== 0x3a)
    return Number.NaN;
  const minutes = digits(bytes, at + 1, 2) * 60 + digits(bytes, at + 4, 2);
  return (sign === 0x2b ? 1 : -1) * minutes * 60_000;
}

/**
 * `YYYY-MM-DDTHH:MM:SS` → Date.UTC, remembering the last one: the records of a batch were
 * mostly published within the same second, and Date.UTC was the larger part of the parse.
 */
const SECONDS_PREFIX = 19;
const lastPrefix = Buffer.alloc(SECONDS_PREFIX);
let lastSeconds: number | undefined;

/** A JS loop: Buffer#compare is a native call that cost twice as much for 19 bytes. */
function samePrefix(bytes: Buffer): boolean {
  for (let i = 0; i < SECONDS_PREFIX; i++) if (bytes[i] !== lastPrefix[i]) return false;
  return true;
}

function secondsUtc(bytes: Buffer): number {
  if (lastSeconds !== undefined && samePrefix(bytes)) return lastSeconds;
  const seconds = Date.UTC(
    digits(bytes, 0, 4),
    digits(bytes, 5, 2) - 1,
    digits(bytes, 8, 2),
    digits(bytes, 11, 2),
    digits(bytes, 14, 2),
    digits(bytes, 17, 2),
  );
  bytes.copy(lastPrefix, 0, 0, SECONDS_PREFIX);
  lastSeconds = seconds;
  return seconds;
}

export function rfc3339Millis(bytes: Buffer): number {
  if (
    bytes.length < 20 ||
    bytes[4] !== 0x2d ||
    bytes[7] !== 0x2d ||
    bytes[13] !== 0x3a ||
    bytes[16] !== 0x3a
  ) {
    return Date.parse(bytes.toString('latin1'));
  }
  const end = bytes[19] === 0x2e ? fractionEnd(bytes, 20) : 19;
  const ms = end > 19 ? fractionMs(bytes, 20, end) : 0;
  return secondsUtc(bytes) + ms - zoneOffsetMs(bytes, end);
}
