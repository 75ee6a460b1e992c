/**
 * The Avro schema-resolution rules for one reader/writer pair, in the order Apache Avro's Java
 * `SchemaCompatibility` applies them. A pair yields obligations rather than a verdict, because
 * recursive schemas make pairs depend on each other; `pair-verdicts.ts` decides them together.
 *
 *   violation   — the pair is incompatible, whatever else holds
 *   descend     — the pair needs a sub-pair to be compatible (problems are reported inside it,
 *                 `steps` down from the pair's location)
 *   any-of      — the pair needs at least one candidate sub-pair to be compatible (union
 *                 branch search: which branch failed how is noise, so only the draft is reported)
 */
import {
  ambiguousFieldAliases,
  fieldMissingDefault,
  fixedSizeMismatch,
  missingEnumSymbols,
  nameMismatch,
  readerUnionLacksWriter,
  sameSteps,
  typeMismatch,
  writerBranchUnreadable,
  type IncompatibilityDraft,
  type PointerSteps,
} from './incompatibility-messages';
import {
  isPrimitiveNode,
  underlyingNode,
  type AvroNode,
  type EnumNode,
  type FieldNode,
  type FixedNode,
  type NamedNode,
  type PrimitiveTypeName,
  type RecordNode,
  type UnionNode,
} from '../model/avro-model';

/** Two nodes of the schemas' models; a logical type is resolved as its underlying type. */
export interface SchemaPair {
  readonly reader: AvroNode;
  readonly writer: AvroNode;
}

export type Obligation =
  | { readonly kind: 'violation'; readonly draft: IncompatibilityDraft }
  | { readonly kind: 'descend'; readonly steps: PointerSteps; readonly pair: SchemaPair }
  | {
      readonly kind: 'any-of';
      readonly candidates: readonly SchemaPair[];
      readonly otherwise: IncompatibilityDraft;
    };

/** Writer types each reader primitive accepts besides its own (the specification's promotions). */
const PROMOTED_FROM: Readonly<Record<PrimitiveTypeName, readonly PrimitiveTypeName[]>> = {
  null: [],
  boolean: [],
  int: [],
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

const violation = (draft: IncompatibilityDraft): Obligation => ({ kind: 'violation', draft });
const descend = (steps: PointerSteps, reader: AvroNode, writer: AvroNode): Obligation => ({
  kind: 'descend',
  steps,
  pair: { reader, writer },
});

export function obligationsOf(pair: SchemaPair): Obligation[] {
  const reader = underlyingNode(pair.reader);
  const writer = underlyingNode(pair.writer);
  if (reader.kind === 'union' && writer.kind === 'union') return writerUnionIntoReaderUnion(reader, writer);
  // Every branch the writer may have written must be readable (an empty union writes nothing, so it
  // is readable by anything). Java's location adds the branch index to the reader's location.
  if (writer.kind === 'union') {
    return writer.branches.map((branch, index) =>
      descend({ path: [String(index)], reader: [], writer: [String(index)] }, reader, branch.node),
    );
  }
  if (reader.kind === 'union') {
    const candidates = reader.branches.map((branch) => ({ reader: branch.node, writer }));
    return [{ kind: 'any-of', candidates, otherwise: readerUnionLacksWriter(writer) }];
  }
  if (isPrimitiveNode(reader)) {
    return isPrimitiveNode(writer) &&
      (writer.kind === reader.kind || PROMOTED_FROM[reader.kind].includes(writer.kind))
      ? []
      : [violation(typeMismatch(reader, writer))];
  }
  switch (reader.kind) {
    case 'array':
      return writer.kind === 'array'
        ? [descend(sameSteps('items'), reader.items, writer.items)]
        : [violation(typeMismatch(reader, writer))];
    case 'map':
      return writer.kind === 'map'
        ? [descend(sameSteps('values'), reader.values, writer.values)]
        : [violation(typeMismatch(reader, writer))];
    case 'record':
      return writer.kind === 'record'
        ? recordObligations(reader, writer)
        : [violation(typeMismatch(reader, writer))];
    case 'enum':
      return writer.kind === 'enum'
        ? enumObligations(reader, writer)
        : [violation(typeMismatch(reader, writer))];
    case 'fixed':
      return writer.kind === 'fixed'
        ? fixedObligations(reader, writer)
        : [violation(typeMismatch(reader, writer))];
  }
}

function writerUnionIntoReaderUnion(reader: UnionNode, writer: UnionNode): Obligation[] {
  return writer.branches.map((branch, index) => ({
    kind: 'any-of',
    candidates: reader.branches.map((readerBranch) => ({ reader: readerBranch.node, writer: branch.node })),
    otherwise: writerBranchUnreadable(underlyingNode(branch.node), index),
  }));
}

/**
 * Names compare unqualified, as Java's `schemaNameEquals` does; a reader alias must name the
 * writer's full name (an alias without a dot is in the reader type's namespace).
 */
function nameObligations(reader: NamedNode, writer: NamedNode): Obligation[] {
  const matches = reader.shortName === writer.shortName || reader.aliases.includes(writer.fullName);
  return matches ? [] : [violation(nameMismatch(reader, writer))];
}

function enumObligations(reader: EnumNode, writer: EnumNode): Obligation[] {
  const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
  // A reader default stands in for any symbol it does not know (Avro 1.9+).
  const symbolsReadable = missing.length === 0 || reader.default !== undefined;
  return [
    ...nameObligations(reader, writer),
    ...(symbolsReadable ? [] : [violation(missingEnumSymbols(reader, writer, missing))]),
  ];
}

function fixedObligations(reader: FixedNode, writer: FixedNode): Obligation[] {
  const sizeMatches = reader.size === writer.size;
  return [
    ...nameObligations(reader, writer),
    ...(sizeMatches ? [] : [violation(fixedSizeMismatch(reader, writer))]),
  ];
}

function recordObligations(reader: RecordNode, writer: RecordNode): Obligation[] {
  const obligations = nameObligations(reader, writer);
  reader.fields.forEach((field, index) => {
    const matches = writerFieldsFor(field, writer);
    const [match] = matches;
    if (matches.length > 1) {
      // Java throws and avsc refuses a resolver here: the reader cannot tell which field to read.
      const names = matches.map((m) => m.field.name);
      obligations.push(violation(ambiguousFieldAliases(field.name, index, names)));
    } else if (match) {
      const steps = {
        path: ['fields', String(index), 'type'],
        reader: ['fields', String(index), 'type'],
        writer: ['fields', String(match.index), 'type'],
      };
      obligations.push(descend(steps, field.node, match.field.node));
    } else if (!field.hasDefault) {
      // An enum default does not stand in for a field default: with no writer field there is no
      // symbol to map, so Java reports this too (as a type mismatch of the enum against the record).
      obligations.push(violation(fieldMissingDefault(field.name, index, writer)));
    }
  });
  return obligations;
}

/** The writer fields a reader field reads, with their positions: by its name or any of its aliases. */
function writerFieldsFor(field: FieldNode, writer: RecordNode): Array<{ field: FieldNode; index: number }> {
  const names = new Set([field.name, ...field.aliases]);
  return writer.fields.flatMap((candidate, index) =>
    names.has(candidate.name) ? [{ field: candidate, index }] : [],
  );
}
