import {
  Controller,
  Injectable,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type INestMicroservice,
  type NestInterceptor,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  BaseRpcExceptionFilter,
  Ctx,
  EventPattern,
  Payload,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { map, type Observable } from 'rxjs';
import { RecordEnvelope } from './event-envelope';
import { discoveryOf, handlerCalls, nestCall, type HandlerCall } from './handler-call';
import { HandlerError } from './handler-error';
import { HandlerTable } from './handler-table';
import { HeraldEventContext } from './herald-event.context';

const TOPIC = 'payments.payment.received';

/** A transport that only collects the handlers Nest registers (no Kafka in unit tests). */
class CollectingServer extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap<T>(): T {
    return undefined as T;
  }
}

const calls: string[] = [];

@Injectable()
class CountingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    calls.push(`guard:${String(context.switchToRpc().getData())}`);
    return context.switchToRpc().getData() !== 'forbidden';
  }
}

@Injectable()
class TaggingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    calls.push('interceptor');
    return next.handle().pipe(map((value: unknown) => value));
  }
}

class UpperPipe implements PipeTransform {
  transform(value: unknown): unknown {
    calls.push('pipe');
    return String(value).toUpperCase();
  }
}

@Controller()
class PlainHandler {
  @EventPattern(TOPIC)
  handle(@Payload() data: unknown, @Ctx() ctx: HeraldEventContext): void {
    calls.push(`handler:${String(data)}:${ctx.attempt}`);
    if (data === 'unknown-error') throw new Error('socket hang up');
    if (data === 'handler-error') throw new HandlerError('bad amount', { retriable: false });
  }
}

@Controller()
class PayloadOnlyAsyncHandler {
  @EventPattern(TOPIC)
  async handle(@Payload() data: unknown): Promise<void> {
    await Promise.resolve();
    calls.push(`handler:${String(data)}`);
  }
}

@Controller()
class GuardedHandler {
  @UseGuards(CountingGuard)
  @EventPattern(TOPIC)
  handle(@Payload() data: unknown): void {
    calls.push(`handler:${String(data)}`);
  }
}

@Controller()
@UseInterceptors(TaggingInterceptor)
class InterceptedHandler {
  @EventPattern(TOPIC)
  handle(@Payload() data: unknown): void {
    calls.push(`handler:${String(data)}`);
  }
}

@Controller()
class PipedHandler {
  @EventPattern(TOPIC)
  handle(@Payload(new UpperPipe()) data: unknown): void {
    calls.push(`handler:${String(data)}`);
  }
}

@Controller()
@UseFilters(new BaseRpcExceptionFilter())
class FilteredHandler {
  @EventPattern(TOPIC)
  handle(@Payload() data: unknown): void {
    calls.push(`handler:${String(data)}`);
  }
}

const apps: INestMicroservice[] = [];

async function callFor(
  controller: Type<unknown>,
  configure: (app: INestMicroservice) => void = () => undefined,
): Promise<HandlerCall> {
  const server = new CollectingServer();
  const moduleRef = await Test.createTestingModule({
    controllers: [controller],
    providers: [CountingGuard, TaggingInterceptor],
  }).compile();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  apps.push(app);
  configure(app);
  await app.init();
  const silent = { log: () => undefined, error: () => undefined, warn: () => undefined };
  const table = new HandlerTable(server.getHandlers(), undefined, handlerCalls(discoveryOf(app), silent));
  return table.route(TOPIC)!.call;
}

function context(): HeraldEventContext {
  const record = { key: null, value: null, timestamp: '0', attributes: 0, offset: '7', headers: {} };
  return new HeraldEventContext(
    new RecordEnvelope(TOPIC, 0, record, { schemaId: 1, version: 1, schema: 'string' }),
    2,
  );
}

/** Runs a call the way MessageDelivery does. */
async function run(call: HandlerCall, payload: unknown): Promise<void> {
  await call.invoke(payload, call.takesContext ? context() : undefined);
}

