// Strict JSON parsing for `.avsc` files: the model's JSON source scan reports the line and column of a
// syntax error and every duplicated key (which `JSON.parse` would silently resolve to the last one);
// `JSON.parse` then builds the value.
import { LineTable, scanJsonSource } from '../model/json-source';
import type { FileProblem } from './catalog.types';

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; problems: FileProblem[] };

export function parseJsonText(text: string): JsonTextResult {
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
