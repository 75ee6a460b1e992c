// Strict JSON parsing for `.avsc` files: the model's JSON source scan reports the line and column of a
// syntax error and every duplicated key (which `JSON.parse` would silently resolve to the last one).
// A valid file without duplicates, the usual case, skips that scan: `JSON.parse` accepts it, and as many
// members came out as the text has member colons, so no key was collapsed.
import { LineTable, MAX_JSON_DEPTH, scanJsonSource } from '../model/json-source';
import type { FileProblem } from './catalog.types';

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; problems: FileProblem[] };

export function parseJsonText(text: string): JsonTextResult {
  const value = parsedWithoutDuplicates(text);
  if (value !== NEEDS_SCAN) return { ok: true, value };
  const scan = scanJsonSource(text);
  if (scan.syntaxError !== undefined) {
    const { line, column } = new LineTable(text).positionAt(scan.syntaxError.offset);
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          message: `invalid JSON at line ${line}, column ${column}: ${scan.syntaxError.message}`,
        },
      ],
    };
  }
  if (scan.duplicateKeys.length > 0) {
    return {
      ok: false,
      problems: scan.duplicateKeys.map(({ pointer, key }) => ({
        pointer,
        message: `duplicate key "${key}"`,
      })),
    };
  }
  return { ok: true, value: JSON.parse(text) };
}

const NEEDS_SCAN = Symbol('needs the JSON source scan');

/** A string token, or a colon outside strings: in valid JSON, each such colon is one object member. */
const STRING_OR_COLON = /"(?:[^"\\]|\\.)*"|:/g;

function parsedWithoutDuplicates(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NEEDS_SCAN;
  }
  let colons = 0;
  for (const match of text.matchAll(STRING_OR_COLON)) if (match[0] === ':') colons++;
  const members = countMembers(value, 0);
  return members === colons ? value : NEEDS_SCAN;
}

/** Object members in `value`; -1 when it nests deeper than the scan allows (the scan then reports it). */
function countMembers(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth >= MAX_JSON_DEPTH) return -1;
  const children = Array.isArray(value) ? value : Object.values(value);
  let count = Array.isArray(value) ? 0 : children.length;
  for (const child of children) {
    const nested = countMembers(child, depth + 1);
    if (nested < 0) return -1;
    count += nested;
  }
  return count;
}
