/**
 * Errors a handler throws to steer the runtime, and the one function that decides, for any
 * failure, whether retrying in place can help (retry) or not (dead-letter at once).
 *
 * HandlerError extends Nest's RpcException on purpose: Nest's RPC exception layer replaces
 * every other error with a generic `{ status: 'error', message: 'Internal server error' }`
 * before the transport sees it, but passes an RpcException's `getError()` through; returning
 * the error itself there keeps its `retriable` flag and cause intact.
 */
import { RpcException } from '@nestjs/microservices';
import { isRetriable, type Retriable } from '@app/platform';
import { CodecError } from '@app/schema';

export class HandlerError extends RpcException implements Retriable {
  override name = 'HandlerError';
  readonly retriable: boolean;

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message);
    this.retriable = options.retriable;
    if (options.cause !== undefined) this.cause = options.cause;
  }

  override getError(): object {
    return this;
  }
}

export interface FailureVerdict {
  readonly retriable: boolean;
  /** A short machine-readable kind: the codec error code, `HANDLER`, or `UNKNOWN`. */
  readonly kind: string;
  readonly message: string;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

/**
 * Any error that carries the retry contract's flag (`Retriable` of `@app/platform`: HandlerError,
 * CodecError, the apps' storage errors) says itself; HandlerError and CodecError also name their
 * kind. Anything else (a plain Error, or what Nest made of it) is unknown: it is retried in place, because most unexpected failures in a consumer are
 * a dependency that is briefly down; a deterministic bug still reaches the dead-letter topic
 * after `maxAttempts`, so it never blocks the partition.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  if (error instanceof HandlerError) {
    return { retriable: error.retriable, kind: 'HANDLER', message: error.message };
  }
  if (error instanceof CodecError) {
    return { retriable: error.retriable, kind: error.code, message: error.message };
  }
  return { retriable: isRetriable(error), kind: 'UNKNOWN', message: messageOf(error) };
}
