/**
 * Request bodies arrive as raw bytes and are decoded here with the checks a strict API needs:
 * invalid UTF-8 is refused (Fastify's default would silently replace it), prototype-poisoning
 * keys (`__proto__`, `constructor.prototype`) are refused, nesting is bounded, and every content type reaches the
 * controller so an unsupported one gets a 415 problem instead of Fastify's own body.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { GatewayError } from '../domain/gateway-errors';

const REPLACED_PARSERS = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A body as received: bytes, decoded on demand by the controller for its content type. */
export class RawBody {
  constructor(readonly bytes: Buffer) {}

  json(): unknown {
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
    const tooDeep = pathBeyondDepth(value, MAX_NESTING);
    if (tooDeep !== undefined) {
      throw GatewayError.malformed(`the request body nests deeper than ${MAX_NESTING} levels`, [
        { path: tooDeep, message: `nested deeper than ${MAX_NESTING} levels` },
      ]);
    }
    return value;
  }
}

/**
 * Far deeper than any envelope plus Avro data needs. The schema mapping and error messages
 * walk values recursively, so an unbounded depth (10k nested arrays fit in 20 KB) would
 * exhaust the stack and turn bad input into a 500.
 */
const MAX_NESTING = 64;

/**
 * The JSON pointer of the first value nested deeper than `max`, found without recursion. The
 * common case (not too deep) is settled by a pass that builds no pointers.
 */
function pathBeyondDepth(root: unknown, max: number): string | undefined {
  return nestsDeeperThan(root, max) ? firstPathBeyond(root, max) : undefined;
}

function nestsDeeperThan(root: unknown, max: number): boolean {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

function firstPathBeyond(root: unknown, max: number): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node.value !== 'object' || node.value === null) continue;
    if (node.depth >= max) return node.path || '/';
    for (const [key, child] of Object.entries(node.value)) {
      const token = key.replace(/~/g, '~0').replace(/\//g, '~1');
      stack.push({ value: child, path: `${node.path}/${token}`, depth: node.depth + 1 });
    }
  }
  return undefined;
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
