/**
 * Request bodies arrive as raw bytes and are decoded here with the checks a strict API needs:
 * invalid UTF-8 is refused (Fastify's default would silently replace it), prototype-poisoning
 * keys (`__proto__`, `constructor.prototype`) are refused, nesting is bounded, a member name repeated in
 * one object is refused (JSON.parse would keep the last silently), numbers JSON cannot hold exactly
 * keep their text for the answer, and every content type reaches the controller so an unsupported
 * one gets a 415 problem instead of Fastify's own body.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { visit } from 'jsonc-parser';
import secureJson from 'secure-json-parse';
import { GatewayError } from '../domain/gateway-errors';

const REPLACED_PARSERS = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON text of each number in a body that JSON.parse could not read exactly (beyond ±2^53, or
 * beyond any double: `1e400` reads as Infinity), by JSON pointer, so that an answer can say what was
 * sent rather than what it became.
 */
export type NumberTexts = ReadonlyMap<string, string>;

const NO_NUMBER_TEXTS: NumberTexts = new Map();

/** A parsed body and the texts of its numbers that JSON could not hold exactly. */
export interface ParsedJson {
  readonly value: unknown;
  readonly numberTexts: NumberTexts;
}

/** A body as received: bytes, decoded on demand by the controller for its content type. */
export class RawBody {
  constructor(readonly bytes: Buffer) {}

  json(): ParsedJson {
    let text: string;
    try {
      text = UTF8.decode(this.bytes);
    } catch {
      throw GatewayError.malformed('the request body is not valid UTF-8');
    }
    if (text.trim() === '') throw GatewayError.malformed('the request body is empty; expected JSON');
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      throw GatewayError.malformed(`the request body is not valid JSON: ${(error as Error).message}`);
    }
    const shape = measure(value, MAX_NESTING);
    if (shape.tooDeep) {
      const tooDeep = firstPathBeyond(value, MAX_NESTING);
      throw GatewayError.malformed(`the request body nests deeper than ${MAX_NESTING} levels`, [
        { path: tooDeep, message: `nested deeper than ${MAX_NESTING} levels` },
      ]);
    }
    // Cheap exact test: without repeated names, every colon of the text is a member's or inside a
    // string JSON.parse kept. A repeat drops a member, so fewer colons are accounted for; an escaped
    // colon (\u003a) in a string counts in the value only, so then the names are checked one by one.
    if (colons(text) !== shape.accountedColons || text.includes('\\u003')) {
      const repeated = repeatedMemberError(text);
      if (repeated !== undefined) throw repeated;
    }
    return { value, numberTexts: shape.inexactNumbers ? inexactNumberTexts(text) : NO_NUMBER_TEXTS };
  }
}

/**
 * Far deeper than any envelope plus Avro data needs. The schema mapping and error messages
 * walk values recursively, so an unbounded depth (10k nested arrays fit in 20 KB) would
 * exhaust the stack and turn bad input into a 500.
 */
const MAX_NESTING = 64;

interface Shape {
  readonly tooDeep: boolean;
  /** Colons of the text the parsed value accounts for: one per member, and those inside its strings. */
  readonly accountedColons: number;
  /** A number JSON.parse could not hold exactly (an integer beyond ±2^53, or an overflow). */
  readonly inexactNumbers: boolean;
}

const inexact = (n: number): boolean =>
  !Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n));

function colons(text: string): number {
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) count++;
  return count;
}

/**
 * One pass over the parsed value, without recursion and building no pointers: whether it nests
 * deeper than `max`, the colons it accounts for, and whether a number lost its value.
 */
function measure(root: unknown, max: number): Shape {
  const values: object[] = [];
  const depths: number[] = [];
  let accountedColons = 0;
  let inexactNumbers = false;
  const see = (child: unknown, depth: number): void => {
    if (typeof child === 'object') {
      if (child !== null) {
        values.push(child);
        depths.push(depth);
      }
    } else if (typeof child === 'string') {
      if (child.length > 0) accountedColons += colons(child);
    } else if (typeof child === 'number' && !inexactNumbers) {
      inexactNumbers = inexact(child);
    }
  };
  see(root, 0);
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    if (depth >= max) return { tooDeep: true, accountedColons, inexactNumbers };
    if (Array.isArray(value)) {
      for (const child of value) see(child, depth + 1);
    } else {
      // JSON.parse's objects are plain: for...in walks exactly their own members.
      for (const key in value) {
        accountedColons += 1 + (key.length > 0 ? colons(key) : 0);
        see((value as Record<string, unknown>)[key], depth + 1);
      }
    }
  }
  return { tooDeep: false, accountedColons, inexactNumbers };
}

const escapeToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON.parse keeps the last of repeated member names and drops the others silently, so
 * `"amount_minor":100,"amount_minor":999999` would publish 999999 whatever a reviewer of the
 * request read first. The first repeated name, with its pointer, or undefined when there is none.
 */
function repeatedMemberError(text: string): GatewayError | undefined {
  const seen: Array<Set<string> | undefined> = [];
  let found: { path: string; name: string } | undefined;
  visit(text, {
    onObjectBegin: () => {
      seen.push(new Set());
    },
    onObjectEnd: () => {
      seen.pop();
    },
    onArrayBegin: () => {
      seen.push(undefined);
    },
    onArrayEnd: () => {
      seen.pop();
    },
    onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
      const names = seen[seen.length - 1];
      if (found !== undefined || names === undefined) return;
      if (names.has(name)) {
        found = {
          name,
          path: [...pathSupplier(), name].map((part) => `/${escapeToken(String(part))}`).join(''),
        };
      }
      names.add(name);
    },
  });
  if (found === undefined) return undefined;
  return GatewayError.malformed(`the member name "${found.name}" appears twice in one object`, [
    { path: found.path, message: `"${found.name}" appears more than once; send each member once` },
  ]);
}

/**
 * The JSON text of each number JSON.parse could not hold exactly, by pointer. Rare (such a body
 * is usually refused), so a second parse that reads each number's source text is affordable.
 */
function inexactNumberTexts(text: string): NumberTexts {
  const sources = new WeakMap<object, Map<string, string>>();
  const root = JSON.parse(
    text,
    function (this: object, key: string, value: unknown, context?: { source?: string }) {
      if (typeof value === 'number' && inexact(value) && context?.source !== undefined) {
        let holder = sources.get(this);
        if (holder === undefined) sources.set(this, (holder = new Map<string, string>()));
        holder.set(key, context.source);
      }
      return value;
    },
  ) as unknown;
  const texts = new Map<string, string>();
  if (typeof root === 'number') texts.set('/', text.trim());
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node.value !== 'object' || node.value === null) continue;
    const holder = sources.get(node.value);
    for (const [key, child] of Object.entries(node.value)) {
      const path = `${node.path}/${escapeToken(key)}`;
      const source = holder?.get(key);
      if (source !== undefined) texts.set(path, source);
      stack.push({ value: child, path });
    }
  }
  return texts;
}

function firstPathBeyond(root: unknown, max: number): string {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node.value !== 'object' || node.value === null) continue;
    if (node.depth >= max) return node.path || '/';
    for (const [key, child] of Object.entries(node.value)) {
      stack.push({ value: child, path: `${node.path}/${escapeToken(key)}`, depth: node.depth + 1 });
    }
  }
  return '/';
}

export function installGatewayBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  for (const type of REPLACED_PARSERS) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, new RawBody(body as Buffer));
  });
}

@Injectable()
export class GatewayBodyParsers implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly bodyLimit: number,
  ) {}

  onModuleInit(): void {
    installGatewayBodyParsers(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.bodyLimit);
  }
}
