/**
 * JSON → avsc value, validating as it goes and collecting every problem with a JSON pointer
 * (`/amount: expected a long, got "12.5"`) instead of stopping at the first.
 */
import type { AvroNode, RecordNode, UnionBranch } from '../model/avro-model';
import { childPointer as pointer, isJsonObject } from '../model/json-value';
import { decimalToBytes, parseBase64, parseDate, parseDecimal, parseTimestamp } from './logical-values';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER_TEXT = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** JSON numbers cannot carry these (JSON.stringify(-0) is "0"), so they travel as strings. */
const SPECIAL_FLOATS: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
  '-0': -0,
};

/** Marks "no value" distinctly from a JSON null. */
const INVALID = Symbol('invalid');
type Converted = unknown;

/** Per record schema, computed once: its field names (to spot unknown ones). */
const fieldNames = new WeakMap<RecordNode, ReadonlySet<string>>();

function namesOf(node: RecordNode): ReadonlySet<string> {
  let names = fieldNames.get(node);
  if (names === undefined) {
    names = new Set(node.fields.map((f) => f.name));
    fieldNames.set(node, names);
  }
  return names;
}

/**
 * A short rendering of a bad value for a message. Objects and arrays are named, not
 * serialised: stringifying an arbitrarily deep or large input would cost time and, past a
 * few thousand levels, overflow the stack.
 */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Per union, computed once: T when the union is exactly null and T, else null. */
const optionalBranches = new WeakMap<readonly UnionBranch[], UnionBranch | null>();

function optionalBranch(branches: readonly UnionBranch[]): UnionBranch | undefined {
  let found = optionalBranches.get(branches);
  if (found === undefined) {
    const [a, b] = branches;
    found = null;
    if (branches.length === 2 && a !== undefined && b !== undefined) {
      if (a.node.kind === 'null' && b.node.kind !== 'null') found = b;
      else if (b.node.kind === 'null' && a.node.kind !== 'null') found = a;
    }
    optionalBranches.set(branches, found);
  }
  return found ?? undefined;
}

export class JsonToAvroConverter {
  readonly issues: ValidationIssue[] = [];

  convert(node: AvroNode, json: unknown, path: string): Converted {
    switch (node.kind) {
      case 'record':
        return this.record(node, json, path);
      case 'union':
        return this.union(node.branches, json, path);
      case 'array':
        if (!Array.isArray(json)) return this.fail(path, 'expected an array', json);
        return json.map((item, i) => this.convert(node.items, item, pointer(path, i)));
      case 'map':
        return this.map(node.values, json, path);
      default:
        return this.scalar(node, json, path);
    }
  }

  private fail(path: string, expected: string, json: unknown): typeof INVALID {
    this.issues.push({ path, message: `${expected}, got ${shown(json)}` });
    return INVALID;
  }

  private reason(path: string, reason: string, json: unknown): typeof INVALID {
    this.issues.push({ path, message: `${shown(json)} ${reason}` });
    return INVALID;
  }

  private scalar(node: AvroNode, json: unknown, path: string): Converted {
    switch (node.kind) {
      case 'null':
        return json === null ? null : this.fail(path, 'expected null', json);
      case 'boolean':
        return typeof json === 'boolean' ? json : this.fail(path, 'expected a boolean', json);
      case 'int':
        return typeof json === 'number' && Number.isInteger(json) && json >= -(2 ** 31) && json < 2 ** 31
          ? json
          : this.fail(path, 'expected an int (32-bit integer)', json);
      case 'long':
        return this.long(json, path);
      case 'float':
      case 'double':
        if (typeof json === 'number') return json;
        return typeof json === 'string' && json in SPECIAL_FLOATS
          ? SPECIAL_FLOATS[json]
          : this.fail(path, `expected a ${node.kind} (number)`, json);
      case 'string':
        if (typeof json !== 'string') return this.fail(path, 'expected a string', json);
        // Avro strings are UTF-8: a lone surrogate would be written as U+FFFD, changing the text.
        return json.isWellFormed()
          ? json
          : this.reason(path, 'is not well-formed Unicode (a lone surrogate has no UTF-8 form)', json);
      case 'uuid':
        return typeof json === 'string' && UUID.test(json)
          ? json
          : this.fail(path, 'expected a UUID string', json);
      case 'enum':
        return typeof json === 'string' && node.symbols.includes(json)
          ? json
          : this.fail(path, `expected one of ${JSON.stringify(node.symbols)}`, json);
      default:
        return this.textual(node, json, path);
    }
  }

  private long(json: unknown, path: string): Converted {
    if (typeof json === 'number' && Number.isSafeInteger(json)) return BigInt(json);
    if (typeof json === 'string' && INTEGER_TEXT.test(json)) {
      const value = BigInt(json);
      if (value >= INT64_MIN && value <= INT64_MAX) return value;
    }
    return this.fail(path, 'expected a long (integer; as a string beyond 2^53)', json);
  }

