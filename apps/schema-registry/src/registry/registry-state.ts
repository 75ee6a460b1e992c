/**
 * The registry's state, rebuilt only by applying `_schemas` records in log order, so every
 * instance that reads the same log holds the same state. Ids and versions only ever grow: the
 * next id is one above the highest id ever applied and a subject's next version one above its
 * highest version ever, so neither is handed out twice even after a hard delete.
 */
import type { CompatibilityLevel } from '@app/schema';
import type { SchemaLogRecord } from './schema-log.port';
import { decodeRecord, type RegistryEvent } from './registry-log-records';
import {
  DEFAULT_COMPATIBILITY_LEVEL,
  DEFAULT_MODE,
  type RegistryMode,
  type StoredVersion,
  type SubjectVersionPair,
} from './registry-types';

/** A schema id and what it names; it lives while at least one subject version uses it. */
interface IdEntry {
  readonly first: StoredVersion;
  readonly users: Map<string, SubjectVersionPair>;
}

export type VersionFilter = 'live' | 'all' | 'deleted';

function matches(version: StoredVersion, filter: VersionFilter): boolean {
  if (filter === 'all') return true;
  return filter === 'deleted' ? version.deleted : !version.deleted;
}

function userKey(subject: string, version: number): string {
  return `${version}\n${subject}`;
}

export class RegistryState {
  private readonly subjects = new Map<string, Map<number, StoredVersion>>();
  private readonly maxVersionEver = new Map<string, number>();
  private readonly ids = new Map<number, IdEntry>();
  private readonly idsByContent = new Map<string, number>();
  private maxIdEver = 0;
  private globalLevel: CompatibilityLevel | undefined;
  private globalMode: RegistryMode | undefined;
  private readonly subjectLevels = new Map<string, CompatibilityLevel>();
  private readonly subjectModes = new Map<string, RegistryMode>();
  private skipped = 0;

  /** Never throws: the log reader calls this for every record, and one odd record must not stop it. */
  apply(record: SchemaLogRecord): void {
    let event: RegistryEvent | undefined;
    try {
      event = decodeRecord(record);
    } catch {
      // e.g. a schema nested deeper than the stack allows, written by another tool
      event = undefined;
    }
    if (event === undefined) this.skipped += 1;
    else this.applyEvent(event);
  }

  /** Records this registry could not interpret (other key types, malformed values). */
  get skippedRecords(): number {
    return this.skipped;
  }

  private applyEvent(event: RegistryEvent): void {
    switch (event.type) {
      case 'version-put':
        return this.putVersion(event.version);
      case 'version-removed':
        return this.removeVersion(event.subject, event.version);
      case 'config':
        return this.setSetting(this.subjectLevels, event.subject, event.level, (l) => (this.globalLevel = l));
      case 'mode':
        return this.setSetting(this.subjectModes, event.subject, event.mode, (m) => (this.globalMode = m));
      case 'subject-deleted':
        return this.softDeleteUpTo(event.subject, event.upToVersion);
      case 'subject-cleared':
        return this.clearSoftDeleted(event.subject);
    }
  }

  private putVersion(stored: StoredVersion): void {
    this.removeVersion(stored.subject, stored.version);
    let versions = this.subjects.get(stored.subject);
    if (versions === undefined) {
      versions = new Map();
      this.subjects.set(stored.subject, versions);
    }
    versions.set(stored.version, stored);
    const maxVersion = this.maxVersionEver.get(stored.subject) ?? 0;
    this.maxVersionEver.set(stored.subject, Math.max(maxVersion, stored.version));
    this.maxIdEver = Math.max(this.maxIdEver, stored.id);
    const entry = this.ids.get(stored.id) ?? { first: stored, users: new Map<string, SubjectVersionPair>() };
    entry.users.set(userKey(stored.subject, stored.version), {
      subject: stored.subject,
      version: stored.version,
    });
    this.ids.set(stored.id, entry);
    if (!this.idsByContent.has(stored.contentKey)) this.idsByContent.set(stored.contentKey, stored.id);
  }

