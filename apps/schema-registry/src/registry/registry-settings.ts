/**
 * Compatibility levels and modes, global and per subject. A subject without its own setting
 * follows the global one, and the global one defaults to BACKWARD / READWRITE. Reading a
 * subject's own setting when it has none is an error (40408 / 40409) unless the caller asks to
 * fall back to the global one, which is how Confluent clients tell "unset" from "inherited".
 */
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '@app/schema';
import {
  InvalidCompatibilityLevelError,
  InvalidModeError,
  OperationNotPermittedError,
  SubjectCompatibilityNotConfiguredError,
  SubjectModeNotConfiguredError,
  SubjectNotFoundError,
} from './registry-errors';
import type { RegistryStore } from './registry-store';
import { REGISTRY_MODES, type RegistryMode } from './registry-types';
import { configKey, configValue, modeKey, modeValue } from './registry-log-records';
import { assertValidSubject } from './subject-name';

/** Confluent accepts level and mode names in any letter case. */
function upperCaseMember<T extends string>(value: unknown, members: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return members.find((member) => member === upper);
}

export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const level = upperCaseMember(value, COMPATIBILITY_LEVELS);
  if (level === undefined) throw new InvalidCompatibilityLevelError();
  return level;
}

export function parseRegistryMode(value: unknown): RegistryMode {
  const mode = upperCaseMember(value, REGISTRY_MODES);
  if (mode === undefined) throw new InvalidModeError();
  return mode;
}

/** Confluent answers 40401 when deleting a subject setting that does not exist. */
function ownSetting<T>(value: T | undefined, subject: string): T {
  if (value === undefined) throw new SubjectNotFoundError(subject);
  return value;
}

export class RegistrySettings {
  constructor(private readonly store: RegistryStore) {}

  async globalLevel(): Promise<CompatibilityLevel> {
    return (await this.store.read()).effectiveLevel(null);
  }

  async subjectLevel(subject: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const state = await this.store.read();
    const own = state.subjectLevel(subject);
    if (own !== undefined) return own;
    if (!defaultToGlobal) throw new SubjectCompatibilityNotConfiguredError(subject);
    return state.effectiveLevel(subject);
  }

  /** Sets the global level (`subject` null) or a subject's own. */
  async setLevel(subject: string | null, requested: unknown): Promise<CompatibilityLevel> {
    const level = parseCompatibilityLevel(requested);
    if (subject !== null) assertValidSubject(subject);
    return this.store.write(async (_state, append) => {
      await append(configKey(subject), configValue(level));
      return level;
    });
  }

  /** Removes a level; answers the level that was in force before. */
  async deleteLevel(subject: string | null): Promise<CompatibilityLevel> {
    return this.store.write(async (state, append) => {
      const previous =
        subject === null ? state.effectiveLevel(null) : ownSetting(state.subjectLevel(subject), subject);
      await append(configKey(subject), null);
      return previous;
    });
  }

  async globalMode(): Promise<RegistryMode> {
    return (await this.store.read()).effectiveMode(null);
  }

  async subjectMode(subject: string, defaultToGlobal: boolean): Promise<RegistryMode> {
    const state = await this.store.read();
    const own = state.subjectMode(subject);
    if (own !== undefined) return own;
    if (!defaultToGlobal) throw new SubjectModeNotConfiguredError(subject);
    return state.effectiveMode(subject);
  }

  /**
   * Sets the global mode (`subject` null) or a subject's own. Entering IMPORT needs an empty
   * registry (or subject) unless forced, because imported ids must not collide with live ones.
   */
  async setMode(subject: string | null, requested: unknown, force: boolean): Promise<RegistryMode> {
    const mode = parseRegistryMode(requested);
    if (subject !== null) assertValidSubject(subject);
    return this.store.write(async (state, append) => {
      const current = state.effectiveMode(subject);
      const occupied =
        subject === null ? state.subjectNames('live').length > 0 : state.versions(subject, 'live').length > 0;
      if (mode === 'IMPORT' && current !== 'IMPORT' && occupied && !force) {
        throw new OperationNotPermittedError('Cannot import since found existing subjects');
      }
      await append(modeKey(subject), modeValue(mode));
      return mode;
    });
  }

  /** Removes a mode; answers the mode that was in force before. */
  async deleteMode(subject: string | null): Promise<RegistryMode> {
    return this.store.write(async (state, append) => {
      const previous =
        subject === null ? state.effectiveMode(null) : ownSetting(state.subjectMode(subject), subject);
      await append(modeKey(subject), null);
      return previous;
    });
  }
}
