/**
 * Reads by schema id, the path every consumer takes to decode a record: an id answers while any
 * version (soft-deleted ones included) still uses it, so data written before a soft delete
 * stays readable.
 */
import { SchemaNotFoundError } from './registry-errors';
import { observedLookup, UNOBSERVED, type RegistryObserver } from './registry-observer.port';
import type { VersionFilter } from './registry-state';
import type { RegistryStore } from './registry-store';
import {
  schemaFields,
  SUPPORTED_SCHEMA_TYPES,
  versionView,
  type SchemaByIdView,
  type SchemaVersionView,
  type StoredVersion,
  type SubjectVersionPair,
} from './registry-types';
import { MAX_VERSION } from './version-id';

export interface SchemaListOptions {
  readonly subjectPrefix?: string;
  readonly deleted?: boolean;
  readonly latestOnly?: boolean;
}

/** Ids arrive as path text; anything that is not a valid id cannot name a schema. */
function parseId(raw: string): number | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const id = Number(raw);
  return id >= 1 && id <= MAX_VERSION ? id : undefined;
}

export class SchemaQueries {
  constructor(
    private readonly store: RegistryStore,
    private readonly observer: RegistryObserver = UNOBSERVED,
  ) {}

  private async usersOf(rawId: string): Promise<{ schema: StoredVersion; users: StoredVersion[] }> {
    const id = parseId(rawId);
    const state = await this.store.read();
    const schema = id === undefined ? undefined : state.schemaById(id);
    if (id === undefined || schema === undefined) throw new SchemaNotFoundError(rawId);
    return { schema, users: state.versionsUsingId(id) };
  }

  async byId(rawId: string): Promise<SchemaByIdView> {
    return observedLookup(this.observer, 'id', async () => schemaFields((await this.usersOf(rawId)).schema));
  }

  async subjectsOf(rawId: string, includeDeleted = false): Promise<string[]> {
    const { users } = await this.usersOf(rawId);
    const visible = users.filter((v) => includeDeleted || !v.deleted).map((v) => v.subject);
    return [...new Set(visible)];
  }

  async versionsOf(rawId: string, includeDeleted = false): Promise<SubjectVersionPair[]> {
    const { users } = await this.usersOf(rawId);
    return users
      .filter((v) => includeDeleted || !v.deleted)
      .map((v) => ({ subject: v.subject, version: v.version }));
  }

  /** Every version, subject by subject; `latestOnly` keeps each subject's newest. */
  async list(options: SchemaListOptions = {}): Promise<SchemaVersionView[]> {
    const state = await this.store.read();
    const filter: VersionFilter = options.deleted === true ? 'all' : 'live';
    const prefix = options.subjectPrefix ?? '';
    return state
      .subjectNames(filter)
      .filter((subject) => subject.startsWith(prefix))
      .flatMap((subject) => {
        const versions = state.versions(subject, filter);
        return options.latestOnly === true ? versions.slice(-1) : versions;
      })
      .map(versionView);
  }

  types(): string[] {
    return [...SUPPORTED_SCHEMA_TYPES];
  }
}
