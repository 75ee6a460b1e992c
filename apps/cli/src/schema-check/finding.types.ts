/**
 * What the check's rules produce and what the reporters print. A finding names its file relative
 * to the workspace root (the git top level, else the working directory) and points into it with an
 * RFC 6901 JSON pointer; the locator later turns the pointer into the line and column editors and
 * GitHub annotations need.
 */
import type { CompatibilityDirection, IncompatibilityType } from '@app/schema';

import type { RuleId, Severity } from './rule.definitions';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Finding {
  readonly rule: RuleId;
  readonly file: string;
  /** '' for the whole file. */
  readonly pointer: string;
  readonly message: string;
  /** Set by rules that know the spot without a pointer (a JSON or YAML syntax error). */
  readonly position?: Position;
  /** Compatibility findings only: lets the runner fold one into the lint finding that explains it. */
  readonly incompatibility?: {
    readonly type: IncompatibilityType;
    readonly direction: CompatibilityDirection;
  };
}

export interface Violation {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly file: string;
  /** 1-based; absent when the file no longer exists (a deleted version) or is a folder. */
  readonly line?: number;
  readonly column?: number;
  readonly pointer: string;
  readonly message: string;
}

/** How the tree was compared: with a git base commit, with a schema registry, or alone (and why). */
export type BaseDescription =
  | { readonly kind: 'git'; readonly ref: string; readonly commit: string; readonly label: string }
  | { readonly kind: 'registry'; readonly url: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface DisabledRule {
  readonly rule: RuleId;
  readonly reason: string;
}

export interface CheckReport {
  /** The checked folder, relative to the workspace root. */
  readonly dir: string;
  readonly base: BaseDescription;
  readonly violations: readonly Violation[];
  readonly disabled: readonly DisabledRule[];
  readonly eventTypes: number;
  readonly versions: number;
}

export function countBySeverity(violations: readonly Violation[]): { errors: number; warnings: number } {
  const errors = violations.filter((v) => v.severity === 'error').length;
  return { errors, warnings: violations.length - errors };
}
