import * as avro from 'avsc';
import * as fc from 'fast-check';
import { checkReaderWriter, type AvroSchemaJson } from '.';
import { renderRoot, rootRecordArb, type RecordSpec } from './spec-support/schema-arbitraries';
import { mutate, mutationArb } from './spec-support/schema-mutations';

/*
 * The checker against an independent implementation: avsc's resolver, and real data. All
 * generated types share one namespace, because avsc matches names by full name where the
 * specification and Java compare unqualified names (the table test lists those disagreements).
 */
const SAMPLES_PER_PAIR = 5;

type Resolver = ReturnType<avro.Type['createResolver']>;

interface Outcome {
  readonly checkerCompatible: boolean;
  readonly avscResolves: boolean;
  /** Writer samples the reader failed to decode (or decoded into an invalid value). */
  readonly unreadableSamples: readonly string[];
}

function parses(schema: AvroSchemaJson): boolean {
  try {
    avro.Type.forSchema(schema as avro.Schema);
    return true;
  } catch {
    return false;
  }
}

function resolverOf(readerType: avro.Type, writerType: avro.Type): Resolver | undefined {
  try {
    return readerType.createResolver(writerType);
  } catch {
    return undefined;
  }
}

function decodeSamples(readerType: avro.Type, writerType: avro.Type, resolver: Resolver): string[] {
  const unreadable: string[] = [];
  for (let i = 0; i < SAMPLES_PER_PAIR; i++) {
    const value: unknown = writerType.random();
    try {
      const read: unknown = readerType.fromBuffer(writerType.toBuffer(value), resolver);
      if (!readerType.isValid(read)) unreadable.push(`decoded to an invalid value: ${String(read)}`);
    } catch (err) {
      unreadable.push(err instanceof Error ? err.message : String(err));
    }
  }
  return unreadable;
}

/** What the checker says, what avsc says, and whether "compatible" data really decodes. */
function outcomeOf(reader: AvroSchemaJson, writer: AvroSchemaJson): Outcome {
  const checkerCompatible = checkReaderWriter(reader, writer).length === 0;
  const readerType = avro.Type.forSchema(reader as avro.Schema);
  const writerType = avro.Type.forSchema(writer as avro.Schema);
  const resolver = resolverOf(readerType, writerType);
  const unreadableSamples =
    checkerCompatible && resolver ? decodeSamples(readerType, writerType, resolver) : [];
  return { checkerCompatible, avscResolves: resolver !== undefined, unreadableSamples };
}

/**
 * Rendered schema pairs, the rare invalid mutant filtered out at generation (a filter draws
 * again, so every run checks a real pair instead of being skipped).
 */
function renderedPairs(
  specs: fc.Arbitrary<[RecordSpec, RecordSpec]>,
): fc.Arbitrary<[AvroSchemaJson, AvroSchemaJson]> {
  return specs
    .map(([a, b]): [AvroSchemaJson, AvroSchemaJson] => [renderRoot(a), renderRoot(b)])
    .filter(([first, second]) => parses(first) && parses(second));
}

/** Both directions of a pair of schemas. */
function outcomesBothWays([first, second]: [AvroSchemaJson, AvroSchemaJson]): Outcome[] {
  return [outcomeOf(first, second), outcomeOf(second, first)];
}

function expectAgreement(outcomes: readonly Outcome[]): void {
  for (const outcome of outcomes) {
    // Both implications: avsc refusing means incompatible, and compatible means avsc resolves.
    expect(outcome.avscResolves).toBe(outcome.checkerCompatible);
    expect(outcome.unreadableSamples).toEqual([]);
  }
}

describe('checkReaderWriter: properties against avsc', () => {
  it('agrees with avsc on a schema and one evolution step, and compatible data decodes', () => {
    const pairs = renderedPairs(
      fc
        .tuple(rootRecordArb, mutationArb)
        .map(([base, mutation]): [RecordSpec, RecordSpec] => [base, mutate(base, [mutation])]),
    );
    const checked = fc.property(pairs, (pair) => {
      expectAgreement(outcomesBothWays(pair));
    });
    expect(() => fc.assert(checked, { numRuns: 200 })).not.toThrow();
  });

  it('agrees with avsc on a schema and several evolution steps, and compatible data decodes', () => {
    const pairs = renderedPairs(
      fc
        .tuple(rootRecordArb, fc.array(mutationArb, { minLength: 2, maxLength: 4 }))
        .map(([base, mutations]): [RecordSpec, RecordSpec] => [base, mutate(base, mutations)]),
    );
    const checked = fc.property(pairs, (pair) => {
      expectAgreement(outcomesBothWays(pair));
    });
    expect(() => fc.assert(checked, { numRuns: 200 })).not.toThrow();
  });

  it('agrees with avsc on unrelated random records', () => {
    const checked = fc.property(renderedPairs(fc.tuple(rootRecordArb, rootRecordArb)), (pair) => {
      expectAgreement(outcomesBothWays(pair));
    });
    expect(() => fc.assert(checked, { numRuns: 100 })).not.toThrow();
  });

  it('finds every schema compatible with itself', () => {
    const schemas = rootRecordArb.map((spec) => renderRoot(spec)).filter(parses);
    const checked = fc.property(schemas, (schema) => {
      expect(checkReaderWriter(schema, schema)).toEqual([]);
    });
    expect(() => fc.assert(checked, { numRuns: 100 })).not.toThrow();
  });
});
