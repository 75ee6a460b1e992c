/**
 * The sentences behind each incompatibility. Each names the location, what the writer sends that
 * the reader cannot take, and the change that would fix it, because the people who read them are
 * schema authors looking at a failed check, not Avro implementers. The remedy is one the author
 * can make in the schema being changed: a level check knows whether that is the reader (backward)
 * or the writer (forward), and a published schema on the other side cannot be edited any more.
 */
import type { IncompatibilityType } from './incompatibility';
import type { EnumNode, FixedNode, NamedNode, RecordNode, ResolvedNode } from '../model/avro-model';

/** How a node is named in messages: `int`, `array`, `record "payments.Payment"`. */
function describeNode(node: ResolvedNode): string {
  return 'fullName' in node ? `${node.kind} "${node.fullName}"` : node.kind;
}

/**
 * Reference tokens of one step down a reader/writer pair, in each of the three pointers kept:
 * Java's location (the reader's tokens, plus the writer's branch index wherever a writer union is
 * taken apart), the reader schema's own and the writer schema's own.
 */
export interface PointerSteps {
  readonly path: readonly string[];
  readonly reader: readonly string[];
  readonly writer: readonly string[];
}

export const NO_STEPS: PointerSteps = { path: [], reader: [], writer: [] };

/** The same tokens in all three pointers. */
export function sameSteps(...tokens: string[]): PointerSteps {
  return { path: tokens, reader: tokens, writer: tokens };
}

/** The schema whose author reads the remedy; `either` when the check does not know. */
export type ChangedSide = 'reader' | 'writer' | 'either';

/** Where a problem sits in one schema: the node being resolved, and the exact spot under it. */
export interface SchemaSpot {
  readonly node: string;
  readonly problem: string;
}

export interface ProblemContext {
  readonly reader: SchemaSpot;
  readonly writer: SchemaSpot;
  readonly changed: ChangedSide;
}

export interface IncompatibilityDraft {
  readonly type: IncompatibilityType;
  /** Reference tokens from the pair being resolved to the problem. */
  readonly steps: PointerSteps;
  readonly message: (at: ProblemContext) => string;
}

const PROMOTIONS_HINT = 'Avro only promotes int→long→float→double and string↔bytes';

export function typeMismatch(reader: ResolvedNode, writer: ResolvedNode): IncompatibilityDraft {
  return {
    type: 'TYPE_MISMATCH',
    steps: NO_STEPS,
    message: (at) =>
      at.changed === 'writer'
        ? `writer type ${describeNode(writer)} at ${at.writer.problem} cannot be read as the reader's ` +
          `${describeNode(reader)}: keep writing ${describeNode(reader)} (${PROMOTIONS_HINT})`
        : `reader type ${describeNode(reader)} at ${at.reader.problem} cannot read data written as ` +
          `${describeNode(writer)}: keep the writer's type (${PROMOTIONS_HINT})`,
  };
}

export function fieldMissingDefault(
  fieldName: string,
  index: number,
  writer: RecordNode,
): IncompatibilityDraft {
  const remedies: Record<ChangedSide, string> = {
    reader: 'give the field a default',
    writer: 'keep writing the field',
    either: 'add a default or keep writing the field',
  };
  return {
    type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
    steps: { path: ['fields', String(index)], reader: ['fields', String(index)], writer: ['fields'] },
    message: (at) =>
      at.changed === 'writer'
        ? `writer ${describeNode(writer)} lacks field "${fieldName}" in ${at.writer.problem}, which the reader ` +
          `requires (it has no default there): ${remedies.writer}`
        : `reader field "${fieldName}" (${at.reader.problem}) has no default and is missing from the writer: ` +
          remedies[at.changed],
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
    steps: { path: ['fields', String(index)], reader: ['fields', String(index)], writer: ['fields'] },
    message: (at) =>
      at.changed === 'writer'
        ? `writer fields ${matches} (${at.writer.problem}) both match reader field "${fieldName}" by name and ` +
          'aliases: write only one of them'
        : `reader field "${fieldName}" (${at.reader.problem}) matches writer fields ${matches} by name and ` +
          'aliases: keep only one of those names on the reader field so it is clear which one to read',
  };
}

export function nameMismatch(reader: NamedNode, writer: NamedNode): IncompatibilityDraft {
  return {
    type: 'NAME_MISMATCH',
    steps: sameSteps('name'),
    message: (at) =>
      at.changed === 'writer'
        ? `writer ${describeNode(writer)} (${at.writer.node}) cannot be read as the reader's ` +
          `${describeNode(reader)}, which has no alias "${writer.fullName}": keep the name "${reader.shortName}"`
        : `reader ${describeNode(reader)} (${at.reader.node}) cannot read writer ${describeNode(writer)}: ` +
          `keep the name "${writer.shortName}" or add "${writer.fullName}" to the reader's aliases`,
  };
}

export function fixedSizeMismatch(reader: FixedNode, writer: FixedNode): IncompatibilityDraft {
  return {
    type: 'FIXED_SIZE_MISMATCH',
    steps: sameSteps('size'),
    message: (at) =>
      at.changed === 'writer'
        ? `writer ${describeNode(writer)} (${at.writer.node}) writes ${writer.size} bytes but the reader's ` +
          `size is ${reader.size}: the size of a fixed type cannot change`
        : `reader ${describeNode(reader)} (${at.reader.node}) has size ${reader.size} but the writer writes ` +
          `${writer.size} bytes: the size of a fixed type cannot change`,
  };
}

export function missingEnumSymbols(
  reader: EnumNode,
  writer: EnumNode,
  missing: readonly string[],
): IncompatibilityDraft {
  return {
    type: 'MISSING_ENUM_SYMBOLS',
    steps: sameSteps('symbols'),
    message: (at) =>
      at.changed === 'writer'
        ? `writer ${describeNode(writer)} (${at.writer.node}) has the symbols ${missing.join(', ')}, which the ` +
          'reader enum lacks and has no "default" for: remove them from the writer'
        : `reader ${describeNode(reader)} (${at.reader.node}) lacks the writer's symbols ${missing.join(', ')}: ` +
          'add them to the reader or give the reader enum a "default" symbol',
  };
}

export function readerUnionLacksWriter(writer: ResolvedNode): IncompatibilityDraft {
  return {
    type: 'MISSING_UNION_BRANCH',
    steps: NO_STEPS,
    message: (at) =>
      at.changed === 'writer'
        ? `writer type ${describeNode(writer)} at ${at.writer.node} is read by no branch of the reader union: ` +
          'write a type one of its branches reads'
        : `reader union at ${at.reader.node} has no branch that can read data written as ${describeNode(writer)}: ` +
          'add such a branch to the reader union',
  };
}

export function writerBranchUnreadable(branch: ResolvedNode, index: number): IncompatibilityDraft {
  const remedies: Record<ChangedSide, string> = {
    reader: 'add a matching branch to the reader union',
    writer: 'remove that branch from the writer union',
    either: 'add a matching branch to the reader union or stop writing that branch',
  };
  return {
    type: 'MISSING_UNION_BRANCH',
    steps: { path: [String(index)], reader: [], writer: [String(index)] },
    message: (at) =>
      at.changed === 'writer'
        ? `writer union branch ${index} (${describeNode(branch)}) at ${at.writer.problem} has no branch in the ` +
          `reader union that can read it: ${remedies.writer}`
        : `writer union branch ${index} (${describeNode(branch)}) has no branch in the reader union at ` +
          `${at.reader.node} that can read it: ${remedies[at.changed]}`,
  };
}
