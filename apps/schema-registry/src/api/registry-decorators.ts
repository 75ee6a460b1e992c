/**
 * What marks a registry route: every registry controller answers Confluent's media type, and
 * every write checks credentials here, then runs on the leader (forwarded when that is another
 * instance).
 */
import { applyDecorators, Controller, Header, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LeaderForwardingInterceptor } from './leader-forwarding.interceptor';
import { REGISTRY_CONTENT_TYPE } from './registry-media-types';
import { WriteAuthGuard } from './write-auth.guard';

/**
 * Puts `Content-Type: application/vnd.schemaregistry.v1+json` on every route of the class as
 * route metadata (Nest's @Header), not with an interceptor: an interceptor sends each request
 * through Nest's rxjs pipeline, which measured 5x slower on `GET /schemas/types` under load.
 */
function RegistryMediaType(): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: object }).prototype;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      if (key === 'constructor' || typeof descriptor?.value !== 'function') continue;
      Header('Content-Type', REGISTRY_CONTENT_TYPE)(prototype, key, descriptor);
    }
  };
}

export function RegistryController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    ApiTags(tag),
    ApiProduces(REGISTRY_CONTENT_TYPE),
    RegistryMediaType(),
  );
}

/** A write: credentials (registry-openapi.ts names them for /docs), then the leader. */
export function RegistryWrite(): MethodDecorator {
  return applyDecorators(
    UseGuards(WriteAuthGuard),
    UseInterceptors(LeaderForwardingInterceptor),
    ApiBearerAuth(),
    ApiBasicAuth(),
    ApiResponse({ status: 401, description: 'write credentials missing or wrong (error_code 40101)' }),
  );
}
