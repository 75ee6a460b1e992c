/**
 * The operators' portal, `GET /` of the webhooks app: a page shell, a stylesheet and the scripts
 * compiled from ./client (by `npm run build`, into dist beside this file), which sign in with the
 * admin token and drive the admin API with it. Nothing served here carries data or needs the
 * token; every response carries the portal's Content-Security-Policy. Kept out of the OpenAPI
 * document, which describes the API only.
 */
import fastifyStatic from '@fastify/static';
import {
  Controller,
  Get,
  Header,
  Injectable,
  Module,
  type OnModuleInit,
  applyDecorators,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { ASSET_PREFIX, FAVICON_SVG, PORTAL_HEADERS, PORTAL_HTML } from './portal-page';
import { PORTAL_CSS } from './portal-styles';

/** Where the compiled client modules are (client/tsconfig.json's outDir, beside this file in dist). */
export const PORTAL_SCRIPTS_DIR = join(__dirname, 'client');

const served = (contentType: string) =>
  applyDecorators(
    Header('content-type', contentType),
    ...Object.entries(PORTAL_HEADERS).map(([name, value]) => Header(name, value)),
  );

@ApiExcludeController()
@Controller()
export class PortalController {
  @Get()
  @served('text/html; charset=utf-8')
  page(): string {
    return PORTAL_HTML;
  }

  @Get(`${ASSET_PREFIX.slice(1)}portal.css`)
  @served('text/css; charset=utf-8')
  styles(): string {
    return PORTAL_CSS;
  }

  @Get(`${ASSET_PREFIX.slice(1)}favicon.svg`)
  @served('image/svg+xml')
  icon(): string {
    return FAVICON_SVG;
  }
}

/** Serves the compiled modules (`*.js` only) under /portal/ before Fastify is ready. */
@Injectable()
export class PortalScripts implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited: awaiting would load the plugin queue now, before Nest installs its error
    // handler (after every onModuleInit), and the admin API's 401s would miss the exception filter.
    void fastify.register(fastifyStatic, {
      root: PORTAL_SCRIPTS_DIR,
      prefix: ASSET_PREFIX,
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      cacheControl: false,
      allowedPath: (path) => /^\/[a-z0-9-]+\.js$/.test(path),
      setHeaders: (reply) => {
        for (const [name, value] of Object.entries(PORTAL_HEADERS)) reply.header(name, value);
      },
    });
  }
}

@Module({ controllers: [PortalController], providers: [PortalScripts] })
export class PortalModule {}
