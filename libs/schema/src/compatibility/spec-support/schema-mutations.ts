/**
 * Schema evolution steps for property tests: the edits authors make between versions (add or
 * drop a field, with or without default, change a type to a promotable or unrelated one, add or
 * drop enum symbols and union branches, rename with or without alias, resize a fixed). A
 * mutation picks its target among the candidates by index, so fast-check can shrink it.
 */
import * as fc from 'fast-check';
import {
  nameTypes,
  PRIMITIVES,
  replacementArb,
  type FieldSpec,
  type Primitive,
  type RecordSpec,
  type Spec,
} from './schema-arbitraries';

export const MUTATION_KINDS = [
  'add-field',
  'remove-field',
  'toggle-field-default',
  'rename-field',
  'replace-type',
  'change-primitive',
  'add-symbol',
  'remove-symbol',
  'toggle-enum-default',
  'resize-fixed',
  'add-branch',
  'remove-branch',
  'wrap-in-union',
  'unwrap-union',
  'rename-type',
] as const;

export interface Mutation {
  readonly kind: (typeof MUTATION_KINDS)[number];
  /** Which candidate target to edit (modulo the number of candidates). */
  readonly target: number;
  /** A free choice: a flag (even/odd) or an index into the options of the edit. */
  readonly choice: number;
  readonly replacement: Spec;
}

/** The most common evolutions (type changes, added and dropped fields) come up more often. */
const FREQUENT: ReadonlySet<Mutation['kind']> = new Set(['change-primitive', 'add-field', 'remove-field']);

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.oneof(
    ...MUTATION_KINDS.map((kind) => ({ weight: FREQUENT.has(kind) ? 3 : 1, arbitrary: fc.constant(kind) })),
  ),
  target: fc.nat(),
  choice: fc.nat(),
  replacement: replacementArb,
});

/** A place holding a type, which a mutation may replace. */
interface Slot {
  readonly get: () => Spec;
  readonly set: (spec: Spec) => void;
  readonly inUnion: boolean;
}

interface Targets {
  readonly slots: Slot[];
  readonly records: RecordSpec[];
  readonly fields: FieldSpec[];
  readonly types: Spec[];
}

function targetsOf(root: RecordSpec): Targets {
  const targets: Targets = { slots: [], records: [], fields: [], types: [] };
  const visit = (spec: Spec): void => {
    targets.types.push(spec);
    if (spec.t === 'record') {
      targets.records.push(spec);
      for (const field of spec.fields) {
        targets.fields.push(field);
        targets.slots.push({ get: () => field.type, set: (s) => (field.type = s), inUnion: false });
        visit(field.type);
      }
    } else if (spec.t === 'array') {
      targets.slots.push({ get: () => spec.items, set: (s) => (spec.items = s), inUnion: false });
      visit(spec.items);
    } else if (spec.t === 'map') {
      targets.slots.push({ get: () => spec.values, set: (s) => (spec.values = s), inUnion: false });
      visit(spec.values);
    } else if (spec.t === 'union') {
      spec.branches.forEach((branch, i) => {
        targets.slots.push({
          get: () => spec.branches[i] as Spec,
          set: (s) => (spec.branches[i] = s),
          inUnion: true,
        });
        visit(branch);
      });
    }
  };
  visit(root);
  return targets;
}

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items[index % Math.max(items.length, 1)];

/** Applies the mutations to a copy of `base`; new named types are named M0, M1, ... */
export function mutate(base: RecordSpec, mutations: readonly Mutation[]): RecordSpec {
  const root = structuredClone(base);
  const counter = { next: 0 };
  for (const m of mutations) {
    const fresh = (): Spec => nameTypes(m.replacement, 'M', counter);
    EDITS[m.kind](targetsOf(root), m, { fresh, counter });
  }
  return root;
}

interface EditContext {
  /** The mutation's replacement type, with fresh names. */
  readonly fresh: () => Spec;
  readonly counter: { next: number };
}

type Edit = (targets: Targets, m: Mutation, context: EditContext) => void;

const flag = (m: Mutation): boolean => m.choice % 2 === 0;
const typesOf = <K extends Spec['t']>(targets: Targets, kind: K) =>
  targets.types.filter((t): t is Extract<Spec, { t: K }> => t.t === kind);
const unionSlots = (targets: Targets) => targets.slots.filter((s) => s.get().t === 'union');