  private removeVersion(subject: string, version: number): void {
    const versions = this.subjects.get(subject);
    const existing = versions?.get(version);
    if (versions === undefined || existing === undefined) return;
    versions.delete(version);
    if (versions.size === 0) this.subjects.delete(subject);
    const entry = this.ids.get(existing.id);
    entry?.users.delete(userKey(subject, version));
    if (entry !== undefined && entry.users.size === 0) {
      this.ids.delete(existing.id);
      this.forgetContent(entry.first.contentKey, existing.id);
    }
  }

  /** An id no longer names its content; another id with the same content (an import) takes over. */
  private forgetContent(contentKey: string, id: number): void {
    if (this.idsByContent.get(contentKey) !== id) return;
    this.idsByContent.delete(contentKey);
    for (const [otherId, other] of this.ids) {
      if (other.first.contentKey === contentKey) {
        this.idsByContent.set(contentKey, otherId);
        return;
      }
    }
  }

  private softDeleteUpTo(subject: string, upTo: number): void {
    for (const stored of this.versions(subject, 'live')) {
      if (stored.version <= upTo) this.putVersion({ ...stored, deleted: true });
    }
  }

  private clearSoftDeleted(subject: string): void {
    for (const stored of this.versions(subject, 'deleted')) this.removeVersion(subject, stored.version);
  }

  private setSetting<T>(
    perSubject: Map<string, T>,
    subject: string | null,
    value: T | undefined,
    setGlobal: (value: T | undefined) => void,
  ): void {
    if (subject === null) setGlobal(value);
    else if (value === undefined) perSubject.delete(subject);
    else perSubject.set(subject, value);
  }

  /** Subjects with at least one version matching `filter`, sorted. */
  subjectNames(filter: VersionFilter): string[] {
    return [...this.subjects.keys()].filter((s) => this.versions(s, filter).length > 0).sort();
  }

  /** A subject's versions matching `filter`, oldest first. */
  versions(subject: string, filter: VersionFilter): StoredVersion[] {
    const versions = [...(this.subjects.get(subject)?.values() ?? [])].filter((v) => matches(v, filter));
    return versions.sort((a, b) => a.version - b.version);
  }

  version(subject: string, version: number): StoredVersion | undefined {
    return this.subjects.get(subject)?.get(version);
  }

  /** The newest version matching `filter`. */
  latest(subject: string, filter: VersionFilter): StoredVersion | undefined {
    return this.versions(subject, filter).at(-1);
  }

  nextVersion(subject: string): number {
    return (this.maxVersionEver.get(subject) ?? 0) + 1;
  }

  nextId(): number {
    return this.maxIdEver + 1;
  }

  /** The id already given to this content, if any version still uses it. */
  idForContent(contentKey: string): number | undefined {
    return this.idsByContent.get(contentKey);
  }

  /** The schema an id names (as first recorded), while any version still uses it. */
  schemaById(id: number): StoredVersion | undefined {
    return this.ids.get(id)?.first;
  }

  /** Every version using `id`, in subject then version order. */
  versionsUsingId(id: number): StoredVersion[] {
    const users = [...(this.ids.get(id)?.users.values() ?? [])];
    return users
      .map(({ subject, version }) => this.version(subject, version))
      .filter((v): v is StoredVersion => v !== undefined)
      .sort((a, b) => (a.subject === b.subject ? a.version - b.version : a.subject < b.subject ? -1 : 1));
  }

  /**
   * The level a subject's writes are checked at: its own, else the global one, else BACKWARD.
   * `null` asks for the global level in force.
   */
  effectiveLevel(subject: string | null): CompatibilityLevel {
    const own = subject === null ? undefined : this.subjectLevels.get(subject);
    return own ?? this.globalLevel ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  /** A subject's own mode, else the global one, else READWRITE; `null` asks for the global one. */
  effectiveMode(subject: string | null): RegistryMode {
    const own = subject === null ? undefined : this.subjectModes.get(subject);
    return own ?? this.globalMode ?? DEFAULT_MODE;
  }

  subjectLevel(subject: string): CompatibilityLevel | undefined {
    return this.subjectLevels.get(subject);
  }

  globalCompatibilityLevel(): CompatibilityLevel | undefined {
    return this.globalLevel;
  }

  subjectMode(subject: string): RegistryMode | undefined {
    return this.subjectModes.get(subject);
  }

  globalRegistryMode(): RegistryMode | undefined {
    return this.globalMode;
  }
}
