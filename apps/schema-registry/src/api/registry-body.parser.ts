/**
 * Request bodies: the Confluent media types are parsed as JSON (with Fastify's guard against
 * prototype poisoning), an empty body counts as no body (clients send `Content-Type` on DELETE
 * too), and a body that is not JSON is refused with 400 and Confluent's error body. The limit
 * leaves room for a schema at the registry's 1 MiB bound written as an escaped JSON string.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MAX_SCHEMA_BYTES } from '../registry';
import { MalformedRequestError } from './registry-http.errors';
import { REQUEST_CONTENT_TYPES } from './registry-media-types';

export const REQUEST_BODY_LIMIT = 4 * MAX_SCHEMA_BYTES;

// Fastify and Nest register these before modules initialise. The registry takes JSON only, so
// a form or text body is answered 415 instead of being read as something it is not.
const REPLACED_PARSERS = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];

export function installRegistryBodyParsers(fastify: FastifyInstance): void {
  for (const type of REPLACED_PARSERS) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    REQUEST_CONTENT_TYPES,
    { parseAs: 'string', bodyLimit: REQUEST_BODY_LIMIT },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      void parseJson(request, text, (error, value) => {
        if (error)
          done(new MalformedRequestError(`Malformed JSON request body: ${error.message}`), undefined);
        else done(null, value);
      });
    },
  );
}

@Injectable()
export class RegistryBodyParsers implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    installRegistryBodyParsers(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