const EDITS: Readonly<Record<Mutation['kind'], Edit>> = {
  'add-field': ({ records }, m, { fresh, counter }) =>
    addField(pick(records, m.target), fresh(), flag(m), counter),
  'remove-field': ({ records }, m) => {
    const record = pick(
      records.filter((r) => r.fields.length > 0),
      m.target,
    );
    record?.fields.splice(m.choice % record.fields.length, 1);
  },
  'toggle-field-default': ({ fields }, m) => {
    const field = pick(fields, m.target);
    if (field) field.hasDefault = !field.hasDefault;
  },
  'rename-field': ({ fields }, m) => {
    const field = pick(fields, m.target);
    if (field) [field.name, field.aliases] = [`${field.name}_r`, flag(m) ? [field.name] : []];
  },
  'replace-type': ({ slots }, m, { fresh }) => replaceType(pick(slots, m.target), fresh()),
  'change-primitive': ({ slots }, m) => changePrimitive(slots, m),
  'add-symbol': (targets, m) => editEnum(pick(typesOf(targets, 'enum'), m.target), m),
  'remove-symbol': (targets, m) => editEnum(pick(typesOf(targets, 'enum'), m.target), m),
  'toggle-enum-default': (targets, m) => editEnum(pick(typesOf(targets, 'enum'), m.target), m),
  'resize-fixed': (targets, m) => {
    const fixed = pick(typesOf(targets, 'fixed'), m.target);
    if (fixed) fixed.size = fixed.size + 1 + (m.choice % 2);
  },
  'add-branch': (targets, m, { fresh }) => editUnion(pick(unionSlots(targets), m.target), m, fresh),
  'remove-branch': (targets, m, { fresh }) => editUnion(pick(unionSlots(targets), m.target), m, fresh),
  'unwrap-union': (targets, m, { fresh }) => editUnion(pick(unionSlots(targets), m.target), m, fresh),
  'wrap-in-union': ({ slots }, m, { fresh }) =>
    editUnion(
      pick(
        slots.filter((s) => !s.inUnion && s.get().t !== 'union'),
        m.target,
      ),
      m,
      fresh,
    ),
  'rename-type': (targets, m) => {
    const named = [...typesOf(targets, 'record'), ...typesOf(targets, 'enum'), ...typesOf(targets, 'fixed')];
    const type = pick(named, m.target);
    if (type) [type.name, type.aliases] = [`${type.name}_r`, flag(m) ? [type.name] : []];
  },
};

function addField(
  record: RecordSpec | undefined,
  type: Spec,
  hasDefault: boolean,
  counter: { next: number },
): void {
  record?.fields.push({ name: `added${counter.next++}`, aliases: [], hasDefault, type });
}

function replaceType(slot: Slot | undefined, replacement: Spec): void {
  if (!slot) return;
  // Unions cannot nest directly: inside a union, take the replacement's first branch instead.
  slot.set(slot.inUnion && replacement.t === 'union' ? (replacement.branches[0] as Spec) : replacement);
}

/** Types one promotion step away in either direction, so both a promotion and its reverse occur. */
const NEIGHBOURS: Readonly<Record<Primitive, readonly Primitive[]>> = {
  null: ['boolean'],
  boolean: ['null'],
  int: ['long', 'float', 'double'],
  long: ['int', 'float', 'double'],
  float: ['int', 'long', 'double'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

/** Moves one primitive to a neighbour (a promotion or its reverse) or, one time in three, any primitive. */
function changePrimitive(slots: readonly Slot[], m: Mutation): void {
  const slot = pick(
    slots.filter((s) => s.get().t === 'primitive'),
    m.target,
  );
  const current = slot?.get();
  if (!slot || current?.t !== 'primitive') return;
  const options: readonly Primitive[] = m.choice % 3 === 0 ? PRIMITIVES : NEIGHBOURS[current.type];
  const type = pick(options, Math.floor(m.choice / 3));
  if (type) slot.set({ t: 'primitive', type });
}

function editEnum(spec: Extract<Spec, { t: 'enum' }> | undefined, m: Mutation): void {
  if (!spec) return;
  if (m.kind === 'add-symbol') {
    spec.symbols.push(`S${spec.symbols.length}_${m.choice % 3}`);
  } else if (m.kind === 'remove-symbol' && spec.symbols.length > 1) {
    spec.symbols.splice(m.choice % spec.symbols.length, 1);
    if (spec.default !== undefined && !spec.symbols.includes(spec.default)) spec.default = spec.symbols[0];
  } else if (m.kind === 'toggle-enum-default') {
    spec.default = spec.default === undefined ? pick(spec.symbols, m.choice) : undefined;
  }
}

function editUnion(slot: Slot | undefined, m: Mutation, fresh: () => Spec): void {
  if (!slot) return;
  const spec = slot.get();
  if (m.kind === 'add-branch' && spec.t === 'union') {
    const branch = fresh();
    spec.branches.push(branch.t === 'union' ? (branch.branches[0] as Spec) : branch);
  } else if (m.kind === 'remove-branch' && spec.t === 'union' && spec.branches.length > 1) {
    spec.branches.splice(m.choice % spec.branches.length, 1);
  } else if (m.kind === 'wrap-in-union' && spec.t !== 'union' && !slot.inUnion) {
    slot.set({
      t: 'union',
      branches: m.choice % 2 === 0 ? [{ t: 'primitive', type: 'null' }, spec] : [spec],
    });
  } else if (m.kind === 'unwrap-union' && spec.t === 'union') {
    slot.set(pick(spec.branches, m.choice) ?? spec);
  }
}
