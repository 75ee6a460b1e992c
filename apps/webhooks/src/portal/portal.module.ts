/**
 * The operators' portal, `GET /` of the webhooks app: a page shell, a stylesheet and the scripts
 * compiled from ./client (by `npm run build`, into dist beside this file), which sign in with the
 * admin token and drive the admin API with it. Nothing served here carries data or needs the
 * token; every response carries the strict browser-page headers of @app/platform. Kept out of the
 * OpenAPI document, which describes the API only.
 */
import { Controller, Get, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { BrowserAsset, serveBrowserModules } from '@app/platform';
import { ASSET_PREFIX, FAVICON_SVG, PORTAL_HTML } from './portal-page';
import { PORTAL_CSS } from './portal-styles';

/** Where the compiled client modules are (client/tsconfig.json's outDir, beside this file in dist). */
export const PORTAL_SCRIPTS_DIR = join(__dirname, 'client');

@ApiExcludeController()
@Controller()
export class PortalController {
  @Get()
  @BrowserAsset('text/html; charset=utf-8')
  page(): string {
    return PORTAL_HTML;
  }

  @Get(`${ASSET_PREFIX.slice(1)}portal.css`)
  @BrowserAsset('text/css; charset=utf-8')
  styles(): string {
    return PORTAL_CSS;
  }

  @Get(`${ASSET_PREFIX.slice(1)}favicon.svg`)
  @BrowserAsset('image/svg+xml')
  icon(): string {
    return FAVICON_SVG;
  }
}

/** Serves the compiled modules (`*.js` only) under /portal/, registered before Fastify is ready. */
@Injectable()
export class PortalScripts implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await serveBrowserModules(fastify, PORTAL_SCRIPTS_DIR, ASSET_PREFIX);
  }
}

@Module({ controllers: [PortalController], providers: [PortalScripts] })
export class PortalModule {}
