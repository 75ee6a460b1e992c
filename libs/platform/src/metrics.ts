/**
 * Prometheus metrics. Each app instance owns its own registry (not prom-client's global one)
 * so several apps can boot in one process, as the end-to-end tests do.
 *
 * prom-client's process and Node.js metrics keep their standard names (`process_cpu_seconds_total`,
 * `nodejs_eventloop_lag_seconds`, ...) so stock dashboards and alerts match them; the `service`
 * label tells the apps apart. Herald's own metrics are named `herald_<area>_...`.
 */
import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics, isClusterWorker } from './cluster';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'herald_http_request_duration_seconds',
      help: 'HTTP request duration by route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }
}

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format), of all worker processes' })
  @ApiProduces('text/plain')
  async scrape(): Promise<string> {
    return isClusterWorker() ? clusterMetrics() : this.metrics.registry.metrics();
  }
}
