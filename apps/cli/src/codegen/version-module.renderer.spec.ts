// The Avro → TypeScript mapping, construct by construct, in both shapes: output (what the JSON
// mapping writes) and input (what it accepts). docs/json-avro-mapping.md is the reference.
import { parseAvroSchema, type AvroSchemaJson, type RecordNode } from '@app/schema';

import { assignTypeNames, namedTypesOf, typeBaseName, versionModulePath } from './type-names';
import { docComment, renderVersionModule, TypeExpressionWriter, type Shape } from './version-module.renderer';

/** The TypeScript type of a field whose Avro type is `type`, in `shape`. */
function fieldType(type: AvroSchemaJson, shape: Shape, extra: Record<string, unknown> = {}): string {
  const root = parseAvroSchema({
    type: 'record',
    name: 'R',
    namespace: 'x',
    fields: [{ name: 'f', type, ...extra }],
  });
  const writer = new TypeExpressionWriter(assignTypeNames(namedTypesOf(root), root, 'R'));
  return writer.expression((root as RecordNode).fields[0]!.node, shape);
}

describe('the type of each Avro construct in the JSON mapping', () => {
  it.each<[string, AvroSchemaJson, string, string]>([
    ['null', 'null', 'null', 'null'],
    ['boolean', 'boolean', 'boolean', 'boolean'],
    ['int', 'int', 'number', 'number'],
    ['long (number within 2^53, string beyond)', 'long', 'AvroJson.Long', 'AvroJson.Long'],
    ['float (NaN and infinities as strings)', 'float', 'AvroJson.Float', 'AvroJson.Float'],
    ['double', 'double', 'AvroJson.Double', 'AvroJson.Double'],
    ['string', 'string', 'string', 'string'],
    ['bytes (base64)', 'bytes', 'AvroJson.Bytes', 'AvroJson.Bytes'],
    ['uuid', { type: 'string', logicalType: 'uuid' }, 'AvroJson.Uuid', 'AvroJson.Uuid'],
    ['date', { type: 'int', logicalType: 'date' }, 'AvroJson.CalendarDate', 'AvroJson.CalendarDate'],
    [
      'timestamp-millis',
      { type: 'long', logicalType: 'timestamp-millis' },
      'AvroJson.Timestamp',
      'AvroJson.TimestampInput',
    ],
    [
      'timestamp-micros',
      { type: 'long', logicalType: 'timestamp-micros' },
      'AvroJson.Timestamp',
      'AvroJson.TimestampInput',
    ],
    [
      'decimal on bytes',
      { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 },
      'AvroJson.Decimal',
      'AvroJson.DecimalInput',
    ],
    [
      'decimal on fixed',
      { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 9, scale: 2 },
      'AvroJson.Decimal',
      'AvroJson.DecimalInput',
    ],
    [
      'other logical types as their underlying type',
      { type: 'int', logicalType: 'time-millis' },
      'number',
      'number',
    ],
    [
      'local timestamps as long',
      { type: 'long', logicalType: 'local-timestamp-millis' },
      'AvroJson.Long',
      'AvroJson.Long',
    ],
    ['array (readonly on input)', { type: 'array', items: 'string' }, 'string[]', 'readonly string[]'],
    [
      'array of a union',
      { type: 'array', items: ['null', 'string'] },
      '(string | null)[]',
      'readonly (string | null)[]',
    ],
    [
      'map',
      { type: 'map', values: 'long' },
      '{ [key: string]: AvroJson.Long }',
      '{ readonly [key: string]: AvroJson.Long }',
    ],
    ['enum', { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] }, 'Color', 'Color'],
    ['fixed', { type: 'fixed', name: 'Digest', size: 4 }, 'Digest', 'Digest'],
    ['record', { type: 'record', name: 'Inner', fields: [] }, 'Inner', 'InnerInput'],
    ['a nullable type, null last', ['null', 'long'], 'AvroJson.Long | null', 'AvroJson.Long | null'],
    [
      'a plain union of distinct JSON kinds',
      ['string', 'boolean', { type: 'array', items: 'int' }],
      'string | boolean | number[]',
      'string | boolean | readonly number[]',
    ],
    [
      'a wrapped union where kinds collide',
      ['null', 'int', 'long'],
      '{ int: number } | { long: AvroJson.Long } | null',
      '{ int: number } | { long: AvroJson.Long } | null',
    ],
    [
      'a wrapped union keyed by full names',
      ['null', { type: 'record', name: 'A', fields: [] }, { type: 'map', values: 'string' }],
      '{ "x.A": A } | { map: { [key: string]: string } } | null',
      '{ "x.A": AInput } | { map: { readonly [key: string]: string } } | null',
    ],
    [
      'a logical type branch keyed by its underlying type',
      ['string', { type: 'long', logicalType: 'timestamp-millis' }],
      '{ string: string } | { long: AvroJson.Timestamp }',
      '{ string: string } | { long: AvroJson.TimestampInput }',
    ],
  ])('%s', (_, type, output, input) => {
    expect(fieldType(type, 'output')).toBe(output);
    expect(fieldType(type, 'input')).toBe(input);
  });

  it('resolves a named type referenced by name, with the namespace inherited', () => {
    const schema = {
      type: 'record',
      name: 'R',
      namespace: 'x',
      fields: [
        { name: 'a', type: { type: 'enum', name: 'E', symbols: ['A'] } },
        { name: 'b', type: ['null', 'E'] },
        { name: 'c', type: ['x.E', 'int'] },
      ],
    };
    const module = renderVersionModule(parseAvroSchema(schema), 'RV1', '');
    expect(module.text).toContain('b: E | null;');
    expect(module.text).toContain('c: E | number;');
  });
});

