/**
 * What marks a registry route: every registry controller answers Confluent's media type, and
 * every write checks credentials here, then runs on the leader (forwarded when that is another
 * instance).
 */
import {
  applyDecorators,
  CallHandler,
  Controller,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { LeaderForwardingInterceptor } from './leader-forwarding.interceptor';
import { REGISTRY_CONTENT_TYPE } from './registry-media-types';
import { WriteAuthGuard } from './write-auth.guard';

@Injectable()
export class RegistryMediaTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().header('content-type', REGISTRY_CONTENT_TYPE);
    return next.handle();
  }
}

export function RegistryController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    ApiTags(tag),
    ApiProduces(REGISTRY_CONTENT_TYPE),
    UseInterceptors(RegistryMediaTypeInterceptor),
  );
}

export function RegistryWrite(): MethodDecorator {
  return applyDecorators(UseGuards(WriteAuthGuard), UseInterceptors(LeaderForwardingInterceptor));
}
