/**
 * The sentences behind each incompatibility. Each names the reader location, what the writer
 * sends that the reader cannot take, and the change that would fix it, because the people who
 * read them are schema authors looking at a failed check, not Avro implementers.
 */
import type { IncompatibilityType } from './incompatibility';
import {
  describeNode,
  type EnumNode,
  type FixedNode,
  type NamedNode,
  type SchemaNode,
} from './schema-tree.types';

/** Where a problem sits: the reader node being resolved, and the exact spot under it. */
export interface ProblemLocation {
  readonly node: string;
  readonly problem: string;
}

export interface IncompatibilityDraft {
  readonly type: IncompatibilityType;
  /** Reference tokens from the reader node being resolved to the problem. */
  readonly tokens: readonly string[];
  readonly message: (at: ProblemLocation) => string;
}

const PROMOTIONS_HINT = 'Avro only promotes int→long→float→double and string↔bytes';

export function typeMismatch(reader: SchemaNode, writer: SchemaNode): IncompatibilityDraft {
  return {
    type: 'TYPE_MISMATCH',
    tokens: [],
    message: (at) =>
      `reader type ${describeNode(reader)} at ${at.problem} cannot read data written as ${describeNode(writer)}: ` +
      `keep the writer's type (${PROMOTIONS_HINT})`,
  };
}

export function fieldMissingDefault(fieldName: string, index: number): IncompatibilityDraft {
  return {
    type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
    tokens: ['fields', String(index)],
    message: (at) =>
      `reader field "${fieldName}" (${at.problem}) has no default and is missing from the writer: ` +
      'add a default or keep writing the field',
  };
}

export function ambiguousFieldAliases(
  fieldName: string,
  index: number,
  writerFields: readonly string[],
): IncompatibilityDraft {
  const matches = writerFields.map((name) => `"${name}"`).join(' and ');
  return {
    type: 'NAME_MISMATCH',
    tokens: ['fields', String(index)],
    message: (at) =>
      `reader field "${fieldName}" (${at.problem}) matches writer fields ${matches} by name and aliases: ` +
      'keep only one of those names on the reader field so it is clear which one to read',
  };
}

export function nameMismatch(reader: NamedNode, writer: NamedNode): IncompatibilityDraft {
  return {
    type: 'NAME_MISMATCH',
    tokens: ['name'],
    message: (at) =>
      `reader ${describeNode(reader)} (${at.node}) cannot read writer ${describeNode(writer)}: ` +
      `keep the name "${writer.shortName}" or add "${writer.fullName}" to the reader's aliases`,
  };
}

export function fixedSizeMismatch(reader: FixedNode, writer: FixedNode): IncompatibilityDraft {
  return {
    type: 'FIXED_SIZE_MISMATCH',
    tokens: ['size'],
    message: (at) =>
      `reader ${describeNode(reader)} (${at.node}) has size ${reader.size} but the writer writes ` +
      `${writer.size} bytes: the size of a fixed type cannot change`,
  };
}

export function missingEnumSymbols(reader: EnumNode, missing: readonly string[]): IncompatibilityDraft {
  return {
    type: 'MISSING_ENUM_SYMBOLS',
    tokens: ['symbols'],
    message: (at) =>
      `reader ${describeNode(reader)} (${at.node}) lacks the writer's symbols ${missing.join(', ')}: ` +
      'add them to the reader or give the reader enum a "default" symbol',
  };
}

export function readerUnionLacksWriter(writer: SchemaNode): IncompatibilityDraft {
  return {
    type: 'MISSING_UNION_BRANCH',
    tokens: [],
    message: (at) =>
      `reader union at ${at.node} has no branch that can read data written as ${describeNode(writer)}: ` +
      'add such a branch to the reader union',
  };
}

export function writerBranchUnreadable(branch: SchemaNode, index: number): IncompatibilityDraft {
  return {
    type: 'MISSING_UNION_BRANCH',
    tokens: [String(index)],
    message: (at) =>
      `writer union branch ${index} (${describeNode(branch)}) has no branch in the reader union at ${at.node} ` +
      'that can read it: add a matching branch to the reader union or stop writing that branch',
  };
}
