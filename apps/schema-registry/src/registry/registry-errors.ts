/**
 * The registry's domain errors, one class per thing that can go wrong, each with Confluent's
 * wording. Which HTTP status and Confluent `error_code` they become is decided in the API's one
 * exception filter; here they only say what happened and whether retrying can help.
 */
import type { Retriable } from '@app/platform';

/** Every failure the registry domain reports; `kind` is what the API maps to a status and code. */
export type RegistryErrorKind =
  | 'SUBJECT_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'SCHEMA_NOT_FOUND'
  | 'SUBJECT_SOFT_DELETED'
  | 'SUBJECT_NOT_SOFT_DELETED'
  | 'VERSION_SOFT_DELETED'
  | 'VERSION_NOT_SOFT_DELETED'
  | 'SUBJECT_COMPATIBILITY_NOT_CONFIGURED'
  | 'SUBJECT_MODE_NOT_CONFIGURED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'INVALID_SCHEMA'
  | 'INVALID_VERSION'
  | 'INVALID_COMPATIBILITY_LEVEL'
  | 'INVALID_MODE'
  | 'OPERATION_NOT_PERMITTED'
  | 'INVALID_SUBJECT'
  | 'SCHEMA_TOO_LARGE'
  | 'STORE_ERROR'
  | 'STORE_TIMEOUT'
  | 'UNKNOWN_LEADER';

export abstract class RegistryError extends Error implements Retriable {
  abstract readonly kind: RegistryErrorKind;
  /** True when the same request may succeed later (the store was slow or down). */
  readonly retriable: boolean = false;
}

export class SubjectNotFoundError extends RegistryError {
  readonly kind = 'SUBJECT_NOT_FOUND';
  constructor(readonly subject: string) {
    super(`Subject '${subject}' not found.`);
  }
}

export class VersionNotFoundError extends RegistryError {
  readonly kind = 'VERSION_NOT_FOUND';
  constructor(readonly version: number | 'latest') {
    super(`Version ${version} not found.`);
  }
}

export class SchemaNotFoundError extends RegistryError {
  readonly kind = 'SCHEMA_NOT_FOUND';
  constructor(id?: string | number) {
    super(id === undefined ? 'Schema not found' : `Schema ${id} not found`);
  }
}

export class SubjectSoftDeletedError extends RegistryError {
  readonly kind = 'SUBJECT_SOFT_DELETED';
  constructor(subject: string) {
    super(`Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
  }
}

export class SubjectNotSoftDeletedError extends RegistryError {
  readonly kind = 'SUBJECT_NOT_SOFT_DELETED';
  constructor(subject: string) {
    super(`Subject '${subject}' was not deleted first before being permanently deleted`);
  }
}

export class VersionSoftDeletedError extends RegistryError {
  readonly kind = 'VERSION_SOFT_DELETED';
  constructor(subject: string, version: number) {
    super(
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    );
  }
}

export class VersionNotSoftDeletedError extends RegistryError {
  readonly kind = 'VERSION_NOT_SOFT_DELETED';
  constructor(subject: string, version: number) {
    super(`Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
  }
}

export class SubjectCompatibilityNotConfiguredError extends RegistryError {
  readonly kind = 'SUBJECT_COMPATIBILITY_NOT_CONFIGURED';
  constructor(subject: string) {
    super(`Subject '${subject}' does not have subject-level compatibility configured`);
  }
}

export class SubjectModeNotConfiguredError extends RegistryError {
  readonly kind = 'SUBJECT_MODE_NOT_CONFIGURED';
  constructor(subject: string) {
    super(`Subject '${subject}' does not have subject-level mode configured`);
  }
}

export class IncompatibleSchemaError extends RegistryError {
  readonly kind = 'INCOMPATIBLE_SCHEMA';
  constructor(
    subject: string,
    readonly details: readonly string[],
  ) {
    super(
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", ` +
        `details: [${details.join(', ')}]`,
    );
  }
}

export class InvalidSchemaError extends RegistryError {
  readonly kind = 'INVALID_SCHEMA';
}

export class InvalidVersionError extends RegistryError {
  readonly kind = 'INVALID_VERSION';
  constructor(version: string) {
    super(
      `The specified version '${version}' is not a valid version id. ` +
        'Allowed values are between [1, 2^31-1] and the string "latest"',
    );
  }
}

export class InvalidCompatibilityLevelError extends RegistryError {
  readonly kind = 'INVALID_COMPATIBILITY_LEVEL';
  constructor() {
    super(
      'Invalid compatibility level. Valid values are none, backward, forward, full, ' +
        'backward_transitive, forward_transitive, and full_transitive',
    );
  }
}

export class InvalidModeError extends RegistryError {
  readonly kind = 'INVALID_MODE';
  constructor() {
    super('Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.');
  }
}

export class OperationNotPermittedError extends RegistryError {
  readonly kind = 'OPERATION_NOT_PERMITTED';
}

export class InvalidSubjectError extends RegistryError {
  readonly kind = 'INVALID_SUBJECT';
  constructor(reason: string) {
    super(`The specified subject is not valid: ${reason}`);
  }
}

export class SchemaTooLargeError extends RegistryError {
  readonly kind = 'SCHEMA_TOO_LARGE';
  constructor(bytes: number, limit: number) {
    super(`Register operation failed because schema is too large: ${bytes} bytes, the limit is ${limit}`);
  }
}

/** The `_schemas` log could not be read or written. */
export class StoreError extends RegistryError {
  readonly kind = 'STORE_ERROR';
  override readonly retriable = true;
}

export class StoreTimeoutError extends RegistryError {
  readonly kind = 'STORE_TIMEOUT';
  override readonly retriable = true;
}

/** A write reached an instance that is not the leader and does not know which instance is. */
export class UnknownLeaderError extends RegistryError {
  readonly kind = 'UNKNOWN_LEADER';
  override readonly retriable = true;
  constructor(message = 'Leader not known.') {
    super(message);
  }
}
