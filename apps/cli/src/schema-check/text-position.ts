/**
 * Offsets to 1-based line and column, and the pointer fallback both position indexes share.
 * Columns count UTF-16 code units, as editors and GitHub annotations do for the BMP.
 */
import { childPointer, pointerTokens } from '@app/schema';

import type { Position } from './finding.types';

export class LineTable {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  positionAt(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }
}

/** The pointer itself, then each ancestor up to the whole document: a lookup falls back to the nearest. */
export function pointerAncestry(pointer: string): string[] {
  const tokens = pointerTokens(pointer);
  const chain: string[] = [];
  for (let length = tokens.length; length >= 0; length--) {
    chain.push(tokens.slice(0, length).reduce<string>(childPointer, ''));
  }
  return chain;
}
