/**
 * Where each JSON pointer of a `.avsc` file starts in its text, so a finding about `/fields/3/doc`
 * lands on the line an author edits. `JSON.parse` keeps no positions, hence this small scanner; it
 * runs only on text that already parsed, and on anything unexpected it keeps what it had indexed.
 * A member is located at its key (the line reads `"doc": ...`), an array element at its first
 * character.
 */
import type { Position } from './finding.types';
import { childPointer } from '@app/schema';

import { LineTable, pointerAncestry } from './text-position';

export class JsonPositionIndex {
  private constructor(
    private readonly offsets: ReadonlyMap<string, number>,
    private readonly lines: LineTable,
  ) {}

  static of(text: string): JsonPositionIndex {
    const scanner = new JsonOffsetScanner(text);
    scanner.scanDocument();
    return new JsonPositionIndex(scanner.offsets, new LineTable(text));
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

class MalformedJson extends Error {}

const WHITESPACE = /[ \t\n\r]*/y;
const SCALAR = /[^\s,\]}]+/y;

class JsonOffsetScanner {
  readonly offsets = new Map<string, number>();
  private pos = 0;

  constructor(private readonly text: string) {}

  scanDocument(): void {
    try {
      this.skipWhitespace();
      this.offsets.set('', this.pos);
      this.scanValue('');
    } catch (error) {
      if (!(error instanceof MalformedJson)) throw error;
    }
  }

  private scanValue(pointer: string): void {
    const c = this.text[this.pos];
    if (c === '{') this.scanObject(pointer);
    else if (c === '[') this.scanArray(pointer);
    else if (c === '"') this.scanString();
    else this.scanScalar();
  }

  private scanObject(pointer: string): void {
    this.pos++;
    this.skipWhitespace();
    if (this.consume('}')) return;
    do {
      this.skipWhitespace();
      const keyOffset = this.pos;
      const child = childPointer(pointer, this.scanString());
      this.offsets.set(child, keyOffset);
      this.skipWhitespace();
      this.require(':');
      this.skipWhitespace();
      this.scanValue(child);
      this.skipWhitespace();
    } while (this.consume(','));
    this.require('}');
  }

  private scanArray(pointer: string): void {
    this.pos++;
    this.skipWhitespace();
    if (this.consume(']')) return;
    let index = 0;
    do {
      this.skipWhitespace();
      const child = childPointer(pointer, index++);
      this.offsets.set(child, this.pos);
      this.scanValue(child);
      this.skipWhitespace();
    } while (this.consume(','));
    this.require(']');
  }

  /** Returns the decoded string; the text already parsed, so only the closing quote needs finding. */
  private scanString(): string {
    const start = this.pos;
    this.require('"');
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    this.require('"');
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private scanScalar(): void {
    SCALAR.lastIndex = this.pos;
    if (!SCALAR.test(this.text)) throw new MalformedJson();
    this.pos = SCALAR.lastIndex;
  }

  private consume(char: string): boolean {
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  private require(char: string): void {
    if (!this.consume(char)) throw new MalformedJson();
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(this.text);
    this.pos = WHITESPACE.lastIndex;
  }
}
