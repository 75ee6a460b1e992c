/**
 * Text forms of the Avro values JSON cannot carry natively: bytes as base64, decimals as
 * exact decimal strings (two's-complement big-endian unscaled value on the wire), timestamps
 * as RFC 3339 UTC, dates as YYYY-MM-DD. Parsers return a reason string on bad input.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseBase64(text: string): Parsed<Buffer> {
  if (!BASE64.test(text)) return { ok: false, reason: 'expected base64 text' };
  return { ok: true, value: Buffer.from(text, 'base64') };
}

/** Parses "-12.50" into its unscaled value at `scale` (1250n at scale 2), checking precision. */
export function parseDecimal(input: string | number, precision: number, scale: number): Parsed<bigint> {
  const text = typeof input === 'number' ? String(input) : input;
  const match = DECIMAL.exec(text);
  if (match === null) return { ok: false, reason: 'expected a decimal number as a string such as "12.50"' };
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > scale) {
    return { ok: false, reason: `has ${fraction.length} decimal places; the schema allows ${scale}` };
  }
  const digits = (whole + fraction.padEnd(scale, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > precision) {
    return { ok: false, reason: `needs ${digits.length} digits; the schema's precision is ${precision}` };
  }
  const unscaled = BigInt(digits);
  return { ok: true, value: sign === '-' ? -unscaled : unscaled };
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Two's-complement big-endian bytes: minimal length, or exactly `size` bytes for fixed. */
export function decimalToBytes(unscaled: bigint, size?: number): Buffer | undefined {
  let length = 1;
  while (unscaled < -(1n << BigInt(8 * length - 1)) || unscaled >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined && length > size) return undefined;
  const total = size ?? length;
  const bytes = Buffer.alloc(total);
  let value = BigInt.asUintN(8 * total, unscaled);
  for (let i = total - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

export function bytesToDecimal(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt.asIntN(8 * bytes.length, BigInt(`0x${bytes.toString('hex')}`));
}

/** RFC 3339 text (any offset) or an integer count since the epoch, in the schema's unit. */
export function parseTimestamp(input: unknown, unit: 'millis' | 'micros'): Parsed<bigint> {
  if (typeof input === 'number' && Number.isSafeInteger(input)) return { ok: true, value: BigInt(input) };
  const match = typeof input === 'string' ? RFC3339.exec(input) : null;
  if (match === null) {
    return { ok: false, reason: 'expected an RFC 3339 timestamp such as "2026-11-26T10:15:00.000Z"' };
  }
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const wholeSeconds = Date.parse(`${date}T${time}${zone.toUpperCase()}`);
  // Date.parse rolls impossible days over (2026-02-30 → 2026-03-02); a real date survives a
  // round trip through the calendar.
  if (Number.isNaN(wholeSeconds) || parseDate(date).ok === false) {
    return { ok: false, reason: 'is not a real date and time' };
  }
  const digits = unit === 'millis' ? 3 : 6;
  if (fraction.replace(/0+$/, '').length > digits) {
    return { ok: false, reason: `has more precision than the schema's timestamp-${unit}` };
  }
  const sub = BigInt(fraction.padEnd(digits, '0').slice(0, digits));
  return { ok: true, value: BigInt(wholeSeconds) * (unit === 'millis' ? 1n : 1000n) + sub };
}

export function formatTimestamp(value: bigint, unit: 'millis' | 'micros'): string {
  const perMilli = unit === 'millis' ? 1n : 1000n;
  let millis = value / perMilli;
  let rest = value % perMilli;
  if (rest < 0n) {
    millis -= 1n;
    rest += perMilli;
  }
  const iso = new Date(Number(millis)).toISOString();
  return unit === 'millis' ? iso : `${iso.slice(0, -1)}${rest.toString().padStart(3, '0')}Z`;
}

export function parseDate(input: unknown): Parsed<number> {
  const match = typeof input === 'string' ? DATE.exec(input) : null;
  const days = match === null ? undefined : civilDays(Number(match[1]), Number(match[2]), Number(match[3]));
  if (days === undefined) return { ok: false, reason: 'expected a calendar date such as "2026-11-26"' };
  return { ok: true, value: days };
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (as JavaScript's Date counts them), or
 * undefined for a day the month does not have. Arithmetic rather than Date.parse plus a
 * toISOString round trip: every timestamp the gateway maps goes through here.
 */
function civilDays(year: number, month: number, day: number): number | undefined {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > monthDays) return undefined;
  // Howard Hinnant's days_from_civil, with March as the first month of the year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function formatDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}
