// Runs avsc's parser and turns its first error into a problem with a JSON pointer. avsc reports what is
// wrong but not where, so a type hook tracks which schema node avsc is inside when the error is thrown:
// the hook re-enters the parser for each node itself, which gives it a frame to catch the error in.
import { Type } from 'avsc';

import { childPointer, type JsonObject } from '../model/json-value';
import { type SchemaJsonNode, recordFields } from '../model/schema-outline';
import { errorMessage } from './catalog.error';
import type { FileProblem } from './catalog.types';

export type AvroSchemaInput = Parameters<typeof Type.forSchema>[0];
type ForSchemaOptions = NonNullable<Parameters<typeof Type.forSchema>[1]>;
type PointerTokens = Array<string | number>;

export type LocatedParse = { ok: true; type: Type } | { ok: false; problem: FileProblem };

/** Where inside the node an avsc message points, for the messages that name a part of the node. */
const MESSAGE_TARGETS: Array<
  [RegExp, (node: SchemaJsonNode, match: RegExpExecArray) => PointerTokens | undefined]
> = [
  [/^undefined type name: (.+)$/, (node, match) => referenceLocation(node, match[1] ?? '')],
  [/^unknown type: /, () => ['type']],
  [/^invalid "[^"]*" default/, () => ['default']],
  [/^(invalid|duplicate) "[^"]*" symbol|^invalid enum symbols/, () => ['symbols']],
  [/^(invalid|duplicate) field name/, () => ['fields']],
  [/^invalid \S+ size/, () => ['size']],
];

/** The stock avsc options of every catalog parse; a fresh object each time, because avsc mutates it. */
export function catalogParseOptions(): Partial<ForSchemaOptions> {
  return { noAnonymousTypes: true };
}

/** `pointers` maps every schema node of `schema` (by identity) to its JSON pointer. */
export function parseLocated(schema: AvroSchemaInput, pointers: ReadonlyMap<object, string>): LocatedParse {
  const entered = new Set<object>();
  let located: FileProblem | undefined;
  const typeHook = (node: AvroSchemaInput, options: ForSchemaOptions): Type | undefined => {
    const pointer = typeof node === 'object' ? pointers.get(node) : undefined;
    if (pointer === undefined || entered.has(node as object)) return undefined;
    entered.add(node as object);
    try {
      return Type.forSchema(node, options);
    } catch (error) {
      located ??= locate(node as SchemaJsonNode, pointer, errorMessage(error));
      throw error;
    } finally {
      entered.delete(node as object);
    }
  };
  try {
    return { ok: true, type: Type.forSchema(schema, { ...catalogParseOptions(), typeHook }) };
  } catch (error) {
    return { ok: false, problem: located ?? { pointer: '', message: invalidAvro(errorMessage(error)) } };
  }
}

function invalidAvro(message: string): string {
  return `invalid Avro schema: ${message}`;
}

function locate(node: SchemaJsonNode, pointer: string, message: string): FileProblem {
  for (const [pattern, target] of MESSAGE_TARGETS) {
    const match = pattern.exec(message);
    const tokens = match === null ? undefined : target(node, match);
    if (tokens !== undefined) {
      return { pointer: tokens.reduce(childPointer, pointer), message: invalidAvro(message) };
    }
  }
  return { pointer, message: invalidAvro(message) };
}

/**
 * The child of `node` that holds the unresolved name. avsc stops at the first unresolved reference, so the
 * first child whose name matches (plain, or qualified by the enclosing namespace in the message) is it.
 */
function referenceLocation(node: SchemaJsonNode, fullName: string): PointerTokens | undefined {
  const refersTo = (value: unknown) =>
    value === fullName || (typeof value === 'string' && fullName.endsWith(`.${value}`));
  if (Array.isArray(node)) {
    const index = node.findIndex(refersTo);
    return index < 0 ? undefined : [index];
  }
  return objectReferenceLocation(node, refersTo);
}

function objectReferenceLocation(
  node: JsonObject,
  refersTo: (value: unknown) => boolean,
): PointerTokens | undefined {
  const field = recordFields(node).find(([candidate]) => refersTo(candidate.type));
  if (field !== undefined) return ['fields', field[1], 'type'];
  if (node.type === 'array' && refersTo(node.items)) return ['items'];
  if (node.type === 'map' && refersTo(node.values)) return ['values'];
  return undefined;
}
