/**
 * Reads by subject: which subjects and versions exist, one version, and "is this schema
 * registered here?". Soft-deleted versions stay hidden unless the caller asks for them, and a
 * subject with nothing visible is "not found" (40401) rather than an empty answer.
 */
import { parseCandidateSchema, type SchemaInput } from './candidate-schema';
import { SchemaNotFoundError, SubjectNotFoundError, VersionNotFoundError } from './registry-errors';
import { observedLookup, UNOBSERVED, type RegistryObserver } from './registry-observer.port';
import type { RegistryState, VersionFilter } from './registry-state';
import type { RegistryStore } from './registry-store';
import { versionView, type SchemaVersionView, type StoredVersion } from './registry-types';
import { parseVersionRef } from './version-id';

export interface SubjectListOptions {
  readonly prefix?: string;
  readonly deleted?: boolean;
  readonly deletedOnly?: boolean;
}

function filterFor(options: { deleted?: boolean; deletedOnly?: boolean }): VersionFilter {
  if (options.deletedOnly === true) return 'deleted';
  return options.deleted === true ? 'all' : 'live';
}

/** One version as a read names it (`latest`, `-1` or a number), with 40401 / 40402 when absent. */
export function findVersion(
  state: RegistryState,
  subject: string,
  versionId: string,
  includeDeleted: boolean,
): StoredVersion {
  const ref = parseVersionRef(versionId);
  const filter: VersionFilter = includeDeleted ? 'all' : 'live';
  if (state.versions(subject, filter).length === 0) throw new SubjectNotFoundError(subject);
  const found = ref === 'latest' ? state.latest(subject, filter) : state.version(subject, ref);
  if (found === undefined || (found.deleted && !includeDeleted)) throw new VersionNotFoundError(ref);
  return found;
}

export class SubjectQueries {
  constructor(
    private readonly store: RegistryStore,
    private readonly observer: RegistryObserver = UNOBSERVED,
  ) {}

  async subjects(options: SubjectListOptions = {}): Promise<string[]> {
    const state = await this.store.read();
    const filter = filterFor(options);
    // A subject counts as deleted only when every version of it is.
    const names = filter === 'deleted' ? this.fullyDeleted(state) : state.subjectNames(filter);
    const prefix = options.prefix ?? '';
    return names.filter((name) => name.startsWith(prefix));
  }

  private fullyDeleted(state: RegistryState): string[] {
    const live = new Set(state.subjectNames('live'));
    return state.subjectNames('deleted').filter((name) => !live.has(name));
  }

  async versions(subject: string, options: Omit<SubjectListOptions, 'prefix'> = {}): Promise<number[]> {
    const state = await this.store.read();
    const visible = options.deleted === true || options.deletedOnly === true ? 'all' : 'live';
    if (state.versions(subject, visible).length === 0) throw new SubjectNotFoundError(subject);
    return state.versions(subject, filterFor(options)).map((v) => v.version);
  }

  async version(subject: string, versionId: string, includeDeleted = false): Promise<SchemaVersionView> {
    return observedLookup(this.observer, 'version', async () =>
      versionView(findVersion(await this.store.read(), subject, versionId, includeDeleted)),
    );
  }

  /** Schema references are not supported, so nothing ever refers to a version. */
  async referencedBy(subject: string, versionId: string): Promise<number[]> {
    findVersion(await this.store.read(), subject, versionId, true);
    return [];
  }

  /** The version of `subject` holding this schema; 40401 without the subject, 40403 without a match. */
  lookup(subject: string, input: SchemaInput, includeDeleted = false): Promise<SchemaVersionView> {
    return observedLookup(this.observer, 'schema', async () => {
      const candidate = parseCandidateSchema(input);
      const state = await this.store.read();
      const versions = state.versions(subject, includeDeleted ? 'all' : 'live');
      if (versions.length === 0) throw new SubjectNotFoundError(subject);
      const match = versions.reverse().find((v) => v.contentKey === candidate.contentKey);
      if (match === undefined) throw new SchemaNotFoundError();
      return versionView(match);
    });
  }
}
