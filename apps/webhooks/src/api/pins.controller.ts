/**
 * `GET /v1/pins`: the schema versions endpoints pin, per type, with how many endpoints pin each.
 * Read-only; `herald schemas check --pins` fetches it (or a file exported from it) to refuse a
 * schema change that a pinned version could not read. The admin token is checked before any
 * route runs (admin-api.hooks.ts).
 */
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EndpointAdmin, type PinsInUse } from '../domain/endpoint-admin';
import { PINS_IN_USE, PROBLEM } from './endpoints-openapi';

@ApiTags('endpoints')
@ApiBearerAuth()
@Controller('v1/pins')
export class PinsController {
  constructor(private readonly admin: EndpointAdmin) {}

  @Get()
  @ApiOperation({
    summary:
      'The pinned versions in use: each (type, version) some endpoint pins, disabled endpoints included, with their count',
  })
  @ApiResponse({ status: 200, schema: PINS_IN_USE })
  @ApiResponse({ status: 400, description: 'application/problem+json', schema: PROBLEM })
  @ApiResponse({ status: 401, description: 'application/problem+json', schema: PROBLEM })
  @ApiResponse({ status: 503, description: 'application/problem+json', schema: PROBLEM })
  pins(@Query() query: unknown): Promise<PinsInUse> {
    return this.admin.pins(query);
  }
}
