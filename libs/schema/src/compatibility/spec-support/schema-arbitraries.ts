/**
 * Random Avro schemas for property tests, as a small spec tree that mutations can edit and
 * that renders to schema JSON. Every named type is defined once, named T0, T1, ... in order,
 * and lives in one namespace, so avsc's strict full-name matching agrees with the unqualified
 * matching of the specification. Field defaults are derived from the field type at render time,
 * so any edit of a type keeps its default valid.
 */
import * as fc from 'fast-check';
import type { AvroSchemaJson } from '..';

export const NAMESPACE = 'herald.prop';
export const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type Primitive = (typeof PRIMITIVES)[number];

export type Spec =
  | { t: 'primitive'; type: Primitive; logicalType?: string }
  | { t: 'enum'; name: string; aliases: string[]; symbols: string[]; default?: string }
  | { t: 'fixed'; name: string; aliases: string[]; size: number }
  | { t: 'array'; items: Spec }
  | { t: 'map'; values: Spec }
  | { t: 'union'; branches: Spec[] }
  | RecordSpec;

export interface RecordSpec {
  t: 'record';
  name: string;
  aliases: string[];
  fields: FieldSpec[];
}

export interface FieldSpec {
  name: string;
  aliases: string[];
  hasDefault: boolean;
  type: Spec;
}

/** What makes union branches distinct for avsc: the primitive (logical types count as their base). */
export function branchKey(spec: Spec): unknown {
  if (spec.t === 'primitive') return spec.type;
  return spec.t === 'array' || spec.t === 'map' ? spec.t : spec;
}

const SYMBOLS = ['A', 'B', 'C', 'D', 'E'];

const primitiveArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.constantFrom(...PRIMITIVES).map((type): Spec => ({ t: 'primitive', type })),
  fc.constantFrom<Spec>(
    { t: 'primitive', type: 'long', logicalType: 'timestamp-millis' },
    { t: 'primitive', type: 'int', logicalType: 'date' },
    { t: 'primitive', type: 'string', logicalType: 'uuid' },
  ),
);

const enumArb: fc.Arbitrary<Spec> = fc
  .uniqueArray(fc.constantFrom(...SYMBOLS), { minLength: 1, maxLength: 4 })
  .chain((symbols) =>
    fc
      .option(fc.constantFrom(...symbols), { nil: undefined, freq: 2 })
      .map((fallback): Spec =>
        fallback === undefined
          ? { t: 'enum', name: '', aliases: [], symbols }
          : { t: 'enum', name: '', aliases: [], symbols, default: fallback },
      ),
  );

const fixedArb: fc.Arbitrary<Spec> = fc
  .integer({ min: 1, max: 4 })
  .map((size): Spec => ({ t: 'fixed', name: '', aliases: [], size }));

const leafArb = fc.oneof({ weight: 3, arbitrary: primitiveArb }, { weight: 2, arbitrary: enumArb }, fixedArb);

const { spec: anySpecArb, record: recordArb } = fc.letrec<{
  spec: Spec;
  nonUnion: Spec;
  record: Spec;
  union: Spec;
}>((tie) => ({
  spec: fc.oneof({ maxDepth: 3, depthIdentifier: 'spec' }, tie('nonUnion'), tie('union')),
  nonUnion: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'spec' },
    { weight: 3, arbitrary: leafArb },
    tie('spec').map((items): Spec => ({ t: 'array', items })),
    tie('spec').map((values): Spec => ({ t: 'map', values })),
    tie('record'),
  ),
  record: fc.array(fc.tuple(tie('spec'), fc.boolean()), { maxLength: 4 }).map((fields): Spec => ({
    t: 'record',
    name: '',
    aliases: [],
    fields: fields.map(([type, hasDefault], i) => ({ name: `f${i}`, aliases: [], hasDefault, type })),
  })),
  union: fc
    .uniqueArray(tie('nonUnion'), { minLength: 1, maxLength: 3, selector: branchKey })
    .map((branches): Spec => ({ t: 'union', branches })),
}));

/** Names every named type of a copy of `spec` with `prefix` and a running number. */
export function nameTypes<T extends Spec>(spec: T, prefix: string, counter = { next: 0 }): T {
  const copy = structuredClone(spec);
  const visit = (node: Spec): void => {
    if (node.t === 'enum' || node.t === 'fixed' || node.t === 'record')
      node.name = `${prefix}${counter.next++}`;
    if (node.t === 'record') node.fields.forEach((field) => visit(field.type));
    if (node.t === 'array') visit(node.items);
    if (node.t === 'map') visit(node.values);
    if (node.t === 'union') node.branches.forEach(visit);
  };
  visit(copy);
  return copy;
}

/** A top-level record named `Root`, its nested named types named T0, T1, ... */
export const rootRecordArb: fc.Arbitrary<RecordSpec> = recordArb.map((spec) => {
  const root = nameTypes(spec as RecordSpec, 'T');
  return { ...root, name: 'Root' };
});

/** Any spec, for replacing a type during mutation (named later, by the mutation). */
export const replacementArb: fc.Arbitrary<Spec> = anySpecArb;

export function render(spec: Spec): AvroSchemaJson {
  switch (spec.t) {
    case 'primitive':
      return spec.logicalType ? { type: spec.type, logicalType: spec.logicalType } : spec.type;
    case 'enum': {
      const fallback = spec.default === undefined ? {} : { default: spec.default };
      return { type: 'enum', name: spec.name, aliases: spec.aliases, symbols: spec.symbols, ...fallback };
    }
    case 'fixed':
      return { type: 'fixed', name: spec.name, aliases: spec.aliases, size: spec.size };
    case 'array':
      return { type: 'array', items: render(spec.items) };
    case 'map':
      return { type: 'map', values: render(spec.values) };
    case 'union':
      return spec.branches.map(render);
    case 'record':
      return {
        type: 'record',
        name: spec.name,
        aliases: spec.aliases,
        fields: spec.fields.map((field) => ({
          name: field.name,
          aliases: field.aliases,
          type: render(field.type),
          ...(field.hasDefault ? { default: defaultFor(field.type) } : {}),
        })),
      };
  }
}

/** Renders the root record in the shared namespace. */
export function renderRoot(spec: RecordSpec): AvroSchemaJson {
  return { ...(render(spec) as { readonly [key: string]: unknown }), namespace: NAMESPACE };
}

const PRIMITIVE_DEFAULTS: Record<Primitive, unknown> = {
  null: null,
  boolean: false,
  int: 0,
  long: 0,
  float: 0.5,
  double: 0.5,
  bytes: '',
  string: 'x',
};

function defaultFor(spec: Spec): unknown {
  switch (spec.t) {
    case 'primitive':
      return PRIMITIVE_DEFAULTS[spec.type];
    case 'enum':
      return spec.symbols[0];
    case 'fixed':
      return 'a'.repeat(spec.size);
    case 'array':
      return [];
    case 'map':
      return {};
    case 'union':
      // Avro: a union's default belongs to its first branch.
      return spec.branches[0] === undefined ? null : defaultFor(spec.branches[0]);
    case 'record':
      return Object.fromEntries(spec.fields.map((field) => [field.name, defaultFor(field.type)]));
  }
}
