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

/** Milliseconds from the fraction at `start` (up to 3 digits count) and the index after it. */
function fraction(bytes: Buffer, start: number): [number, number] {
  let i = start;
  let ms = 0;
  let scale = 100;
  while (i < bytes.length && bytes[i]! >= ZERO && bytes[i]! <= ZERO + 9) {
    ms += (bytes[i]! - ZERO) * scale;
    scale /= 10;
    i++;
  }
  return [Math.floor(ms), i];
}

function zoneOffsetMs(bytes: Buffer, at: number): number {
  const sign = bytes[at];
  if ((sign === 0x5a || sign === 0x7a) && at === bytes.length - 1) return 0; // Z or z
  if ((sign !== 0x2b && sign !== 0x2d) || bytes.length !== at + 6 || bytes[at + 3] !== 0x3a)
    return Number.NaN;
  const minutes = digits(bytes, at + 1, 2) * 60 + digits(bytes, at + 4, 2);
  return (sign === 0x2b ? 1 : -1) * minutes * 60_000;
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
  const [ms, end] = bytes[19] === 0x2e ? fraction(bytes, 20) : [0, 19];
  const utc = Date.UTC(
    digits(bytes, 0, 4),
    digits(bytes, 5, 2) - 1,
    digits(bytes, 8, 2),
    digits(bytes, 11, 2),
    digits(bytes, 14, 2),
    digits(bytes, 17, 2),
    ms,
  );
  return utc - zoneOffsetMs(bytes, end);
}
