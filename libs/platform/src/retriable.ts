/**
 * The one retry contract of Herald's errors: an error that knows whether trying the same thing
 * again can succeed says so in a `retriable` flag (a registry or database that did not answer may
 * answer later; bytes that do not decode never will). Consumers read it to choose between an
 * in-place retry and the dead-letter topic, clients between a retry and giving up.
 *
 * Errors of the libraries below this one (`@app/schema`'s CodecError, `@app/registry-client`'s
 * RegistryError) carry the same flag and satisfy the interface structurally; `isRetriable` reads
 * any of them, and errors that cross a boundary as plain objects (what Nest makes of an error).
 */
export interface Retriable {
  /** Whether the same call can succeed later (retry), or fails the same way every time (give up). */
  readonly retriable: boolean;
}

/** Whether `error` carries the retry contract's flag. */
export function hasRetriableFlag(error: unknown): error is Retriable {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { retriable?: unknown }).retriable === 'boolean'
  );
}

/**
 * The error's own verdict, or `otherwise` when it does not say (an error from a dependency that
 * knows nothing of the contract): consumers retry those (`true`, most unexpected failures are a
 * dependency that is briefly down), callers that must not retry blindly pass `false`.
 */
export function isRetriable(error: unknown, otherwise = true): boolean {
  return hasRetriableFlag(error) ? error.retriable : otherwise;
}
