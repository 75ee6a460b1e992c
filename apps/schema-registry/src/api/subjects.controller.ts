/** `/subjects`: list subjects, look a schema up under one, delete one. */
import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { SchemaDeletion, SubjectQueries, type SchemaVersionView } from '../registry';
import { RegistryController, RegistryWrite } from './registry-decorators';
import { queryFlag, queryText, schemaInput, type QueryParams } from './request-input';

@RegistryController('subjects', 'subjects')
export class SubjectsController {
  constructor(
    private readonly subjects: SubjectQueries,
    private readonly deletion: SchemaDeletion,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List subjects (subjectPrefix, deleted, deletedOnly)' })
  list(@Query() query: QueryParams): Promise<string[]> {
    return this.subjects.subjects({
      prefix: queryText(query, 'subjectPrefix'),
      deleted: queryFlag(query, 'deleted'),
      deletedOnly: queryFlag(query, 'deletedOnly'),
    });
  }

  @Post(':subject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Find the version of a subject holding this schema' })
  lookup(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
  ): Promise<SchemaVersionView> {
    return this.subjects.lookup(subject, schemaInput(body), queryFlag(query, 'deleted'));
  }

  @Delete(':subject')
  @RegistryWrite()
  @ApiOperation({ summary: 'Soft delete a subject, or hard delete it (permanent=true) after that' })
  delete(@Param('subject') subject: string, @Query() query: QueryParams): Promise<number[]> {
    return this.deletion.deleteSubject(subject, queryFlag(query, 'permanent'));
  }
}
