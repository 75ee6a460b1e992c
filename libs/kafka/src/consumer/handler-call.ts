/**
 * How the runtime calls an `@EventPattern` handler. Nest's RPC pipeline (RpcContextCreator:
 * guards, interceptors, pipes, exception filters, param extraction, a chain of async wrappers)
 * cost about as much per record as the rest of the runtime (docs/benchmarks.md). When a
 * handler provably has none of that (no enhancer on the method, its class or the app, a static
 * controller, only plain @Payload()/@Ctx() parameters), the runtime calls the method directly
 * with the parameters resolved once at boot. Anything it cannot prove keeps Nest's pipeline.
 * Errors of a direct call go through the same BaseRpcExceptionFilter Nest would apply, so
 * retry/DLQ classification does not depend on the path. See docs/consumer-runtime.md.
 */
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import type { INestMicroservice, LoggerService } from '@nestjs/common';
import { ApplicationConfig, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { BaseRpcExceptionFilter, type MessageHandler } from '@nestjs/microservices';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { HeraldEventContext } from './herald-event.context';

export interface HandlerCall {
  /** 'direct': the method is called without Nest's pipeline; 'nest': through it. */
  readonly mode: 'direct' | 'nest';
  /** False when the handler takes no context: the runtime then builds no envelope for it. */
  readonly takesContext: boolean;
  /**
   * Runs the handler. undefined = it finished synchronously; otherwise a promise that settles
   * when it is done, rejecting with the error as Nest's RPC exception layer hands it on.
   */
  invoke(payload: unknown, context: HeraldEventContext | undefined): Promise<void> | undefined;
}

/** The full Nest pipeline (what Nest registered through addHandler). */
export function nestCall(handler: MessageHandler): HandlerCall {
  return {
    mode: 'nest',
    takesContext: true,
    invoke: async (payload, context) => {
      const result: unknown = await handler(payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    },
  };
}

/** What the runtime needs from the Nest microservice to look behind its handlers. */
export interface HandlerDiscovery {
  readonly modules: ModulesContainer;
  readonly config: ApplicationConfig;
}

/** undefined when the microservice does not have the shape of Nest 11's (every handler then keeps the pipeline). */
export function discoveryOf(microservice: INestMicroservice): HandlerDiscovery | undefined {
  const config: unknown = Reflect.get(microservice, 'applicationConfig');
  if (!(config instanceof ApplicationConfig)) return undefined;
  try {
    return { modules: microservice.get(ModulesContainer, { strict: false }), config };
  } catch {
    return undefined;
  }
}

function hasGlobalEnhancers(config: ApplicationConfig): boolean {
  return [
    config.getGlobalGuards(),
    config.getGlobalInterceptors(),
    config.getGlobalPipes(),
    config.getGlobalFilters(),
    config.getGlobalRequestGuards(),
    config.getGlobalRequestInterceptors(),
    config.getGlobalRequestPipes(),
    config.getGlobalRequestFilters(),
  ].some((list) => list.length > 0);
}

const ENHANCER_KEYS = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA];

function hasEnhancers(target: object): boolean {
  return ENHANCER_KEYS.some((key) => {
    const list: unknown = Reflect.getMetadata(key, target);
    return Array.isArray(list) && list.length > 0;
  });
}

interface Located {
  readonly instance: Record<string, unknown>;
  readonly methodKey: string;
  readonly method: (...args: unknown[]) => unknown;
}

/**
 * The static controller method Nest registered as `handler`: matched by the extras object,
 * which Nest passes by reference from the method's metadata to addHandler. Two matches
 * (one class in two modules) or none: undefined.
 */
function locate(discovery: HandlerDiscovery, handler: MessageHandler): Located | undefined {
  const scanner = new MetadataScanner();
  const found: Located[] = [];
  for (const module of discovery.modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (instance === undefined || instance === null) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodKey of scanner.getAllMethodNames(prototype)) {
        const method = instance[methodKey];
        if (typeof method !== 'function') continue;
        if (Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method) !== handler.extras) continue;
        if (!wrapper.isDependencyTreeStatic()) return undefined;
        found.push({ instance, methodKey, method: method as Located['method'] });
      }
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

type ParamKind = 'payload' | 'context';

const PAYLOAD_PARAM: number = RpcParamtype.PAYLOAD;
const CONTEXT_PARAM: number = RpcParamtype.CONTEXT;

/** Parameter kinds by position, or undefined when any parameter needs Nest (custom decorator, pipe, data key). */
function parameterKinds(instance: object, methodKey: string): ParamKind[] | undefined {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, methodKey) as
    Record<string, { index: number; data?: unknown; pipes?: unknown[] }> | undefined) ?? {
    [`${PAYLOAD_PARAM}:0`]: { index: 0 },
    [`${CONTEXT_PARAM}:1`]: { index: 1 },
  };
  const kinds: ParamKind[] = [];
  for (const [key, param] of Object.entries(metadata)) {
    if (param.data !== undefined || (param.pipes !== undefined && param.pipes.length > 0)) return undefined;
    const type = Number(key.split(':')[0]);
    if (type === PAYLOAD_PARAM) kinds[param.index] = 'payload';
    else if (type === CONTEXT_PARAM) kinds[param.index] = 'context';
    else return undefined;
  }
  return kinds;
}

