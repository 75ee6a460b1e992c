/**
 * The dashboard, `GET /` of the analytics app: the page shell, its stylesheet, the scripts
 * compiled from ./client (by `npm run build`, into dist beside this file) and the chart library
 * they import, all under the strict page policy of @app/platform; plus the two API routes the
 * page needs besides the analytics API: the webhooks app's delivery success and the event
 * catalog, both asked by this server (the webhooks admin token never reaches the browser).
 *
 * Charts: uPlot, pinned (package.json) and served from node_modules. Chosen for being small
 * (~50 kB), fast on thousands of points, dependency-free, shipped as one ES module (so the page
 * imports it as is, with no bundler and no import map, which the policy would refuse inline), and
 * touching styles only through the CSSOM, which a strict style-src allows.
 */
import {
  Controller,
  DynamicModule,
  Get,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserAsset, serveBrowserModules } from '@app/platform';
import type { AnalyticsConfig } from '../config';
import { ASSET_PREFIX, DASHBOARD_HTML, FAVICON_SVG } from './dashboard-page';
import { DASHBOARD_CSS } from './dashboard-styles';
import { EventCatalogReader, type EventCatalog } from './event-catalog';
import { WebhooksSummaryReader, type WebhooksSummary } from './webhooks-summary';

/** Where the compiled client modules are (client/tsconfig.json's outDir, beside this file in dist). */
export const DASHBOARD_SCRIPTS_DIR = join(__dirname, 'client');

const UPLOT_JS = readFileSync(require.resolve('uplot/dist/uPlot.esm.js'), 'utf8');
const UPLOT_CSS = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

const asset = (name: string): string => `${ASSET_PREFIX.slice(1)}${name}`;

@ApiExcludeController()
@Controller()
export class DashboardPageController {
  @Get()
  @BrowserAsset('text/html; charset=utf-8')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get(asset('dashboard.css'))
  @BrowserAsset('text/css; charset=utf-8')
  styles(): string {
    return DASHBOARD_CSS;
  }

  @Get(asset('favicon.svg'))
  @BrowserAsset('image/svg+xml')
  icon(): string {
    return FAVICON_SVG;
  }

  /** The client imports it as ./uplot.js (client/uplot.d.ts gives it uPlot's types). */
  @Get(asset('uplot.js'))
  @BrowserAsset('text/javascript; charset=utf-8')
  chartLibrary(): string {
    return UPLOT_JS;
  }

  @Get(asset('uplot.css'))
  @BrowserAsset('text/css; charset=utf-8')
  chartStyles(): string {
    return UPLOT_CSS;
  }
}

@ApiTags('dashboard')
@Controller('v1')
export class DashboardApiController {
  constructor(
    @Inject(WebhooksSummaryReader) private readonly webhooks: WebhooksSummaryReader,
    @Inject(EventCatalogReader) private readonly catalog: EventCatalogReader,
  ) {}

  @Get('webhooks-summary')
  @ApiOperation({
    summary:
      "Webhook delivery success over every endpoint, from the webhooks app's admin API (no token needed)",
  })
  @ApiResponse({
    status: 200,
    description:
      '{available, reason?, checkedAt, endpoints, enabledEndpoints, successRate, attemptsLast24h, deliveries, backlog, endpointsWithFailures, truncated}',
  })
  webhooksSummary(): Promise<WebhooksSummary> {
    return this.webhooks.summary();
  }

  @Get('event-catalog')
  @ApiOperation({ summary: "The gateway's event catalog: types, owners, docs, each version's fields" })
  @ApiResponse({
    status: 200,
    description:
      '{available, reason?, source?, eventTypes: [{type, description, owner, keyField, tenantField, latestVersion, versions: [{version, fields: [{name, type, doc?, optional}]}]}]}',
  })
  eventCatalog(): Promise<EventCatalog> {
    return this.catalog.catalog();
  }
}

/** Serves the compiled client modules under /dashboard/ before Fastify is ready. */
@Injectable()
export class DashboardScripts implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await serveBrowserModules(fastify, DASHBOARD_SCRIPTS_DIR, ASSET_PREFIX);
  }
}

@Module({})
export class DashboardModule {
  static register(config: AnalyticsConfig): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardPageController, DashboardApiController],
      providers: [
        DashboardScripts,
        {
          provide: WebhooksSummaryReader,
          useValue: new WebhooksSummaryReader(config.WEBHOOKS_URL, config.WEBHOOKS_ADMIN_TOKEN),
        },
        { provide: EventCatalogReader, useValue: new EventCatalogReader(config.GATEWAY_URL) },
      ],
    };
  }
}
