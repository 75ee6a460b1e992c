/**
 * Soft and hard deletes with Confluent's two-step rule: a version or subject is first soft
 * deleted (hidden from lookups and compatibility checks, its id still resolvable by consumers
 * holding old data), and only a soft-deleted one may be deleted permanently (a tombstone that
 * compaction eventually removes). When a subject has no live version left its own compatibility
 * level and mode go too, as in Confluent, so a re-created subject starts from the global ones.
 */
import {
  OperationNotPermittedError,
  SubjectNotFoundError,
  SubjectNotSoftDeletedError,
  SubjectSoftDeletedError,
  VersionNotFoundError,
  VersionNotSoftDeletedError,
  VersionSoftDeletedError,
} from './registry-errors';
import type { RegistryState } from './registry-state';
import type { AppendRecord, RegistryStore } from './registry-store';
import type { StoredVersion } from './registry-types';
import {
  configKey,
  deleteSubjectKey,
  deleteSubjectValue,
  modeKey,
  schemaKey,
  schemaValue,
} from './registry-log-records';
import { parseVersionRef, type VersionRef } from './version-id';

function refuseInReadOnly(state: RegistryState, subject: string): void {
  if (state.effectiveMode(subject) === 'READONLY') {
    throw new OperationNotPermittedError(`Subject ${subject} is in read-only mode`);
  }
}

async function dropSubjectSettings(
  state: RegistryState,
  subject: string,
  append: AppendRecord,
): Promise<void> {
  if (state.subjectMode(subject) !== undefined) await append(modeKey(subject), null);
  if (state.subjectLevel(subject) !== undefined) await append(configKey(subject), null);
}

/** The version a delete names: `latest` is the newest live one, or the newest at all when permanent. */
function versionToDelete(
  state: RegistryState,
  subject: string,
  ref: VersionRef,
  permanent: boolean,
): StoredVersion {
  if (state.versions(subject, 'all').length === 0) throw new SubjectNotFoundError(subject);
  const found =
    ref === 'latest' ? state.latest(subject, permanent ? 'all' : 'live') : state.version(subject, ref);
  if (found === undefined) throw new VersionNotFoundError(ref);
  return found;
}

export class SchemaDeletion {
  constructor(private readonly store: RegistryStore) {}

  /** Deletes every version of `subject`; answers the versions deleted. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.store.write(async (state, append) => {
      const all = state.versions(subject, 'all');
      if (all.length === 0) throw new SubjectNotFoundError(subject);
      const live = state.versions(subject, 'live');
      if (!permanent && live.length === 0) throw new SubjectSoftDeletedError(subject);
      refuseInReadOnly(state, subject);
      if (permanent) {
        if (live.length > 0) throw new SubjectNotSoftDeletedError(subject);
        for (const version of all) await append(schemaKey(subject, version.version), null);
        return all.map((v) => v.version);
      }
      const newest = Math.max(...live.map((v) => v.version));
      await append(deleteSubjectKey(subject), deleteSubjectValue(subject, newest));
      await dropSubjectSettings(state, subject, append);
      return live.map((v) => v.version);
    });
  }

  /** Deletes one version (`latest` or a number, as the path spells it); answers its number. */
  async deleteVersion(subject: string, versionId: string, permanent: boolean): Promise<number> {
    const ref = parseVersionRef(versionId);
    return this.store.write(async (state, append) => {
      const version = versionToDelete(state, subject, ref, permanent);
      if (!permanent && version.deleted) throw new VersionSoftDeletedError(subject, version.version);
      refuseInReadOnly(state, subject);
      if (permanent) {
        if (!version.deleted) throw new VersionNotSoftDeletedError(subject, version.version);
        await append(schemaKey(subject, version.version), null);
        return version.version;
      }
      await append(schemaKey(subject, version.version), schemaValue({ ...version, deleted: true }));
      if (state.versions(subject, 'live').length === 0) await dropSubjectSettings(state, subject, append);
      return version.version;
    });
  }
}