describe('version modules', () => {
  const schema: AvroSchemaJson = {
    type: 'record',
    name: 'Node',
    namespace: 'herald.t',
    doc: 'A list node. Ends with */ on purpose.',
    fields: [
      { name: 'value', type: 'string', doc: 'The value.' },
      { name: 'next', type: ['null', 'Node'], default: null },
      { name: 'count', type: 'int', default: 0 },
      { name: 'other', type: { type: 'record', name: 'Other', namespace: 'herald.u', fields: [] } },
      { name: 'same', type: { type: 'record', name: 'Other', namespace: 'herald.v', fields: [] } },
    ],
  };
  const module = renderVersionModule(parseAvroSchema(schema), 'NodeAddedV3', '// header\n');

  it('makes fields with a default optional in the input shape only', () => {
    expect(module.text).toMatch(/export interface NodeAddedV3 \{[^}]*\n {0}count: number;/);
    expect(module.text).toMatch(/export interface NodeAddedV3Input \{[^}]*\n {0}count\?: number;/);
    expect(module.text).toMatch(/next\?: NodeAddedV3Input \| null;/);
  });

  it('names the root after the event type and version, recursion included', () => {
    expect(module.outputName).toBe('NodeAddedV3');
    expect(module.inputName).toBe('NodeAddedV3Input');
    expect(module.text).toMatch(/next: NodeAddedV3 \| null;/);
  });

  it('keeps the Avro docs as doc comments, escaping a comment end', () => {
    expect(module.text).toContain('A list node. Ends with *\\/ on purpose.');
    expect(module.text).toContain('/** The value. */\nvalue: string;');
  });

  it('gives named types whose short names collide their full names', () => {
    expect(module.text).toContain('export interface HeraldUOther {');
    expect(module.text).toContain('export interface HeraldVOtherInput {');
  });

  it('imports the scalar aliases only when a field uses one', () => {
    expect(module.text).not.toContain('import type');
    const withLong = renderVersionModule(
      parseAvroSchema({ type: 'record', name: 'L', fields: [{ name: 'n', type: 'long' }] }),
      'L',
      '',
    );
    expect(withLong.text).toContain("import type * as AvroJson from '../avro-json';");
  });
});

describe('names', () => {
  it('derive file and type names from the event type', () => {
    expect(typeBaseName('payments.payment.received')).toBe('PaymentReceived');
    expect(typeBaseName('iam.api-key.rotated_out')).toBe('ApiKeyRotatedOut');
    expect(versionModulePath('payments.payment.received', 2)).toBe('payments/payment-received.v2.ts');
    expect(versionModulePath('iam.api-key.rotated_out', 1)).toBe('iam/api-key-rotated-out.v1.ts');
  });

  it('write single-paragraph docs on one line and longer ones as blocks', () => {
    expect(docComment(['One line.'])).toBe('/** One line. */\n');
    expect(docComment(['First.', 'Second.'])).toBe('/**\n * First.\n *\n * Second.\n */\n');
    expect(docComment([undefined])).toBe('');
  });
});
