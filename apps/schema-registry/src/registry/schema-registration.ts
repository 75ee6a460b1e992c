/**
 * Registering a schema under a subject, with Confluent's rules: the same schema again answers
 * its existing id (even in READONLY mode, so producers that auto-register keep working); a new
 * one must be compatible with the subject's live versions at the subject's level; it keeps the
 * id the same schema already has under any subject, else gets the next id. IMPORT mode instead
 * takes the id and version from the request and skips the compatibility check.
 */
import { checkAgainstVersions } from './compatibility-report';
import { parseCandidateSchema, type CandidateSchema, type SchemaInput } from './candidate-schema';
import { IncompatibleSchemaError, OperationNotPermittedError } from './registry-errors';
import { registrationFailure, UNOBSERVED, type RegistryObserver } from './registry-observer.port';
import type { RegistryState } from './registry-state';
import type { RegistryStore } from './registry-store';
import type { RegistryMode, StoredVersion } from './registry-types';
import { schemaKey, schemaValue, storedVersion } from './registry-log-records';
import { assertValidSubject } from './subject-name';

export interface RegisteredSchema {
  readonly id: number;
}

function checkRegisterMode(subject: string, mode: RegistryMode, candidate: CandidateSchema): void {
  if (mode === 'READONLY') throw new OperationNotPermittedError(`Subject ${subject} is in read-only mode`);
  const importing = candidate.importId !== undefined || candidate.importVersion !== undefined;
  if (importing && mode !== 'IMPORT') {
    throw new OperationNotPermittedError(`Subject ${subject} is not in import mode`);
  }
  if (!importing && mode !== 'READWRITE') {
    throw new OperationNotPermittedError(`Subject ${subject} is not in read-write mode`);
  }
}

/** The newest live version of `subject` with the candidate's content. */
export function findLiveMatch(
  state: RegistryState,
  subject: string,
  candidate: CandidateSchema,
): StoredVersion | undefined {
  return state
    .versions(subject, 'live')
    .reverse()
    .find((v) => v.contentKey === candidate.contentKey);
}

function newVersion(state: RegistryState, subject: string, candidate: CandidateSchema): StoredVersion {
  const previous = state.versions(subject, 'live').reverse();
  const level = state.effectiveLevel(subject);
  const verdict = checkAgainstVersions(level, candidate, previous);
  if (!verdict.compatible) throw new IncompatibleSchemaError(subject, verdict.messages);
  return stored(
    subject,
    state.nextVersion(subject),
    state.idForContent(candidate.contentKey) ?? state.nextId(),
    candidate,
  );
}

function importedVersion(state: RegistryState, subject: string, candidate: CandidateSchema): StoredVersion {
  const id = candidate.importId ?? state.idForContent(candidate.contentKey) ?? state.nextId();
  const holder = state.schemaById(id);
  if (holder !== undefined && holder.contentKey !== candidate.contentKey) {
    throw new OperationNotPermittedError(`Overwrite new schema with id ${id} is not permitted.`);
  }
  const version = candidate.importVersion ?? state.nextVersion(subject);
  const current = state.version(subject, version);
  if (current !== undefined && (current.id !== id || current.contentKey !== candidate.contentKey)) {
    throw new OperationNotPermittedError(
      `Overwrite of version ${version} of subject '${subject}' with a different schema is not permitted.`,
    );
  }
  return stored(subject, version, id, candidate);
}

function stored(subject: string, version: number, id: number, candidate: CandidateSchema): StoredVersion {
  return storedVersion({
    subject,
    version,
    id,
    schema: candidate.canonical,
    schemaType: candidate.schemaType,
    references: [],
    deleted: false,
  });
}

export class SchemaRegistration {
  constructor(
    private readonly store: RegistryStore,
    private readonly observer: RegistryObserver = UNOBSERVED,
  ) {}

  /**
   * Registers `input` under `subject`. `normalize` is accepted for Confluent clients; schemas
   * are always compared by their canonical form, which already ignores layout and key order.
   */
  async register(subject: string, input: SchemaInput): Promise<RegisteredSchema> {
    try {
      const { id, written } = await this.decide(subject, input);
      this.observer.registration(written ? 'registered' : 'existing');
      return { id };
    } catch (error) {
      this.observer.registration(registrationFailure(error));
      throw error;
    }
  }

  private decide(subject: string, input: SchemaInput): Promise<{ id: number; written: boolean }> {
    assertValidSubject(subject);
    const candidate = parseCandidateSchema(input);
    return this.store.write(async (state, append) => {
      const existing = findLiveMatch(state, subject, candidate);
      if (existing !== undefined && (candidate.importId ?? existing.id) === existing.id) {
        return { id: existing.id, written: false };
      }
      const mode = state.effectiveMode(subject);
      checkRegisterMode(subject, mode, candidate);
      const next =
        mode === 'IMPORT'
          ? importedVersion(state, subject, candidate)
          : newVersion(state, subject, candidate);
      const current = state.version(subject, next.version);
      if (current?.deleted === false && current.id === next.id) return { id: next.id, written: false };
      await append(schemaKey(subject, next.version), schemaValue(next));
      return { id: next.id, written: true };
    });
  }
}
