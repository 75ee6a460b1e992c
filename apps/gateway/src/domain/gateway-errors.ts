/**
 * The gateway's domain errors. Each names the problem in the user's terms and carries what
 * the client needs to act (violations with JSON pointers, a retry delay); the one exception
 * filter maps them to RFC 9457 problem+json and an HTTP status.
 */
export interface Violation {
  /** JSON pointer into the request body, e.g. `/data/amount_minor`. */
  readonly path: string;
  readonly message: string;
}

export type GatewayErrorKind =
  | 'malformed'
  | 'unauthenticated'
  | 'forbidden'
  | 'method-not-allowed'
  | 'conflict'
  | 'too-large'
  | 'exceeds-rate-limit'
  | 'unsupported-media-type'
  | 'unprocessable'
  | 'rate-limited'
  | 'unavailable';

export class GatewayError extends Error {
  override name = 'GatewayError';

  /** For method-not-allowed: the methods the route takes (the `Allow` header). */
  allowedMethods?: readonly string[];

  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly violations: readonly Violation[] = [],
    /** Seconds, for rate-limited and unavailable. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Whether the same request may succeed later unchanged. */
  get retriable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable';
  }

  static malformed(message: string, violations: readonly Violation[] = []): GatewayError {
    return new GatewayError('malformed', message, violations);
  }

  static unprocessable(message: string, violations: readonly Violation[] = []): GatewayError {
    return new GatewayError('unprocessable', message, violations);
  }

  static methodNotAllowed(method: string, path: string, allowed: readonly string[]): GatewayError {
    const error = new GatewayError(
      'method-not-allowed',
      `${path} takes ${allowed.join(', ')}, not ${method}`,
    );
    error.allowedMethods = allowed;
    return error;
  }

  static unavailable(message: string, retryAfterSeconds: number, cause?: unknown): GatewayError {
    return new GatewayError('unavailable', message, [], retryAfterSeconds, { cause });
  }
}
