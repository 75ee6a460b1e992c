/**
 * JSON text with positions, for `.avsc` files: where each JSON pointer starts (a member at its key, an
 * array element at its first character), the first syntax error with its line and column, and every
 * duplicated key (`JSON.parse` silently keeps the last of two equal keys, so a schema with two
 * `default`s would load with whichever came last). jsonc-parser's strict-JSON scan (no comments, no
 * trailing commas) does the parsing; the messages say what was expected where, in the grammar's terms
 * (`expected ',' or '}' after a property value, found "\""`). `JSON.parse` still builds the value.
 */
import { ParseErrorCode, visit, type JSONVisitor } from 'jsonc-parser';

import { childPointer } from './json-value';

export interface JsonSyntaxError {
  /** UTF-16 offset into the text. */
  readonly offset: number;
  readonly message: string;
}

export interface JsonDuplicateKey {
  readonly pointer: string;
  readonly key: string;
}

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units, as editors and GitHub annotations count for the BMP. */
  readonly column: number;
}

/** Offsets to 1-based line and column. */
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

export interface JsonSourceScan {
  /** The first syntax error, in text order; undefined when the text is one well-formed JSON value. */
  readonly syntaxError: JsonSyntaxError | undefined;
  /** Keys repeated within one object, in text order (complete only when there is no syntax error). */
  readonly duplicateKeys: readonly JsonDuplicateKey[];
  /** Where each pointer starts, as far as the text could be read (empty unless positions were asked for). */
  readonly offsets: ReadonlyMap<string, number>;
}

/** Far beyond any real schema, and well inside the call stack the recursive parse needs. */
export const MAX_JSON_DEPTH = 1000;

/** Scans JSON text; `positions` also indexes the offset of every member and element. */
export function scanJsonSource(text: string, options: { positions?: boolean } = {}): JsonSourceScan {
  const scanner = new SourceVisitor(text, options.positions === true);
  try {
    visit(text, scanner, { disallowComments: true, allowTrailingComma: false });
  } catch (error) {
    // Nesting deep enough to exhaust the stack was already reported by the depth check.
    if (!(error instanceof RangeError) || scanner.syntaxError === undefined) throw error;
  }
  return scanner;
}

type State = 'key' | 'colon' | 'value' | 'after';

