/**
 * Renders one event version as a TypeScript module of the JSON mapping's types
 * (docs/json-avro-mapping.md). Two shapes per record, because the mapping reads and writes JSON
 * differently: `X` is the output (what webhooks and consumers receive: every field present,
 * decimals and timestamps as strings), `XInput` what the gateway accepts (defaulted fields may be
 * left out, decimals and timestamps may also be numbers). Enums and fixed types read the same both ways.
 */
import {
  isPlainUnion,
  type AvroNode,
  type EnumNode,
  type FixedNode,
  type NamedNode,
  type RecordNode,
  type UnionNode,
} from '@app/schema';

import { assignTypeNames, namedTypesOf, SCALARS_NAMESPACE } from './type-names';

export type Shape = 'output' | 'input';

export interface RenderedModule {
  /** Unformatted TypeScript; the caller runs Prettier over it. */
  text: string;
  /** The names of the root record's two types, e.g. `PaymentReceivedV2` and `PaymentReceivedV2Input`. */
  outputName: string;
  inputName: string;
}

/** Why these scalar aliases: each one documents a JSON representation, see avro-json.ts. */
const SCALAR_ALIASES: Record<string, { output: string; input: string }> = {
  long: { output: 'Long', input: 'Long' },
  float: { output: 'Float', input: 'Float' },
  double: { output: 'Double', input: 'Double' },
  bytes: { output: 'Bytes', input: 'Bytes' },
  uuid: { output: 'Uuid', input: 'Uuid' },
  date: { output: 'CalendarDate', input: 'CalendarDate' },
  timestamp: { output: 'Timestamp', input: 'TimestampInput' },
  decimal: { output: 'Decimal', input: 'DecimalInput' },
};

/** Turns type nodes into TypeScript type expressions, for one module's set of names. */
export class TypeExpressionWriter {
  usesScalars = false;

  constructor(private readonly names: ReadonlyMap<NamedNode, string>) {}

  expression(node: AvroNode, shape: Shape): string {
    switch (node.kind) {
      case 'null':
      case 'boolean':
      case 'string':
        return node.kind;
      case 'int':
        return 'number';
      case 'enum':
      case 'fixed':
        return this.nameOf(node);
      case 'record':
        return shape === 'input' ? `${this.nameOf(node)}Input` : this.nameOf(node);
      case 'array':
        return `${shape === 'input' ? 'readonly ' : ''}${grouped(this.expression(node.items, shape))}[]`;
      case 'map':
        return `{ ${shape === 'input' ? 'readonly ' : ''}[key: string]: ${this.expression(node.values, shape)} }`;
      case 'union':
        return this.union(node, shape);
      default:
        return this.scalar(SCALAR_ALIASES[node.kind]?.[shape] ?? 'unknown');
    }
  }

  /**
   * A plain union is the union of its branches. A wrapped one is `{ "<key>": value }` per branch
   * (null stays null); its input is typed the same way, because the gateway accepts a plain value
   * there only when exactly one branch fits it, which a type cannot express.
   */
  private union(node: UnionNode, shape: Shape): string {
    const plain = isPlainUnion(node.branches);
    const branches = node.branches.map((branch) => {
      const value = this.expression(branch.node, shape);
      return plain || branch.node.kind === 'null' ? value : `{ ${propertyKey(branch.key)}: ${value} }`;
    });
    // `T | null` reads as "a T, or nothing": null goes last whatever the branch order.
    const ordered = [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')];
    return [...new Set(ordered)].join(' | ');
  }

  private scalar(alias: string): string {
    this.usesScalars = true;
    return `${SCALARS_NAMESPACE}.${alias}`;
  }

  private nameOf(node: NamedNode): string {
    const name = this.names.get(node);
    if (name === undefined) throw new Error(`no name assigned to ${node.fullName}`);
    return name;
  }
}

/** A full name such as `herald.payments.Money` needs quotes as a property name; `long` does not. */
function propertyKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/** Parenthesised whenever it may hold a union; Prettier drops the parentheses that are not needed. */
function grouped(expression: string): string {
  return expression.includes('|') ? `(${expression})` : expression;
}

/** A JSDoc block; `*\/` inside a doc string would end the comment early, so it is escaped. */
export function docComment(lines: readonly (string | undefined)[]): string {
  const text = lines
    .filter((line): line is string => line !== undefined && line !== '')
    .map((line) => line.replace(/\*\//g, '*\\/'));
  const [only] = text;
  if (only === undefined) return '';
  if (text.length === 1 && !only.includes('\n')) return `/** ${only} */\n`;
  const body = text
    .join('\n\n')
    .split('\n')
    .map((line) => ` *${line === '' ? '' : ` ${line}`}`);
  return `/**\n${body.join('\n')}\n */\n`;
}

function declaration(node: NamedNode, name: string, writer: TypeExpressionWriter): string {
  switch (node.kind) {
    case 'record':
      return recordDeclarations(node, name, writer);
    case 'enum':
      return enumDeclaration(node, name);
    case 'fixed':
      return fixedDeclaration(node, name, writer);
  }
}

function recordDeclarations(node: RecordNode, name: string, writer: TypeExpressionWriter): string {
  const fields = (shape: Shape): string =>
    node.fields
      .map((field) => {
        const optional = shape === 'input' && field.hasDefault ? '?' : '';
        return `${docComment([field.doc])}${field.name}${optional}: ${writer.expression(field.node, shape)};`;
      })
      .join('\n');
  const output = docComment([
    node.doc,
    `Avro record \`${node.fullName}\`, as webhooks and consumers receive it.`,
  ]);
  const input = docComment([
    `{@link ${name}} as the gateway accepts it: fields with a default may be left out.`,
  ]);
  return `${output}export interface ${name} {\n${fields('output')}\n}\n\n${input}export interface ${name}Input {\n${fields('input')}\n}\n`;
}

function enumDeclaration(node: EnumNode, name: string): string {
  const symbols = node.symbols.map((symbol) => JSON.stringify(symbol)).join(' | ');
  return `${docComment([node.doc, `Avro enum \`${node.fullName}\`.`])}export type ${name} = ${symbols};\n`;
}

function fixedDeclaration(node: FixedNode, name: string, writer: TypeExpressionWriter): string {
  const doc = docComment([node.doc, `Avro fixed \`${node.fullName}\`: ${node.size} bytes as base64 text.`]);
  return `${doc}export type ${name} = ${writer.expression({ kind: 'bytes' }, 'output')};\n`;
}

/** Renders the module of one event version whose schema's model is `root` (a record). */
export function renderVersionModule(root: AvroNode, rootName: string, header: string): RenderedModule {
  const named = namedTypesOf(root);
  const names = assignTypeNames(named, root, rootName);
  const writer = new TypeExpressionWriter(names);
  const declarations = named.map((node) => declaration(node, names.get(node) ?? rootName, writer));
  const imports = writer.usesScalars ? `import type * as ${SCALARS_NAMESPACE} from '../avro-json';\n\n` : '';
  return {
    text: `${header}\n${imports}${declarations.join('\n')}`,
    outputName: rootName,
    inputName: `${rootName}Input`,
  };
}
