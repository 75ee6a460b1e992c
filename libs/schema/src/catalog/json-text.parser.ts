// Strict JSON parsing for `.avsc` files. `JSON.parse` alone is not enough: on Node 20 its messages often
// carry no position, and it silently keeps the last of two equal keys, so a schema with two `default`s
// would load with whichever came last. A small grammar scanner runs first to report the line and column
// of a syntax error and every duplicated key; `JSON.parse` then builds the value.
import type { FileProblem } from './catalog.types';
import { childPointer } from '../model/json-value';

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; problems: FileProblem[] };

export function parseJsonText(text: string): JsonTextResult {
  const scanner = new JsonGrammarScanner(text);
  try {
    scanner.scanDocument();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    return {
      ok: false,
      problems: [
        { pointer: '', message: `invalid JSON at line ${line}, column ${column}: ${error.message}` },
      ],
    };
  }
  if (scanner.duplicateKeys.length > 0) return { ok: false, problems: scanner.duplicateKeys };
  return { ok: true, value: JSON.parse(text) };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Far beyond any real schema, and well inside the call stack the recursive scan needs. */
const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
/** A string without escapes: any code unit but control characters, `"` and `\`. */
const PLAIN_STRING = /"[\u0020\u0021\u0023-\u005b\u005d-\uffff]*"/y;
const WHITESPACE = /[ \t\n\r]*/y;
const LITERALS = ['true', 'false', 'null'] as const;

/** Checks RFC 8259 grammar without building values; remembers duplicated object keys by pointer. */
class JsonGrammarScanner {
  readonly duplicateKeys: FileProblem[] = [];
  private pos = 0;
  private readonly path: Array<string | number> = [];

  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.skipWhitespace();
    this.scanValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected content after the end of the document');
  }

  private scanValue(): void {
    const c = this.text[this.pos];
    if (c === '{') return this.scanObject();
    if (c === '[') return this.scanArray();
    if (c === '"') {
      this.scanString();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.scanNumber();
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.pos));
    if (literal === undefined) this.fail(`expected a value, found ${this.describeHere()}`);
    this.pos += literal.length;
  }

  private scanObject(): void {
    this.pos++;
    this.skipWhitespace();
    if (this.closes('}')) return;
    const keys = new Set<string>();
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"')
        this.fail(`expected a property name in double quotes, found ${this.describeHere()}`);
      const key = this.scanString();
      if (keys.has(key))
        this.duplicateKeys.push({ pointer: this.pointerTo(key), message: `duplicate key "${key}"` });
      keys.add(key);
      this.skipWhitespace();
      this.expect(':', 'after a property name');
      this.skipWhitespace();
      this.scanNested(key);
      if (!this.continueList('}', 'after a property value')) return;
    }
  }

  private scanArray(): void {
    this.pos++;
    this.skipWhitespace();
    if (this.closes(']')) return;
    for (let index = 0; ; index++) {
      this.skipWhitespace();
      this.scanNested(index);
      if (!this.continueList(']', 'after an array element')) return;
    }
  }

  /** Scans a member or element, tracking its path; pointers are built only for the rare duplicate. */
  private scanNested(token: string | number): void {
    if (this.path.length >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.path.push(token);
    this.scanValue();
    this.path.pop();
  }

  private pointerTo(key: string): string {
    return [...this.path, key].reduce<string>(childPointer, '');
  }

  /** At an empty container's end: consumes the closing bracket. */
  private closes(close: '}' | ']'): boolean {
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an element: consumes `,` (true: another element follows) or the closing bracket (false). */
  private continueList(close: '}' | ']', context: string): boolean {
    this.skipWhitespace();
    if (this.text[this.pos] === ',') {
      this.pos++;
      return true;
    }
    this.expect(close, context, `',' or '${close}'`);
    return false;
  }

  private scanString(): string {
    // Fast path: most strings in a schema have no escapes, so one sticky match consumes them.
    PLAIN_STRING.lastIndex = this.pos;
    if (PLAIN_STRING.test(this.text)) {
      const start = this.pos;
      this.pos = PLAIN_STRING.lastIndex;
      return this.text.slice(start + 1, this.pos - 1);
    }
    return this.scanEscapedString();
  }

  private scanEscapedString(): string {
    const start = this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') break;
      if (c === '\\') {
        ESCAPE.lastIndex = this.pos;
        if (!ESCAPE.test(this.text)) this.fail('invalid escape sequence in string');
        this.pos = ESCAPE.lastIndex;
      } else if (c < ' ') {
        this.fail('unescaped control character in string');
      } else {
        this.pos++;
      }
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private scanNumber(): void {
    NUMBER.lastIndex = this.pos;
    if (!NUMBER.test(this.text)) this.fail('invalid number');
    this.pos = NUMBER.lastIndex;
  }

  private expect(char: string, context: string, expected = `'${char}'`): void {
    if (this.text[this.pos] !== char)
      this.fail(`expected ${expected} ${context}, found ${this.describeHere()}`);
    this.pos++;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  /** The character at the scan position, invisible ones (control characters, a BOM) by code point. */
  private describeHere(): string {
    const code = this.text.charCodeAt(this.pos);
    if (Number.isNaN(code)) return 'the end of the file';
    if (code < 0x20 || code === 0xfeff) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return JSON.stringify(this.text[this.pos]);
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(this.pos, message);
  }
}

/** 1-based line and column (in UTF-16 code units, as editors count for the BMP) of an offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
