/**
 * Operations on one endpoint: recover its failed deliveries of a window and replay its events of
 * a window (202 with the job, followed at GET /v1/jobs/{id}), and send it a test event (202 with
 * the delivery). Each method maps its input to one EndpointOperations call, which validates; the
 * admin token and the body limit are checked before any route runs (admin-api.hooks.ts).
 */
import { Body, Controller, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EndpointOperations } from '../domain/endpoint-operations';
import type { JobView } from '../domain/jobs';
import type { SentTestEvent } from '../domain/test-events';
import { jsonBody, problems } from './endpoints.controller';
import { JOB, TEST_EVENT, TEST_EVENT_SENT, WINDOW } from './operations-openapi';

const ID = ApiParam({ name: 'id', description: 'ep_<uuidv7>' });

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/endpoints')
export class OperationsController {
  constructor(private readonly operations: EndpointOperations) {}

  @Post(':id/recover')
  @HttpCode(202)
  @ID
  @ApiOperation({
    summary:
      'A job making every failed delivery of the endpoint created in [since, until) due again (one more attempt each; at most WEBHOOKS_RECOVER_LIMIT per job)',
  })
  @ApiBody({ schema: WINDOW })
  @ApiResponse({ status: 202, description: 'the job, queued', schema: JOB })
  @problems(400, 404, 413, 415, 422, 503)
  recover(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<JobView> {
    return this.operations.recover(id, jsonBody(body, contentType), query);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ID
  @ApiOperation({
    summary:
      'A job delivering again, to this endpoint only, every event of [since, until) it takes (its types and tenant), read back from Kafka by timestamp, in its pinned versions and format (at most WEBHOOKS_REPLAY_LIMIT per job)',
  })
  @ApiBody({ schema: WINDOW })
  @ApiResponse({ status: 202, description: 'the job, queued', schema: JOB })
  @problems(400, 404, 413, 415, 422, 503)
  replay(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<JobView> {
    return this.operations.replay(id, jsonBody(body, contentType), query);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ID
  @ApiOperation({
    summary:
      'Send the endpoint a synthetic event of a type it takes (a sample built from the schema), signed and recorded like any delivery (origin "test")',
  })
  @ApiBody({ schema: TEST_EVENT })
  @ApiResponse({ status: 202, description: 'the delivery, due now', schema: TEST_EVENT_SENT })
  @problems(400, 404, 413, 415, 422, 503)
  test(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<SentTestEvent> {
    return this.operations.test(id, jsonBody(body, contentType), query);
  }
}
