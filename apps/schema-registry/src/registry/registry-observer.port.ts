/**
 * What the registry domain reports as it serves: each registration's outcome and each lookup a
 * client resolves ids or versions with. The app turns these into Prometheus metrics; the domain
 * only names what happened. A write a follower forwards is reported by the leader that served it.
 */
import { RegistryError } from './registry-errors';

/**
 * `registered`: a new version was written to `_schemas`; `existing`: the schema was already
 * there and its id answered with nothing written; `incompatible`: refused by the subject's level
 * (409); `rejected`: other bad input or a mode that forbids it (4xx); `failed`: the store or the
 * leadership let it down (5xx), the same request may succeed later.
 */
export type RegistrationOutcome = 'registered' | 'existing' | 'incompatible' | 'rejected' | 'failed';

/** `id`: a schema by id (how consumers decode); `version`: a subject's version; `schema`: "is this registered here?". */
export type LookupKind = 'id' | 'version' | 'schema';

export type LookupOutcome = 'found' | 'not_found' | 'rejected' | 'failed';

export interface RegistryObserver {
  registration(outcome: RegistrationOutcome): void;
  lookup(kind: LookupKind, outcome: LookupOutcome): void;
}

export const REGISTRY_OBSERVER = Symbol('REGISTRY_OBSERVER');

export const UNOBSERVED: RegistryObserver = {
  registration: () => undefined,
  lookup: () => undefined,
};

const NOT_FOUND = new Set(['SUBJECT_NOT_FOUND', 'VERSION_NOT_FOUND', 'SCHEMA_NOT_FOUND']);

/** Bad input and refusals are the caller's (`rejected`); anything else is the registry's (`failed`). */
function failureOf(error: unknown): 'rejected' | 'failed' {
  return error instanceof RegistryError && !error.retriable ? 'rejected' : 'failed';
}

export function registrationFailure(error: unknown): RegistrationOutcome {
  if (error instanceof RegistryError && error.kind === 'INCOMPATIBLE_SCHEMA') return 'incompatible';
  return failureOf(error);
}

/** Runs one lookup and reports how it ended; the result or the error passes through unchanged. */
export async function observedLookup<T>(
  observer: RegistryObserver,
  kind: LookupKind,
  lookup: () => Promise<T>,
): Promise<T> {
  try {
    const found = await lookup();
    observer.lookup(kind, 'found');
    return found;
  } catch (error) {
    const notFound = error instanceof RegistryError && NOT_FOUND.has(error.kind);
    observer.lookup(kind, notFound ? 'not_found' : failureOf(error));
    throw error;
  }
}
