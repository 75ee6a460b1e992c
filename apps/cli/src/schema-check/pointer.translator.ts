/**
 * Carries a JSON pointer from one version of a schema to the same spot in another. The checker
 * reports forward incompatibilities in the older schema (the reader), but the finding belongs on
 * the new version an author is editing. Fields are matched by name and aliases, since Avro resolves
 * them that way and their index moves between versions; the walk stops at the first spot the other
 * version lacks and returns the deepest match.
 */
import { isJsonObject } from './avro-json.walker';
import { childPointer, pointerTokens } from './text-position';

export function translatePointer(from: unknown, to: unknown, pointer: string): string {
  const tokens = pointerTokens(pointer);
  let [a, b] = [from, to];
  let translated = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1];
    if (token === 'fields' && next !== undefined && isJsonObject(a) && isJsonObject(b)) {
      const field = matchField(a.fields, b.fields, Number(next));
      // A field the other version lacks was removed or added there: its record's field list is the spot.
      if (field === undefined) {
        if (Array.isArray(b.fields)) translated = childPointer(translated, 'fields');
        break;
      }
      translated = childPointer(childPointer(translated, 'fields'), field.index);
      [a, b] = [field.from, field.to];
      i++;
      continue;
    }
    const [childA, childB] = [child(a, token), child(b, token)];
    if (childA === undefined || childB === undefined) break;
    translated = childPointer(translated, token);
    [a, b] = [childA, childB];
  }
  return translated;
}

function matchField(
  fromFields: unknown,
  toFields: unknown,
  index: number,
): { from: unknown; to: unknown; index: number } | undefined {
  if (!Array.isArray(fromFields) || !Array.isArray(toFields)) return undefined;
  const from: unknown = fromFields[index];
  const names = fieldNames(from);
  const target = toFields.findIndex((field) => fieldNames(field).some((name) => names.includes(name)));
  return target === -1 ? undefined : { from, to: toFields[target], index: target };
}

function fieldNames(field: unknown): string[] {
  if (!isJsonObject(field)) return [];
  const aliases: unknown[] = Array.isArray(field.aliases) ? field.aliases : [];
  return [field.name, ...aliases].filter((name): name is string => typeof name === 'string');
}

function child(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
  return isJsonObject(node) ? node[token] : undefined;
}