/**
 * How the runtime calls each handler: directly when `discovery` can prove it has no enhancers,
 * through Nest's pipeline otherwise (and always without discovery). The choice is logged at boot.
 */
export function handlerCalls(
  discovery: HandlerDiscovery | undefined,
  logger: LoggerService,
): (pattern: string, handler: MessageHandler) => HandlerCall {
  return (pattern, handler) => {
    if (discovery === undefined) return nestCall(handler);
    const call = directCall(discovery, handler);
    if (typeof call !== 'string') {
      logger.log(`@EventPattern('${pattern}') is called directly (no enhancers)`);
      return call;
    }
    logger.log(`@EventPattern('${pattern}') runs through the Nest pipeline: ${call}`);
    return nestCall(handler);
  };
}

/** The direct call of `handler`, or why not. */
export function directCall(discovery: HandlerDiscovery, handler: MessageHandler): HandlerCall | string {
  if (hasGlobalEnhancers(discovery.config))
    return 'the app has global guards, interceptors, pipes or filters';
  const located = locate(discovery, handler);
  if (located === undefined) return 'its controller method was not found once, or is request-scoped';
  const { instance, methodKey, method } = located;
  if (hasEnhancers(method) || hasEnhancers(instance.constructor)) {
    return 'it has guards, interceptors, pipes or filters';
  }
  const kinds = parameterKinds(instance, methodKey);
  if (kinds === undefined) return 'a parameter needs a pipe, a data key or a custom decorator';
  const call = caller(method, instance, kinds);
  return {
    mode: 'direct',
    takesContext: kinds.includes('context'),
    invoke: (payload, context) => {
      let result: unknown;
      try {
        result = call(payload, context);
      } catch (error) {
        return rejectAsNest(error);
      }
      return settle(result);
    },
  };
}

type Caller = (payload: unknown, context: HeraldEventContext | undefined) => unknown;

function pick(
  kind: ParamKind | undefined,
  payload: unknown,
  context: HeraldEventContext | undefined,
): unknown {
  return kind === 'payload' ? payload : kind === 'context' ? context : undefined;
}

/** A caller specialised at boot for the method's arity: no per-record argument array. */
function caller(
  method: Located['method'],
  instance: object,
  kinds: readonly (ParamKind | undefined)[],
): Caller {
  const [first, second] = kinds;
  switch (kinds.length) {
    case 0:
      return () => method.call(instance);
    case 1:
      return (payload, context) => method.call(instance, pick(first, payload, context));
    case 2:
      return (payload, context) =>
        method.call(instance, pick(first, payload, context), pick(second, payload, context));
    default:
      return (payload, context) =>
        method.apply(
          instance,
          Array.from(kinds, (kind) => pick(kind, payload, context)),
        );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Sync results stay sync; promises and Observables are awaited; errors are shaped as Nest's RpcProxy would. */
function settle(result: unknown): Promise<void> | undefined {
  if (isObservable(result)) {
    return lastValueFrom(result, { defaultValue: undefined }).then(() => undefined, rejectAsNest);
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then((value) => settle(value), rejectAsNest);
  }
  return undefined;
}

const exceptionFilter = new BaseRpcExceptionFilter();

/** What Nest's default RPC exception layer turns an error into (and logs), without custom filters. */
function rejectAsNest(error: unknown): Promise<never> {
  const host = new ExecutionContextHost([]);
  host.setType('rpc');
  return lastValueFrom(exceptionFilter.catch(error, host) as Observable<never>);
}
