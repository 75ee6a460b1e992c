/**
 * Whether a declared metric can be read through its pinned reader version: the numeric field
 * exists and is int, long, float or double (or one of those or null), and each group field
 * exists and is a string, enum, int, long or boolean (or one of those or null). The same check
 * runs at the analytics app's boot (the registry's version) and in `herald schemas check` (the
 * catalog's version file).
 */
import type { AvroSchemaJson } from '@app/schema';
import type { MetricDefinition } from './metric-definition';

const NUMERIC = new Set(['int', 'long', 'float', 'double']);
const GROUPABLE = new Set(['string', 'enum', 'int', 'long', 'boolean']);

interface FieldSchema {
  readonly name: string;
  readonly type: AvroSchemaJson;
}

/** Problems of `metric` against the reader schema, each with the key of the metric it is about. */
export function checkMetricAgainstSchema(
  metric: MetricDefinition,
  schema: AvroSchemaJson,
): Array<{ key: 'field' | 'groupBy'; message: string }> {
  const named = namedTypes(schema);
  const fields = new Map(fieldsOf(schema).map((f) => [f.name, f.type] as const));
  const at = `version ${metric.version} of ${metric.type}`;
  const problems: Array<{ key: 'field' | 'groupBy'; message: string }> = [];
  if (metric.field !== undefined) {
    const type = fields.get(metric.field);
    if (type === undefined)
      problems.push({ key: 'field', message: `field "${metric.field}" does not exist in ${at}` });
    else if (!NUMERIC.has(kindOf(type, named) ?? ''))
      problems.push({
        key: 'field',
        message: `field "${metric.field}" of ${at} is ${describe(type)}, not numeric (int, long, float or double)`,
      });
  }
  for (const group of metric.groupBy) {
    const type = fields.get(group);
    if (type === undefined)
      problems.push({ key: 'groupBy', message: `group field "${group}" does not exist in ${at}` });
    else if (!GROUPABLE.has(kindOf(type, named) ?? ''))
      problems.push({
        key: 'groupBy',
        message: `group field "${group}" of ${at} is ${describe(type)}; a group field must be a string, enum, int, long or boolean`,
      });
  }
  return problems;
}

function fieldsOf(schema: AvroSchemaJson): FieldSchema[] {
  if (typeof schema !== 'object' || Array.isArray(schema) || schema === null) return [];
  const fields = (schema as { fields?: unknown }).fields;
  return Array.isArray(fields) ? (fields as FieldSchema[]) : [];
}

/** The primitive or complex kind of a field type; a nullable union counts as its other branch. */
function kindOf(type: AvroSchemaJson, named: ReadonlyMap<string, AvroSchemaJson>): string | undefined {
  if (Array.isArray(type)) {
    const branches = (type as AvroSchemaJson[]).filter((b) => b !== 'null');
    return branches.length === 1 && branches.length < type.length ? kindOf(branches[0]!, named) : 'union';
  }
  if (typeof type === 'string') {
    const found = named.get(type);
    return found === undefined ? type : kindOf(found, named);
  }
  const inner = (type as { type?: unknown }).type;
  return typeof inner === 'string' || Array.isArray(inner)
    ? kindOf(inner as AvroSchemaJson, named)
    : undefined;
}

function describe(type: AvroSchemaJson): string {
  return `of type ${JSON.stringify(type).slice(0, 80)}`;
}

/** Every named type (record, enum, fixed) of the schema, by short and full name. */
function namedTypes(schema: AvroSchemaJson): Map<string, AvroSchemaJson> {
  const found = new Map<string, AvroSchemaJson>();
  const walk = (node: unknown, namespace: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, namespace));
    if (typeof node !== 'object' || node === null) return;
    const { name, type } = node as { name?: unknown; type?: unknown };
    let ns = namespace;
    if (typeof name === 'string' && (type === 'record' || type === 'enum' || type === 'fixed')) {
      ns =
        (node as { namespace?: string }).namespace ??
        (name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns);
      const short = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
      found.set(short, node as AvroSchemaJson);
      found.set(ns === undefined || ns === '' ? short : `${ns}.${short}`, node as AvroSchemaJson);
    }
    const { fields, items, values } = node as { fields?: unknown; items?: unknown; values?: unknown };
    if (Array.isArray(fields)) fields.forEach((f) => walk((f as { type?: unknown }).type, ns));
    if (typeof type === 'object') walk(type, ns);
    walk(items, ns);
    walk(values, ns);
  };
  walk(schema, undefined);
  return found;
}
