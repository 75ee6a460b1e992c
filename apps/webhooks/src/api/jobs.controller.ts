/**
 * The jobs API: one job (its state and progress), the jobs newest first (of one endpoint, with
 * `endpoint=`), and cancel. The admin token is checked before any route runs (admin-api.hooks.ts).
 */
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Jobs, type JobView } from '../domain/jobs';
import { encodeJobCursor, parseJobId, parseJobPage } from '../domain/operation-requests';
import { problems } from './endpoints.controller';
import { JOB, JOB_PAGE } from './operations-openapi';

const JOB_ID = ApiParam({ name: 'jobId', description: 'job_<uuidv7>' });

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: Jobs) {}

  @Get()
  @ApiOperation({ summary: 'Jobs, newest first, one page' })
  @ApiQuery({ name: 'endpoint', required: false, description: "only this endpoint's jobs (ep_…)" })
  @ApiQuery({ name: 'limit', required: false, description: '1-100 (default 20)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: JOB_PAGE })
  @problems(400, 503)
  async page(
    @Query() query: unknown,
  ): Promise<{ items: JobView[]; nextCursor: string | null; hasMore: boolean }> {
    const request = parseJobPage(query);
    const { items, hasMore } = await this.jobs.page(request.filter, request.before, request.limit);
    return { items, hasMore, nextCursor: hasMore ? encodeJobCursor(items[items.length - 1]!.id) : null };
  }

  @Get(':jobId')
  @JOB_ID
  @ApiOperation({ summary: 'One job: its state, progress and result' })
  @ApiResponse({ status: 200, schema: JOB })
  @problems(400, 404, 503)
  find(@Param('jobId') id: string, @Query() query: unknown): Promise<JobView> {
    return this.jobs.find(parseJobId(id, query));
  }

  @Post(':jobId/cancel')
  @HttpCode(200)
  @JOB_ID
  @ApiOperation({
    summary:
      'Cancel a queued or running job: it stops at once (a batch in progress is the last); a replay withdraws its deliveries not attempted yet. 409 when it already succeeded or failed',
  })
  @ApiResponse({ status: 200, description: 'the job, cancelled', schema: JOB })
  @problems(400, 404, 409, 503)
  cancel(@Param('jobId') id: string, @Query() query: unknown): Promise<JobView> {
    return this.jobs.cancel(parseJobId(id, query));
  }
}
