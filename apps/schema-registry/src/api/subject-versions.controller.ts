/** `/subjects/{subject}/versions`: register, list, read and delete a subject's versions. */
import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  SchemaDeletion,
  SchemaRegistration,
  SubjectQueries,
  type RegisteredSchema,
  type SchemaVersionView,
} from '../registry';
import { RegistryController, RegistryWrite } from './registry-decorators';
import { queryFlag, schemaInput, type QueryParams } from './request-input';

@RegistryController('subjects/:subject/versions', 'subjects')
export class SubjectVersionsController {
  constructor(
    private readonly subjects: SubjectQueries,
    private readonly registration: SchemaRegistration,
    private readonly deletion: SchemaDeletion,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the versions of a subject (deleted, deletedOnly)' })
  list(@Param('subject') subject: string, @Query() query: QueryParams): Promise<number[]> {
    return this.subjects.versions(subject, {
      deleted: queryFlag(query, 'deleted'),
      deletedOnly: queryFlag(query, 'deletedOnly'),
    });
  }

  @Post()
  @HttpCode(200)
  @RegistryWrite()
  @ApiOperation({ summary: 'Register a schema under a subject (normalize accepted)' })
  register(@Param('subject') subject: string, @Body() body: unknown): Promise<RegisteredSchema> {
    return this.registration.register(subject, schemaInput(body));
  }

  @Get(':version')
  @ApiOperation({ summary: 'Get a version (a number, latest or -1)' })
  get(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query() query: QueryParams,
  ): Promise<SchemaVersionView> {
    return this.subjects.version(subject, version, queryFlag(query, 'deleted'));
  }

  @Get(':version/schema')
  @ApiOperation({ summary: 'Get only the schema text of a version' })
  async schema(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query() query: QueryParams,
  ): Promise<string> {
    return (await this.subjects.version(subject, version, queryFlag(query, 'deleted'))).schema;
  }

  @Get(':version/referencedby')
  @ApiOperation({ summary: 'Ids of schemas referencing this version (references are not supported: [])' })
  referencedBy(@Param('subject') subject: string, @Param('version') version: string): Promise<number[]> {
    return this.subjects.referencedBy(subject, version);
  }

  @Delete(':version')
  @RegistryWrite()
  @ApiOperation({ summary: 'Soft delete a version, or hard delete it (permanent=true) after that' })
  delete(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query() query: QueryParams,
  ): Promise<number> {
    return this.deletion.deleteVersion(subject, version, queryFlag(query, 'permanent'));
  }
}
