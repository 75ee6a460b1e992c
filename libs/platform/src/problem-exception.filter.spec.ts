import { type ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import { firstValueFrom, type Observable } from 'rxjs';
import {
  problem,
  ProblemExceptionFilter,
  problemHttpOptions,
  type ProblemAnswer,
} from './problem-exception.filter';

class Conflict extends Error {}

function mapDomainError(error: unknown): ProblemAnswer | undefined {
  if (error instanceof Conflict) {
    return {
      problem: problem(409, error.message, [{ path: '/id', message: 'taken' }]),
      headers: { 'retry-after': '1' },
    };
  }
  return undefined;
}

function answer(error: unknown) {
  const sent: { status?: number; headers?: Record<string, string>; body?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(values: Record<string, string>) {
      sent.headers = values;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new ProblemExceptionFilter('TestApi', mapDomainError).catch(error, host);
  return sent;
}

describe('ProblemExceptionFilter', () => {
  it("answers the app's domain errors as it maps them, headers included", () => {
    expect(answer(new Conflict('the id is taken'))).toEqual({
      status: 409,
      headers: { 'retry-after': '1', 'content-type': 'application/problem+json' },
      body: {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'the id is taken',
        errors: [{ path: '/id', message: 'taken' }],
      },
    });
  });

  it("keeps the framework's client errors with one entry at /", () => {
    const sent = answer(new NotFoundException('Cannot GET /nowhere'));
    expect(sent.status).toBe(404);
    expect(sent.body).toMatchObject({
      title: 'Not Found',
      errors: [{ path: '/', message: 'Cannot GET /nowhere' }],
    });
    expect(answer(Object.assign(new Error('body too large'), { statusCode: 413 })).status).toBe(413);
  });

  it('answers anything else 500 without internals', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = answer(new Error('secret connection string'));
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('secret connection string'));
    logged.mockRestore();
    expect(sent.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'the request failed',
      errors: [],
    });
    expect(JSON.stringify(sent.body)).not.toContain('secret');
  });

  it('lets errors outside HTTP (the Kafka edge) through untouched', async () => {
    const error = new Conflict('not HTTP');
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const passed = new ProblemExceptionFilter('TestApi', mapDomainError).catch(
      error,
      host,
    ) as Observable<never>;
    await expect(firstValueFrom(passed)).rejects.toBe(error);
  });

  it("gives the router's refusals the same form", () => {
    const body = problemHttpOptions({ maxParamLength: 900 });
    expect(body.maxParamLength).toBe(900);
    expect(
      body.routerErrorBody?.({
        kind: 'PATH_PARAMETER_TOO_LONG',
        status: 414,
        title: 'URI Too Long',
        detail: 'long',
      }),
    ).toEqual({
      contentType: 'application/problem+json',
      body: problem(414, 'long', [{ path: '/', message: 'long' }]),
    });
  });
});
