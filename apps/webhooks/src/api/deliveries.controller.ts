/**
 * The deliveries admin API: list (filters, cursor, newest first), one delivery with its attempts
 * (request outcome, response status, headers and body, latency), retry one now, and an endpoint's
 * health figures. Each method maps its input to one DeliveryQueries call, which validates. The
 * admin token is checked before any route runs (admin-api.hooks.ts).
 */
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DeliveryQueries,
  type AttemptView,
  type DeliveryView,
  type EndpointStats,
} from '../domain/delivery-queries';
import { parseEndpointId } from '../domain/endpoint-requests';
import { problems } from './endpoints.controller';
import { DELIVERY_DETAIL, DELIVERY_PAGE, ENDPOINT_STATS } from './operations-openapi';

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryQueries) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'Deliveries, newest first, one page' })
  @ApiQuery({ name: 'endpoint', required: false, description: 'an endpoint id' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'failed'] })
  @ApiQuery({ name: 'type', required: false, description: 'an event type' })
  @ApiQuery({ name: 'limit', required: false, description: '1-100 (default 20)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: DELIVERY_PAGE })
  @problems(400, 503)
  page(
    @Query() query: unknown,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null; hasMore: boolean }> {
    return this.deliveries.page(query);
  }

  @Get('deliveries/:deliveryId')
  @ApiOperation({ summary: 'One delivery with every attempt (404 when absent)' })
  @ApiParam({ name: 'deliveryId', description: 'dlv_…' })
  @ApiResponse({ status: 200, schema: DELIVERY_DETAIL })
  @problems(400, 404, 503)
  async find(
    @Param('deliveryId') id: string,
    @Query() query: unknown,
  ): Promise<DeliveryView & { attemptList: AttemptView[] }> {
    return this.deliveries.find(id, query);
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attempt the delivery again now, whatever its state (the attempt is recorded)' })
  @ApiParam({ name: 'deliveryId', description: 'dlv_…' })
  @ApiResponse({
    status: 202,
    description: 'the delivery as GET /v1/deliveries/{id} answers it: pending, due now',
    schema: DELIVERY_DETAIL,
  })
  @problems(400, 404, 503)
  retry(
    @Param('deliveryId') id: string,
    @Query() query: unknown,
  ): Promise<DeliveryView & { attemptList: AttemptView[] }> {
    return this.deliveries.retry(id, query);
  }

  @Get('endpoints/:id/stats')
  @ApiOperation({
    summary:
      "An endpoint's health: deliveries by state, success rate and latency over 24 h, last error, backlog",
  })
  @ApiParam({ name: 'id', description: 'ep_…' })
  @ApiResponse({ status: 200, schema: ENDPOINT_STATS })
  @problems(400, 404, 503)
  stats(@Param('id') id: string, @Query() query: unknown): Promise<EndpointStats> {
    return this.deliveries.stats(parseEndpointId(id, query));
  }
}
