/** GET /v1/event-types: the catalog as publishers need it — types, docs, key fields, every version's schema. */
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Catalog } from '@app/schema';
import { CATALOG } from '../gateway.tokens';

@ApiTags('event-types')
@Controller('v1/event-types')
export class EventTypesController {
  private readonly body: unknown;

  constructor(@Inject(CATALOG) catalog: Catalog) {
    this.body = {
      eventTypes: catalog.eventTypes.map((definition) => ({
        type: definition.type,
        topic: definition.topic,
        subject: definition.subject,
        description: definition.metadata.description,
        owner: definition.metadata.owner,
        compatibility: definition.metadata.compatibility,
        keyField: definition.metadata.key,
        tenantField: definition.metadata.tenant,
        partitions: definition.metadata.partitions,
        retentionMs: definition.metadata.retentionMs,
        latestVersion: definition.latest.version,
        versions: definition.versions.map((v) => ({
          version: v.version,
          fingerprint: v.fingerprint,
          schema: v.schema,
        })),
      })),
    };
  }

  @Get()
  @ApiOperation({ summary: 'Every event type of the catalog with its versions and Avro schemas' })
  list(): unknown {
    return this.body;
  }
}
