/**
 * The audit HTTP API: search with a cursor, one event by id, an NDJSON export of a search, and
 * chain verification. Each method maps its input to one use case; the use cases validate. The
 * one HTTP-only check is here: a verify body must be JSON (Fastify also parses text/plain).
 */
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { AuditQueries } from '../domain/audit-queries';
import { parseVerifyScope } from '../domain/audit-requests';
import { ChainVerifier, type VerifyReport } from '../domain/chain-verifier';
import type { StoredAuditEvent } from '../domain/audit-event';
import { toView, type AuditEventView } from './audit-event.view';

const FILTERS = ['type', 'key', 'subject', 'source'] as const;

function filterDocs(): MethodDecorator {
  const decorators = [
    ...FILTERS.map((name) => ApiQuery({ name, required: false, description: `exact ${name}` })),
    ApiQuery({ name: 'from', required: false, description: 'event time ≥ (RFC 3339)' }),
    ApiQuery({ name: 'to', required: false, description: 'event time < (RFC 3339)' }),
    ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' }),
  ];
  return (target, key, descriptor) => {
    for (const decorate of decorators) decorate(target, key, descriptor);
  };
}

/** The body if it came as JSON (absent stays absent); a body of any other type is a 415. */
function jsonBody(body: unknown, contentType: string | undefined): unknown {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (body === undefined || mediaType === 'application/json') return body;
  throw new UnsupportedMediaTypeException(`the body must be application/json, not ${mediaType ?? 'untyped'}`);
}

async function* ndjson(events: AsyncIterable<StoredAuditEvent>): AsyncGenerator<string> {
  for await (const event of events) yield `${JSON.stringify(toView(event))}\n`;
}

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly queries: AuditQueries,
    private readonly verifier: ChainVerifier,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audited events matching the filters, oldest ingested first, one page' })
  @filterDocs()
  @ApiQuery({ name: 'limit', required: false, description: 'page size, 1-1000 (default 100)' })
  async search(
    @Query() query: unknown,
  ): Promise<{ items: AuditEventView[]; nextCursor: string | null; hasMore: boolean }> {
    const page = await this.queries.page(query);
    return { items: page.items.map(toView), nextCursor: page.nextCursor, hasMore: page.hasMore };
  }

  @Get('export')
  @ApiOperation({ summary: 'Every audited event matching the filters, as NDJSON (streamed)' })
  @ApiProduces('application/x-ndjson')
  @filterDocs()
  export(@Query() query: unknown, @Res() reply: FastifyReply): void {
    const events = this.queries.export(query);
    void reply.header('content-type', 'application/x-ndjson').send(Readable.from(ndjson(events)));
  }

  @Get(':eventId')
  @ApiOperation({ summary: 'One audited event by its id (404 when absent, 400 for an id that cannot exist)' })
  async find(@Param('eventId') eventId: string, @Query() query: unknown): Promise<AuditEventView> {
    return toView(await this.queries.find(eventId, query));
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Recompute the hash chains (all, a topic, a partition, or an offset range) and report the first broken link',
  })
  async verify(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<VerifyReport> {
    return this.verifier.verify(parseVerifyScope(jsonBody(body, contentType), query));
  }
}
