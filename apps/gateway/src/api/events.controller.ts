/**
 * POST /v1/events and POST /v1/events/batch: authenticate, read the request, take the rate
 * budget, publish, and answer only after Kafka acknowledged. Thin on purpose: the publish
 * rules live in EventPublisher.
 */
import { applyDecorators, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { heraldTracer } from '@app/platform';
import { EventPublisher, type BatchItemResult, type PublishResult } from '../domain/event-publisher';
import { GatewayLimits } from '../domain/gateway-limits';
import { PublisherAuthenticator } from '../domain/publisher-authenticator';
import { GatewayMetrics } from '../gateway.metrics';
import { GatewayError } from '../domain/gateway-errors';
import { readBatch, readSingleEvent, withNumberTexts } from './event-requests';
import type { NumberTexts } from './gateway-body.parser';
import { ACCEPTED_EVENT, BATCH_REQUEST, BATCH_RESPONSE, EVENT_ENVELOPE, PROBLEM } from './openapi-schemas';
import { problemFor, type Problem } from './problem';
import { inPublishSpan } from './publish-span';

/** The problem+json answers docs/gateway.md lists, on both publish routes. */
const ApiProblemResponses = () =>
  applyDecorators(
    ...[400, 401, 403, 409, 413, 415, 422, 429, 503].map((status) =>
      ApiResponse({ status, description: 'application/problem+json', schema: PROBLEM }),
    ),
  );

type AcceptedBody = Omit<PublishResult, 'duplicate'> & { duplicate?: true };
type BatchResultBody =
  ({ status: 'accepted' } & AcceptedBody) | { status: 'rejected'; id?: string; error: Problem };

function accepted(result: PublishResult): AcceptedBody {
  const { duplicate, ...coordinates } = result;
  return duplicate ? { ...coordinates, duplicate: true } : coordinates;
}

function batchResult(item: BatchItemResult, numberTexts: NumberTexts): BatchResultBody {
  if (item.status === 'accepted') return { status: 'accepted', ...accepted(item.result) };
  const error = problemFor(withNumberTexts(item.error, numberTexts));
  return item.id === undefined ? { status: 'rejected', error } : { status: 'rejected', id: item.id, error };
}

/** Runs `work`, its errors' violations about inexact numbers saying what was sent. */
async function reporting<T>(numberTexts: NumberTexts, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof GatewayError ? withNumberTexts(error, numberTexts) : error;
  }
}

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly authenticator: PublisherAuthenticator,
    private readonly publisher: EventPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly limits: GatewayLimits,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Publish one event (gateway envelope, or a CloudEvent in structured or binary mode)',
  })
  @ApiBearerAuth()
  @ApiBody({ schema: EVENT_ENVELOPE })
  @ApiResponse({ status: 202, description: 'Kafka acknowledged the event', schema: ACCEPTED_EVENT })
  @ApiProblemResponses()
  async publish(@Req() request: FastifyRequest): Promise<AcceptedBody> {
    return this.track('single', request, async () => {
      const publisher = await this.authenticator.authenticate(request.headers.authorization);
      const { event, numberTexts } = readSingleEvent(request);
      await this.authenticator.consume(publisher, 1);
      return accepted(await reporting(numberTexts, () => this.publisher.publishOne(event, publisher)));
    });
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish events: per-event results in order, or all-or-nothing with atomic: true',
  })
  @ApiBearerAuth()
  @ApiBody({ schema: BATCH_REQUEST })
  @ApiResponse({ status: 200, description: 'one result per event, in request order', schema: BATCH_RESPONSE })
  @ApiProblemResponses()
  async publishBatch(@Req() request: FastifyRequest): Promise<{ results: BatchResultBody[] }> {
    return this.track('batch', request, async () => {
      const publisher = await this.authenticator.authenticate(request.headers.authorization);
      const batch = readBatch(request, this.limits.maxBatchEvents);
      await this.authenticator.consume(publisher, batch.entries.length);
      if (batch.atomic) {
        const results = await reporting(batch.numberTexts, () =>
          this.publisher.publishAtomic(batch.entries, publisher),
        );
        return { results: results.map((result) => ({ status: 'accepted' as const, ...accepted(result) })) };
      }
      const results = await this.publisher.publishBatch(batch.entries, publisher);
      return { results: results.map((item) => batchResult(item, batch.numberTexts)) };
    });
  }

  private async track<T>(
    endpoint: 'single' | 'batch',
    request: FastifyRequest,
    work: () => Promise<T>,
  ): Promise<T> {
    const stop = this.metrics.publishLatency.startTimer({ endpoint });
    this.metrics.requests.inc({ endpoint });
    this.metrics.inFlight.inc();
    const tracer = heraldTracer();
    try {
      return await (tracer === undefined ? work() : inPublishSpan(tracer, request, endpoint, work));
    } finally {
      this.metrics.inFlight.dec();
      stop();
    }
  }
}