beforeEach(() => {
  calls.length = 0;
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

describe('handler calls: direct only without enhancers', () => {
  it('calls an enhancer-free handler directly, synchronously, with its payload and context', async () => {
    const call = await callFor(PlainHandler);
    expect(call).toMatchObject({ mode: 'direct', takesContext: true });
    expect(call.invoke('p1', context())).toBeUndefined(); // a sync handler finishes without a promise
    expect(calls).toEqual(['handler:p1:2']);
  });

  it('builds no context for a handler that takes none, and awaits an async one', async () => {
    const call = await callFor(PayloadOnlyAsyncHandler);
    expect(call).toMatchObject({ mode: 'direct', takesContext: false });
    const pending = call.invoke('p2', undefined);
    expect(pending).toBeInstanceOf(Promise);
    expect(calls).toEqual([]);
    await pending;
    expect(calls).toEqual(['handler:p2']);
  });

  it('hands errors on exactly as Nest does, so retry and DLQ decisions do not depend on the path', async () => {
    const direct = await callFor(PlainHandler);
    const viaPipeline = nestCall(await pipelineHandlerOf(PlainHandler));
    for (const payload of ['unknown-error', 'handler-error']) {
      const fromDirect: unknown = await run(direct, payload).catch((e: unknown) => e);
      const fromNest: unknown = await run(viaPipeline, payload).catch((e: unknown) => e);
      expect(fromDirect).toEqual(fromNest);
    }
    const hidden: unknown = await run(direct, 'unknown-error').catch((e: unknown) => e);
    expect(hidden).toEqual({ status: 'error', message: 'Internal server error' });
    const kept: unknown = await run(direct, 'handler-error').catch((e: unknown) => e);
    expect(kept).toBeInstanceOf(HandlerError);
  });

  it('keeps the Nest pipeline for a guarded handler, and the guard runs and can refuse', async () => {
    const call = await callFor(GuardedHandler);
    expect(call.mode).toBe('nest');
    await run(call, 'allowed');
    expect(calls).toEqual(['guard:allowed', 'handler:allowed']);
    await expect(run(call, 'forbidden')).rejects.toMatchObject({ message: 'Forbidden resource' });
    expect(calls).not.toContain('handler:forbidden');
  });

  it('keeps the Nest pipeline for a class-level interceptor, and it runs', async () => {
    const call = await callFor(InterceptedHandler);
    expect(call.mode).toBe('nest');
    await run(call, 'x');
    expect(calls).toEqual(['interceptor', 'handler:x']);
  });

  it('keeps the Nest pipeline for a parameter pipe, and it runs', async () => {
    const call = await callFor(PipedHandler);
    expect(call.mode).toBe('nest');
    await run(call, 'abc');
    expect(calls).toEqual(['pipe', 'handler:ABC']);
  });

  it('keeps the Nest pipeline for exception filters', async () => {
    expect((await callFor(FilteredHandler)).mode).toBe('nest');
  });

  it('keeps the Nest pipeline when the app has a global guard or interceptor, and they run', async () => {
    const guarded = await callFor(PlainHandler, (app) => app.useGlobalGuards(new CountingGuard()));
    expect(guarded.mode).toBe('nest');
    await run(guarded, 'g');
    expect(calls).toEqual(['guard:g', 'handler:g:2']);
    calls.length = 0;
    const intercepted = await callFor(PlainHandler, (app) =>
      app.useGlobalInterceptors(new TaggingInterceptor()),
    );
    expect(intercepted.mode).toBe('nest');
    await run(intercepted, 'i');
    expect(calls).toEqual(['interceptor', 'handler:i:2']);
  });

  it('keeps the Nest pipeline when the microservice was not bound (no discovery)', async () => {
    const server = new CollectingServer();
    const moduleRef = await Test.createTestingModule({ controllers: [PlainHandler] }).compile();
    const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    apps.push(app);
    await app.init();
    const table = new HandlerTable(server.getHandlers());
    expect(table.route(TOPIC)!.call.mode).toBe('nest');
  });
});

/** The handler Nest registered for a controller (its full pipeline). */
async function pipelineHandlerOf(controller: Type<unknown>): Promise<MessageHandler> {
  const server = new CollectingServer();
  const moduleRef = await Test.createTestingModule({ controllers: [controller] }).compile();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  apps.push(app);
  await app.init();
  return server.getHandlers().get(TOPIC)!;
}
