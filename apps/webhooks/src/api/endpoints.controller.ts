/**
 * The endpoints admin API: create, list, get, update, delete, rotate the secret. Each method
 * maps its input to one EndpointAdmin call, which validates. The one HTTP-only check is here: a
 * body must be JSON (Fastify also parses text/plain and form bodies). The admin token and the
 * body limit are checked before any route runs (admin-api.hooks.ts).
 */
import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Endpoint } from '../domain/endpoint';
import {
  EndpointAdmin,
  type CreatedEndpoint,
  type EndpointListPage,
  type RotatedSecret,
} from '../domain/endpoint-admin';
import { LIMITS } from '../domain/endpoint-requests';
import {
  CREATE_ENDPOINT,
  CREATED_ENDPOINT,
  ENDPOINT,
  ENDPOINT_PAGE,
  PROBLEM,
  ROTATE_SECRET,
  ROTATED_SECRET,
  UPDATE_ENDPOINT,
} from './endpoints-openapi';

/** The body if it came as JSON (absent stays absent); a body of any other type is a 415. */
export function jsonBody(body: unknown, contentType: string | undefined): unknown {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (body === undefined || mediaType === 'application/json') return body;
  throw new UnsupportedMediaTypeException(`the body must be application/json, not ${mediaType ?? 'untyped'}`);
}

/** The problem+json answers of a route (401 always: every /v1 route needs the admin token). */
export const problems = (...statuses: number[]) =>
  applyDecorators(
    ...[401, ...statuses].map((status) =>
      ApiResponse({ status, description: 'application/problem+json', schema: PROBLEM }),
    ),
  );

const ID = ApiParam({ name: 'id', description: 'ep_<uuidv7>' });

@ApiTags('endpoints')
@ApiBearerAuth()
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly admin: EndpointAdmin) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an endpoint; the answer carries its signing secret, shown only here' })
  @ApiBody({ schema: CREATE_ENDPOINT })
  @ApiResponse({ status: 201, description: 'the endpoint and its secret', schema: CREATED_ENDPOINT })
  @problems(400, 413, 415, 422, 503)
  create(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<CreatedEndpoint> {
    return this.admin.create(jsonBody(body, contentType), query);
  }

  @Get()
  @ApiOperation({ summary: 'Endpoints in creation order, one page' })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1-${LIMITS.pageSize} (default 20)` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: ENDPOINT_PAGE })
  @problems(400, 503)
  list(@Query() query: unknown): Promise<EndpointListPage> {
    return this.admin.list(query);
  }

  @Get(':id')
  @ID
  @ApiOperation({ summary: 'One endpoint (its secret is never shown again)' })
  @ApiResponse({ status: 200, schema: ENDPOINT })
  @problems(400, 404, 503)
  get(@Param('id') id: string, @Query() query: unknown): Promise<Endpoint> {
    return this.admin.get(id, query);
  }

  @Patch(':id')
  @ID
  @ApiOperation({ summary: 'Change fields of an endpoint; enable or disable it' })
  @ApiBody({ schema: UPDATE_ENDPOINT })
  @ApiResponse({ status: 200, schema: ENDPOINT })
  @problems(400, 404, 413, 415, 422, 503)
  update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<Endpoint> {
    return this.admin.update(id, jsonBody(body, contentType), query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ID
  @ApiOperation({ summary: 'Delete an endpoint with its secrets, deliveries and attempts' })
  @ApiResponse({ status: 204, description: 'deleted' })
  @problems(400, 404, 503)
  async delete(@Param('id') id: string, @Query() query: unknown): Promise<void> {
    await this.admin.delete(id, query);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ID
  @ApiOperation({
    summary:
      'A new signing secret, shown once; the previous ones keep signing beside it for the overlap (both signatures sent)',
  })
  @ApiBody({ schema: ROTATE_SECRET, required: false })
  @ApiResponse({ status: 200, schema: ROTATED_SECRET })
  @problems(400, 404, 413, 415, 422, 503)
  rotateSecret(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
  ): Promise<RotatedSecret> {
    return this.admin.rotateSecret(id, jsonBody(body, contentType), query);
  }
}
