/**
 * Where each JSON pointer of a `.avsc` file starts in its text, so a finding about `/fields/3/doc`
 * lands on the line an author edits: @app/schema's JSON source scan indexes a member at its key (the
 * line reads `"doc": ...`) and an array element at its first character. Malformed text is indexed as
 * far as it can be read.
 */
import { LineTable, childPointer, pointerTokens, scanJsonSource } from '@app/schema';

import type { Position } from './finding.types';

export class JsonPositionIndex {
  private constructor(
    private readonly offsets: ReadonlyMap<string, number>,
    private readonly lines: LineTable,
  ) {}

  static of(text: string): JsonPositionIndex {
    return new JsonPositionIndex(scanJsonSource(text, { positions: true }).offsets, new LineTable(text));
  }

  /** The pointer's position, or its nearest indexed ancestor's; line 1 column 1 as the last resort. */
  positionOf(pointer: string): Position {
    for (const candidate of pointerAncestry(pointer)) {
      const offset = this.offsets.get(candidate);
      if (offset !== undefined) return this.lines.positionAt(offset);
    }
    return { line: 1, column: 1 };
  }
}

/** The pointer itself, then each ancestor up to the whole document: a lookup falls back to the nearest. */
function pointerAncestry(pointer: string): string[] {
  const tokens = pointerTokens(pointer);
  const chain: string[] = [];
  for (let length = tokens.length; length >= 0; length--) {
    chain.push(tokens.slice(0, length).reduce<string>(childPointer, ''));
  }
  return chain;
}
