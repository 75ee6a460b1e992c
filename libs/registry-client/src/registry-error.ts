/** A failed registry call, with Confluent's error code when the registry gave one. */
export class RegistryError extends Error {
  override name = 'RegistryError';

  constructor(
    message: string,
    /** HTTP status; 0 when the registry could not be reached. */
    readonly status: number,
    /** Confluent `error_code` (40401, 40403, 42201 …) when the body carried one. */
    readonly errorCode: number | undefined,
    /** Unreachable, timed out, 5xx or 429: the same call may succeed later. */
    readonly retriable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static unreachable(call: string, cause: unknown): RegistryError {
    // fetch's own message is "fetch failed"; why (refused, TLS, DNS) is its cause's. Duck-typed:
    // fetch's errors may come from another realm, where `instanceof Error` is false.
    const messageOf = (value: unknown): string | undefined =>
      typeof value === 'object' && value !== null && typeof (value as Error).message === 'string'
        ? (value as Error).message
        : undefined;
    const inner = messageOf((cause as { cause?: unknown } | undefined)?.cause);
    const reason = `${messageOf(cause) ?? String(cause)}${inner === undefined ? '' : `: ${inner}`}`;
    return new RegistryError(`schema registry unreachable (${call}): ${reason}`, 0, undefined, true, {
      cause,
    });
  }

  static fromResponse(
    call: string,
    status: number,
    errorCode: number | undefined,
    detail: string,
  ): RegistryError {
    const retriable = status >= 500 || status === 429;
    const code = errorCode === undefined ? '' : ` ${errorCode}`;
    return new RegistryError(
      `schema registry ${call} → ${status}${code}: ${detail}`,
      status,
      errorCode,
      retriable,
    );
  }
}
