import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter, PROBLEM_JSON, type HttpAppOptions } from './bootstrap';

@Controller('items')
class ItemsController {
  @Get(':id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({ controllers: [ItemsController] })
class ItemsModule {}

async function withApp(options: HttpAppOptions, run: (app: NestFastifyApplication) => Promise<void>) {
  const app = await NestFactory.create<NestFastifyApplication>(ItemsModule, createFastifyAdapter(options), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe('createFastifyAdapter: errors the router answers before any route runs', () => {
  it('answers bad URL encoding and over-long path parameters with RFC 9457 problem+json', async () => {
    await withApp({}, async (app) => {
      const badEncoding = await app.inject({ method: 'GET', url: '/items/%FF' });
      expect(badEncoding.statusCode).toBe(400);
      expect(badEncoding.headers['content-type']).toBe(PROBLEM_JSON);
      expect(badEncoding.json()).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: expect.stringMatching(/^the URL path is not valid percent-encoded UTF-8/) as unknown,
      });
      // Fastify's default limit is 100 characters per parameter.
      expect((await app.inject({ method: 'GET', url: `/items/${'a'.repeat(100)}` })).statusCode).toBe(200);
      const tooLong = await app.inject({ method: 'GET', url: `/items/${'a'.repeat(101)}` });
      expect(tooLong.statusCode).toBe(414);
      expect(tooLong.headers['content-type']).toBe(PROBLEM_JSON);
      expect(tooLong.json()).toMatchObject({ title: 'URI Too Long', status: 414 });
    });
  });

  it('takes the app limit on parameter length and the app body for router errors', async () => {
    const options: HttpAppOptions = {
      maxParamLength: 300,
      routerErrorBody: (error) => ({
        contentType: 'application/vnd.example+json',
        body: { code: error.kind, status: error.status },
      }),
    };
    await withApp(options, async (app) => {
      const long = await app.inject({ method: 'GET', url: `/items/${'a'.repeat(300)}` });
      expect(long.json()).toEqual({ id: 'a'.repeat(300) });
      const tooLong = await app.inject({ method: 'GET', url: `/items/${'a'.repeat(301)}` });
      expect([tooLong.statusCode, tooLong.headers['content-type'], tooLong.json()]).toEqual([
        414,
        'application/vnd.example+json',
        { code: 'PATH_PARAMETER_TOO_LONG', status: 414 },
      ]);
      const badEncoding = await app.inject({ method: 'GET', url: '/items/%E0%A4%A' });
      expect(badEncoding.json()).toEqual({ code: 'BAD_URL_ENCODING', status: 400 });
    });
  });
});
