/**
 * Compares two parsed JSON documents by value, as the registry and every reader see them: key order
 * and whitespace do not matter, everything else does. The first difference comes back as a JSON
 * pointer into the newer document, so a "published version edited" finding lands on the edited line.
 */
import { childPointer, isJsonObject, type JsonObject } from '@app/schema';

/** The pointer of the first difference in `newer`, or undefined when both hold the same value. */
export function firstDifference(older: unknown, newer: unknown, pointer = ''): string | undefined {
  if (Array.isArray(older) && Array.isArray(newer)) return arrayDifference(older, newer, pointer);
  if (isJsonObject(older) && isJsonObject(newer)) return objectDifference(older, newer, pointer);
  return Object.is(older, newer) ? undefined : pointer;
}

function arrayDifference(older: unknown[], newer: unknown[], pointer: string): string | undefined {
  const shared = Math.min(older.length, newer.length);
  for (let index = 0; index < shared; index++) {
    const difference = firstDifference(older[index], newer[index], childPointer(pointer, index));
    if (difference !== undefined) return difference;
  }
  if (newer.length > shared) return childPointer(pointer, shared);
  return older.length > shared ? pointer : undefined;
}

function objectDifference(older: JsonObject, newer: JsonObject, pointer: string): string | undefined {
  for (const [key, value] of Object.entries(newer)) {
    if (!Object.hasOwn(older, key)) return childPointer(pointer, key);
    const difference = firstDifference(older[key], value, childPointer(pointer, key));
    if (difference !== undefined) return difference;
  }
  // A removed key has no place in the newer document: point at the object that lost it.
  return Object.keys(older).some((key) => !Object.hasOwn(newer, key)) ? pointer : undefined;
}
