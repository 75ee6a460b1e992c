/**
 * What went wrong with an attempt that got no HTTP response, in the kinds an attempt records.
 * Node, OpenSSL and undici report these as error codes; the kind is what an operator reads to tell
 * "their DNS" from "their certificate" from "their server is down".
 */
import type { WebhookResponse } from '../domain/ports';

export type AttemptErrorKind = Extract<WebhookResponse, { kind: 'error' }>['errorKind'];

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly library?: unknown;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

/** The codes of `error`, its `cause` and (for a happy-eyeballs AggregateError) every attempt's. */
function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 3) return [];
  const e = error as ErrorLike;
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((inner) => codesOf(inner, depth + 1)) : [];
  return [...own, ...nested, ...codesOf(e.cause, depth + 1)];
}

function isTlsError(code: string, error: ErrorLike): boolean {
  // OpenSSL's verification codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT,
  // UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...) and Node's ERR_TLS_* / ERR_SSL_* codes.
  if (/^ERR_(TLS|SSL)_|CERT|_SIGNATURE|ISSUER/.test(code)) return true;
  return code === 'EPROTO' && typeof error.library === 'string' && /SSL/i.test(error.library);
}

/** The kind of a failed attempt; `timedOut` says the attempt's own deadline fired. */
export function attemptErrorKind(error: unknown, timedOut: boolean): AttemptErrorKind {
  if (timedOut) return 'timeout';
  const codes = codesOf(error);
  if (codes.includes('ERR_WEBHOOK_DESTINATION_REFUSED')) return 'ssrf';
  if (codes.some((code) => DNS_CODES.has(code))) return 'dns';
  if (codes.some((code) => isTlsError(code, error as ErrorLike))) return 'tls';
  // Before timeouts: with several addresses, one attempt may time out and the next be refused.
  if (codes.some((code) => CONNECT_CODES.has(code))) return 'connect';
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return 'timeout';
  return 'network';
}

/** A one-line message for the attempt record (an AggregateError's own message is often empty). */
export function attemptErrorMessage(error: unknown): string {
  const e = error as ErrorLike;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (message !== '' || !Array.isArray(e?.errors)) return message;
  return e.errors.map((inner) => attemptErrorMessage(inner)).join('; ');
}