  private textual(node: AvroNode, json: unknown, path: string): Converted {
    switch (node.kind) {
      case 'bytes':
      case 'fixed': {
        const parsed = typeof json === 'string' ? parseBase64(json) : ({ ok: false, reason: '' } as const);
        if (!parsed.ok) return this.fail(path, 'expected base64 text', json);
        if (node.kind === 'fixed' && parsed.value.length !== node.size) {
          return this.reason(
            path,
            `decodes to ${parsed.value.length} bytes; ${node.fullName} is ${node.size} bytes`,
            json,
          );
        }
        return parsed.value;
      }
      case 'decimal': {
        if (typeof json !== 'string' && typeof json !== 'number')
          return this.fail(path, 'expected a decimal string', json);
        const parsed = parseDecimal(json, node.precision, node.scale);
        if (!parsed.ok) return this.reason(path, parsed.reason, json);
        return (
          decimalToBytes(parsed.value, node.fixedSize) ??
          this.reason(path, 'does not fit the fixed size', json)
        );
      }
      case 'timestamp': {
        const parsed = parseTimestamp(json, node.unit);
        return parsed.ok ? parsed.value : this.reason(path, parsed.reason, json);
      }
      case 'date': {
        const parsed = parseDate(json);
        return parsed.ok ? parsed.value : this.reason(path, parsed.reason, json);
      }
      default:
        throw new Error(`unmapped Avro node ${node.kind}`);
    }
  }

  private map(values: AvroNode, json: unknown, path: string): Converted {
    if (!isJsonObject(json)) return this.fail(path, 'expected an object (map)', json);
    // Entries in key order: the same map then always encodes to the same Avro bytes, whatever
    // order the JSON listed its keys in (the gateway fingerprints events by their encoding).
    const entries = Object.entries(json)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => {
        // avsc decodes maps by assignment, so a "__proto__" key would vanish on the way back out:
        // refuse it here rather than lose it silently later.
        if (key === '__proto__')
          this.issues.push({ path: pointer(path, key), message: 'map key "__proto__" is not supported' });
        if (!key.isWellFormed())
          this.issues.push({ path: pointer(path, key), message: 'map key is not well-formed Unicode' });
        return [key, this.convert(values, value, pointer(path, key))];
      });
    return Object.fromEntries(entries);
  }

  private record(node: RecordNode, json: unknown, path: string): Converted {
    if (!isJsonObject(json)) return this.fail(path, `expected an object (${node.fullName})`, json);
    const known = namesOf(node);
    for (const key of Object.keys(json)) {
      if (!known.has(key))
        this.issues.push({ path: pointer(path, key), message: `unknown field "${key}" in ${node.fullName}` });
    }
    const value: Record<string, unknown> = {};
    for (const field of node.fields) {
      const fieldPath = pointer(path, field.name);
      if (json[field.name] === undefined) {
        // avsc writes a field's default when the value leaves it undefined.
        if (!field.hasDefault)
          this.issues.push({ path: fieldPath, message: `required field "${field.name}" is missing` });
        continue;
      }
      value[field.name] = this.convert(field.node, json[field.name], fieldPath);
    }
    return value;
  }

  private union(branches: readonly UnionBranch[], json: unknown, path: string): Converted {
    const explicit = this.explicitBranch(branches, json);
    if (explicit !== undefined) {
      const [branch, inner] = explicit;
      const value = this.convert(branch.node, inner, pointer(path, branch.key));
      return branch.node.kind === 'null' ? null : { [branch.key]: value };
    }
    // An optional T (["null", T] or [T, "null"]): null is the null branch, anything else is T's
    // or T's error, which is what the general rule below decides, without converting the value
    // twice (once to probe each branch, once for real).
    const optional = optionalBranch(branches);
    if (optional !== undefined) {
      if (json === null) return null;
      return { [optional.key]: this.convert(optional.node, json, path) };
    }
    const accepting = branches.filter((b) => this.accepts(b.node, json));
    const [only] = accepting;
    if (accepting.length === 1 && only !== undefined) {
      const value = this.convert(only.node, json, path);
      return only.node.kind === 'null' ? null : { [only.key]: value };
    }
    if (accepting.length > 1) {
      const keys = accepting.map((b) => `{"${b.key}": ...}`).join(' or ');
      this.issues.push({
        path,
        message: `${shown(json)} fits several branches of the union; wrap it as ${keys}`,
      });
      return INVALID;
    }
    const nonNull = branches.filter((b) => b.node.kind !== 'null');
    const [single] = nonNull;
    // ["null", T] is an optional T: the useful message is T's own ("expected a long, got ...").
    if (nonNull.length === 1 && single !== undefined) return this.convert(single.node, json, path);
    return this.fail(
      path,
      `expected one of the union's branches (${branches.map((b) => b.key).join(' | ')})`,
      json,
    );
  }

  private explicitBranch(
    branches: readonly UnionBranch[],
    json: unknown,
  ): [UnionBranch, unknown] | undefined {
    if (!isJsonObject(json)) return undefined;
    const keys = Object.keys(json);
    const [key] = keys;
    if (keys.length !== 1 || key === undefined) return undefined;
    const branch = branches.find((b) => b.key === key || b.alias === key);
    return branch === undefined ? undefined : [branch, json[key]];
  }

  private accepts(node: AvroNode, json: unknown): boolean {
    const probe = new JsonToAvroConverter();
    probe.convert(node, json, '');
    return probe.issues.length === 0;
  }
}
