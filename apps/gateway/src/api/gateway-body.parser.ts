/**
 * Request bodies arrive as raw bytes and are decoded here with the checks a strict API needs:
 * invalid UTF-8 is refused (Fastify's default would silently replace it), prototype-poisoning
 * keys (`__proto__`, `constructor.prototype`) are refused, and every content type reaches the
 * controller so an unsupported one gets a 415 problem instead of Fastify's own body.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { GatewayError } from '../domain/gateway-errors';

export const GATEWAY_BODY_LIMIT = Symbol('GATEWAY_BODY_LIMIT');

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
    try {
      return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      throw GatewayError.malformed(`the request body is not valid JSON: ${(error as Error).message}`);
    }
  }
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
