/**
 * What an attempt records of the request it sent (attempts.request, shown by GET
 * /v1/deliveries/{id}): the URL, every header — the signatures are HMACs, never a secret — and the
 * body's first 8 KiB of UTF-8, as the response's body is kept.
 */
import type { AttemptRequest } from '../domain/delivery-queries';

export const RECORDED_BODY_BYTES = 8 * 1024;

/** The first `limit` bytes of `text` in UTF-8, cut at a character boundary. */
export function utf8Prefix(text: string, limit: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { text, truncated: false };
  let end = limit;
  // Back off continuation bytes (10xxxxxx) so a character is never split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

export function recordedRequest(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): string {
  const kept = utf8Prefix(body, RECORDED_BODY_BYTES);
  const request: AttemptRequest = { url, headers, body: kept.text, bodyTruncated: kept.truncated };
  return JSON.stringify(request);
}
