/** `/schemas`: schemas by their global id (what consumers resolve), and listings. */
import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  SchemaQueries,
  type SchemaByIdView,
  type SchemaVersionView,
  type SubjectVersionPair,
} from '../registry';
import { RegistryController } from './registry-decorators';
import { queryFlag, queryText, type QueryParams } from './request-input';

@RegistryController('schemas', 'schemas')
export class SchemasController {
  constructor(private readonly schemas: SchemaQueries) {}

  @Get()
  @ApiOperation({ summary: 'List schema versions (subjectPrefix, deleted, latestOnly)' })
  list(@Query() query: QueryParams): Promise<SchemaVersionView[]> {
    return this.schemas.list({
      subjectPrefix: queryText(query, 'subjectPrefix'),
      deleted: queryFlag(query, 'deleted'),
      latestOnly: queryFlag(query, 'latestOnly'),
    });
  }

  @Get('types')
  @ApiOperation({ summary: 'Schema types this registry registers' })
  types(): string[] {
    return this.schemas.types();
  }

  @Get('ids/:id')
  @ApiOperation({ summary: 'Get a schema by id' })
  byId(@Param('id') id: string): Promise<SchemaByIdView> {
    return this.schemas.byId(id);
  }

  @Get('ids/:id/schema')
  @ApiOperation({ summary: 'Get only the schema text by id' })
  async schemaText(@Param('id') id: string): Promise<string> {
    return (await this.schemas.byId(id)).schema;
  }

  @Get('ids/:id/subjects')
  @ApiOperation({ summary: 'Subjects using a schema id (deleted)' })
  subjects(@Param('id') id: string, @Query() query: QueryParams): Promise<string[]> {
    return this.schemas.subjectsOf(id, queryFlag(query, 'deleted'));
  }

  @Get('ids/:id/versions')
  @ApiOperation({ summary: 'Subject versions using a schema id (deleted)' })
  versions(@Param('id') id: string, @Query() query: QueryParams): Promise<SubjectVersionPair[]> {
    return this.schemas.versionsOf(id, queryFlag(query, 'deleted'));
  }
}