interface Frame {
  readonly kind: 'document' | 'object' | 'array';
  /** Its key or index in the enclosing container. */
  readonly token: string | number;
  /** Its JSON pointer, kept only when positions are indexed (else built for the rare duplicate). */
  readonly pointer: string;
  state: State;
  index: number;
  readonly keys: Set<string> | undefined;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class SourceVisitor implements JSONVisitor, JsonSourceScan {
  syntaxError: JsonSyntaxError | undefined;
  readonly duplicateKeys: JsonDuplicateKey[] = [];
  readonly offsets = new Map<string, number>();
  private readonly stack: Frame[] = [
    { kind: 'document', token: '', pointer: '', state: 'value', index: 0, keys: undefined },
  ];
  /** The container whose end was just visited: jsonc reports a missing `}` or `]` after leaving it. */
  private closed: Frame | undefined;
  private key = '';
  private member = '';

  constructor(
    private readonly text: string,
    private readonly positions: boolean,
  ) {}

  private get frame(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  onObjectBegin = (offset: number): void => {
    const [token, pointer] = this.valueStarts(offset);
    this.stack.push({ kind: 'object', token, pointer, state: 'key', index: 0, keys: new Set() });
  };

  onObjectProperty = (key: string, offset: number): void => {
    const frame = this.frame;
    frame.state = 'colon';
    this.key = key;
    if (this.positions) {
      this.member = childPointer(frame.pointer, key);
      this.offsets.set(this.member, offset);
    }
    if (frame.keys?.has(key)) this.duplicateKeys.push({ pointer: this.pointerTo(key), key });
    frame.keys?.add(key);
  };

  onObjectEnd = (): void => this.leave();

  onArrayBegin = (offset: number): void => {
    const [token, pointer] = this.valueStarts(offset);
    this.stack.push({ kind: 'array', token, pointer, state: 'value', index: 0, keys: undefined });
  };

  onArrayEnd = (): void => this.leave();

  onLiteralValue = (_value: unknown, offset: number): void => {
    this.closed = undefined;
    if (this.positions || this.stack.length > MAX_JSON_DEPTH) this.valueStarts(offset);
    this.frame.state = 'after';
  };

  onSeparator = (character: string): void => {
    const frame = this.frame;
    if (character === ':') frame.state = 'value';
    else if (frame.kind === 'object') frame.state = 'key';
    else {
      frame.state = 'value';
      frame.index++;
    }
  };

  onError = (error: ParseErrorCode, offset: number): void => {
    if (this.syntaxError !== undefined) return;
    const frame = this.frame;
    // An element that is not JSON is still located where it starts.
    if (this.positions && frame.kind === 'array' && frame.state === 'value')
      this.offsets.set(childPointer(frame.pointer, frame.index), offset);
    this.syntaxError = this.describe(error, offset);
  };

  /**
   * A value begins at `offset`: checks the depth and indexes an array element; returns the value's
   * token in its container and (when positions are indexed) its pointer.
   */
  private valueStarts(offset: number): [string | number, string] {
    const frame = this.frame;
    this.closed = undefined;
    if (this.stack.length > MAX_JSON_DEPTH + 1 && this.syntaxError === undefined)
      this.syntaxError = { offset, message: `nesting deeper than ${MAX_JSON_DEPTH} levels` };
    if (frame.kind === 'object') return [this.key, this.member]; // a member is located at its key
    const token = frame.kind === 'array' ? frame.index : '';
    if (!this.positions) return [token, ''];
    const pointer = frame.kind === 'array' ? childPointer(frame.pointer, frame.index) : '';
    this.offsets.set(pointer, offset);
    return [token, pointer];
  }

  /** The pointer of member `key` of the current object, from the tokens of the open containers (the root has none). */
  private pointerTo(key: string): string {
    let pointer = '';
    for (let i = 2; i < this.stack.length; i++) pointer = childPointer(pointer, this.stack[i]!.token);
    return childPointer(pointer, key);
  }

  private leave(): void {
    this.closed = this.stack.pop();
    this.frame.state = 'after';
  }

  private describe(error: ParseErrorCode, offset: number): JsonSyntaxError {
    const closing =
      error === ParseErrorCode.CloseBraceExpected || error === ParseErrorCode.CloseBracketExpected;
    const frame = closing ? (this.closed ?? this.frame) : this.frame;
    const open = closing && this.closed !== undefined ? this.stack.length + 1 : this.stack.length;
    // Whatever stands where a value should, the value would nest too deep.
    if (frame.kind !== 'document' && frame.state === 'value' && open > MAX_JSON_DEPTH + 1)
      return { offset, message: `nesting deeper than ${MAX_JSON_DEPTH} levels` };
    switch (error) {
      case ParseErrorCode.UnexpectedEndOfString:
      case ParseErrorCode.InvalidCharacter:
      case ParseErrorCode.InvalidEscapeCharacter:
      case ParseErrorCode.InvalidUnicode:
        // A string where none may stand is out of place whatever it holds.
        return this.frame.state === 'key' || this.frame.state === 'value'
          ? stringError(this.text, offset)
          : this.expected(this.frame, offset);
      case ParseErrorCode.UnexpectedEndOfNumber:
      case ParseErrorCode.InvalidNumberFormat:
        return this.numberError(offset);
      case ParseErrorCode.CloseBraceExpected:
      case ParseErrorCode.CloseBracketExpected:
        return this.expected(this.closed ?? this.frame, offset);
      default:
        return this.symbolError(offset);
    }
  }

  /**
   * jsonc-parser reads a run of letters as one unknown word (`nulle`); the grammar reads a literal and
   * then finds the next character out of place, and a lone `-` as a number that is not one.
   */
  private symbolError(offset: number): JsonSyntaxError {
    const frame = this.frame;
    if (frame.state === 'value') {
      if (this.text[offset] === '-') return this.numberError(offset);
      const literal = LITERALS.find((word) => this.text.startsWith(word, offset));
      if (literal !== undefined) return this.expected({ ...frame, state: 'after' }, offset + literal.length);
    }
    return this.expected(frame, offset);
  }

  /** A number is read as far as the grammar allows; what follows is then out of place. */
  private numberError(offset: number): JsonSyntaxError {
    const frame = this.frame;
    if (frame.state !== 'value') return this.expected(frame, offset);
    NUMBER.lastIndex = offset;
    if (!NUMBER.test(this.text)) return { offset, message: 'invalid number' };
    return this.expected({ ...frame, state: 'after' }, NUMBER.lastIndex);
  }

  private expected(frame: Frame, offset: number): JsonSyntaxError {
    const found = describeAt(this.text, offset);
    const message = (() => {
      switch (frame.state) {
        case 'key':
          return `expected a property name in double quotes, found ${found}`;
        case 'colon':
          return `expected ':' after a property name, found ${found}`;
        case 'value':
          return `expected a value, found ${found}`;
        case 'after':
          if (frame.kind === 'document') return 'unexpected content after the end of the document';
          return frame.kind === 'object'
            ? `expected ',' or '}' after a property value, found ${found}`
            : `expected ',' or ']' after an array element, found ${found}`;
      }
    })();
    return { offset, message };
  }
}

/** The first fault of the string token starting at `start`, at the character that causes it. */
function stringError(text: string, start: number): JsonSyntaxError {
  for (let pos = start + 1; ;) {
    const c = text[pos];
    if (c === undefined) return { offset: pos, message: 'unterminated string' };
    if (c === '\\') {
      ESCAPE.lastIndex = pos;
      if (!ESCAPE.test(text)) return { offset: pos, message: 'invalid escape sequence in string' };
      pos = ESCAPE.lastIndex;
    } else if (c < ' ') {
      return { offset: pos, message: 'unescaped control character in string' };
    } else if (c === '"') {
      // jsonc-parser reported the string, yet it is well-formed: nothing better to say than that.
      return { offset: start, message: 'invalid string' };
    } else {
      pos++;
    }
  }
}

/** The character at `offset`, invisible ones (control characters, a BOM) by code point. */
function describeAt(text: string, offset: number): string {
  const code = text.charCodeAt(offset);
  if (Number.isNaN(code)) return 'the end of the file';
  if (code < 0x20 || code === 0xfeff) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(text[offset]);
}
