/**
 * RFC 9457 problem details for every gateway error: one place decides the HTTP status and
 * the `type` URI of each domain error, used by the exception filter and by batch results.
 */
import { GatewayError, type GatewayErrorKind, type Violation } from '../domain/gateway-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://herald.dev/problems/';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly Violation[];
}

const ANSWERS: Readonly<Record<GatewayErrorKind, readonly [status: number, title: string]>> = {
  malformed: [400, 'Malformed request'],
  unauthenticated: [401, 'Missing or unknown API key'],
  forbidden: [403, 'Event type not allowed for this API key'],
  'method-not-allowed': [405, 'Method not allowed'],
  conflict: [409, 'Event id already used for different content'],
  'too-large': [413, 'Request or event too large'],
  // Never retriable: the batch can never fit the key's budget of one second; split it.
  'exceeds-rate-limit': [413, "Batch larger than the key's rate limit"],
  'unsupported-media-type': [415, 'Unsupported content type'],
  unprocessable: [422, 'Event rejected'],
  'rate-limited': [429, 'Rate limit exceeded'],
  unavailable: [503, 'Kafka or a dependency is unavailable'],
};

export function problemFor(error: GatewayError): Problem {
  const [status, title] = ANSWERS[error.kind];
  return {
    type: `${PROBLEM_BASE}${error.kind}`,
    title,
    status,
    detail: error.message,
    errors: error.violations,
  };
}
