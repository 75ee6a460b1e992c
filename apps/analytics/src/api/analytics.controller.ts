/**
 * The analytics read API (and the rebuild trigger the CLI uses). Each method maps its query to
 * one use case; the use cases validate. See docs/analytics.md for the shapes.
 */
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { MetricDefinition } from '@app/analytics';
import { AnalyticsQueries } from '../domain/analytics-queries';
import { UnknownMetricError } from '../domain/analytics-errors';
import { GroupLagReader } from '../consumer/group-lag';
import { MetricRebuilder } from '../rebuild/metric-rebuilder';
import { LagUnavailableError } from './analytics-exception.filter';

export const DECLARED_METRICS = Symbol('DECLARED_METRICS');

const range = [
  ApiQuery({
    name: 'from',
    required: false,
    description: 'start, RFC 3339, inclusive (default: an hour, or a day for hours, before `to`)',
  }),
  ApiQuery({ name: 'to', required: false, description: 'end, RFC 3339, exclusive (default: now)' }),
  ApiQuery({
    name: 'interval',
    required: false,
    enum: ['minute', 'hour'],
    description: 'point width (default minute)',
  }),
];

function rangeDocs(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorate of range) decorate(target, key, descriptor);
  };
}

@ApiTags('analytics')
@Controller('v1')
export class AnalyticsController {
  constructor(
    private readonly queries: AnalyticsQueries,
    private readonly lagReader: GroupLagReader,
    private readonly rebuilder: MetricRebuilder,
    @Inject(DECLARED_METRICS) private readonly declared: readonly MetricDefinition[],
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'A time series of one metric: the built-in count per type, or a declared metric' })
  @ApiQuery({ name: 'type', required: false, description: 'event type (required for metric=count)' })
  @ApiQuery({ name: 'metric', required: false, description: 'count (default) or a declared metric name' })
  @ApiQuery({
    name: 'group',
    required: false,
    description: '<field>:<value> filter on a grouped metric; repeatable',
  })
  @ApiQuery({
    name: 'late',
    required: false,
    description: 'true: the late events, by the minute they arrived',
  })
  @rangeDocs()
  @ApiResponse({
    status: 200,
    description: '{type, metric, interval, late, points: [{start, value, group?}]}',
  })
  stats(@Query() query: Record<string, unknown>) {
    return this.queries.stats(query);
  }

  @Get('throughput')
  @ApiOperation({ summary: 'Events per interval of every type seen in the range (on time, by event time)' })
  @rangeDocs()
  throughput(@Query() query: Record<string, unknown>) {
    return this.queries.throughput(query);
  }

  @Get('latency')
  @ApiOperation({ summary: 'End-to-end latency (event time to counted) percentiles per type, in ms' })
  @ApiQuery({ name: 'type', required: false, description: 'one event type (default: every type)' })
  @ApiQuery({
    name: 'quantiles',
    required: false,
    description: 'comma-separated, 0-1 (default 0.5,0.9,0.99)',
  })
  @rangeDocs()
  latency(@Query() query: Record<string, unknown>) {
    return this.queries.latency(query);
  }

  @Get('lag')
  @ApiOperation({ summary: "Every consumer group's lag, from Kafka's admin API (cached for 3 s)" })
  async lag() {
    try {
      return { groups: await this.lagReader.lag() };
    } catch (error) {
      throw new LagUnavailableError(`Kafka did not answer the lag query: ${(error as Error).message}`);
    }
  }

  @Get('metrics')
  @ApiOperation({ summary: 'The metrics: the built-in count and the declared ones, with their state' })
  metrics() {
    return this.queries.metrics();
  }

  @Get('metrics/:name')
  @ApiOperation({ summary: 'One metric, with its rebuild progress while it is rebuilt' })
  metric(@Param('name') name: string) {
    return this.queries.metric(name);
  }

  @Post('metrics/:name/rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Recompute a declared metric from the retained history, then switch to it' })
  async rebuild(@Param('name') name: string) {
    const definition = this.declared.find((d) => d.name === name);
    if (definition === undefined) throw new UnknownMetricError(name);
    await this.rebuilder.rebuild(definition, true);
    return this.queries.metric(name);
  }
}
