/**
 * What an app needs to serve a browser page of its own (a dashboard, a portal): the headers every
 * response of such a page carries, with a strict Content-Security-Policy (scripts, styles,
 * images and fetches from the app's own origin only: no inline script or style, no eval, no
 * frames, no form submission), a decorator for the routes that answer the shell and its assets,
 * and the registration of a folder of compiled browser modules. Nothing here knows a page.
 */
import { Header, applyDecorators } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

export const BROWSER_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const BROWSER_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': BROWSER_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidated on each load, so a new build is picked up at once (the files are small).
  'cache-control': 'no-cache',
};

/** On a route answering part of a page: its content type and BROWSER_PAGE_HEADERS. */
export function BrowserAsset(contentType: string): MethodDecorator {
  return applyDecorators(
    Header('content-type', contentType),
    ...Object.entries(BROWSER_PAGE_HEADERS).map(([name, value]) => Header(name, value)),
  );
}

/**
 * Serves the `*.js` files of `root` (compiled browser modules; no subfolders, no dotfiles, no
 * listing) under `prefix` with BROWSER_PAGE_HEADERS. Await it in onModuleInit, before Fastify is
 * ready.
 *
 * The plugin is queued, not loaded: awaiting a registration makes Fastify build the routes
 * registered so far, before Nest has installed its error handler (after every onModuleInit), and
 * those routes would answer errors thrown in hooks (a 401 of an auth hook) with Fastify's own 500.
 * @fastify/static is loaded here, not at import, because its dependencies are ES modules that Jest
 * cannot require: every test importing @app/platform would fail to load.
 */
export async function serveBrowserModules(
  fastify: FastifyInstance,
  root: string,
  prefix: string,
): Promise<void> {
  const { default: fastifyStatic } = await import('@fastify/static');
  void fastify.register(fastifyStatic, {
    root,
    prefix,
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
    allowedPath: (path) => /^\/[a-z0-9-]+\.js$/.test(path),
    setHeaders: (reply) => {
      for (const [name, value] of Object.entries(BROWSER_PAGE_HEADERS)) reply.header(name, value);
    },
  });
}
