/** `/config`: compatibility levels, global and per subject. */
import { Body, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { CompatibilityLevel } from '@app/schema';
import { RegistrySettings } from '../registry';
import { RegistryController, RegistryWrite } from './registry-decorators';
import { bodyObject, queryFlag, type QueryParams } from './request-input';

interface LevelAnswer {
  readonly compatibilityLevel: CompatibilityLevel;
}

interface LevelUpdate {
  readonly compatibility: CompatibilityLevel;
}

@RegistryController('config', 'config')
export class ConfigController {
  constructor(private readonly settings: RegistrySettings) {}

  @Get()
  @ApiOperation({ summary: 'Get the global compatibility level' })
  async getGlobal(): Promise<LevelAnswer> {
    return { compatibilityLevel: await this.settings.globalLevel() };
  }

  @Put()
  @RegistryWrite()
  @ApiOperation({ summary: 'Set the global compatibility level: {"compatibility": "..."}' })
  async putGlobal(@Body() body: unknown): Promise<LevelUpdate> {
    return { compatibility: await this.settings.setLevel(null, bodyObject(body)['compatibility']) };
  }

  @Delete()
  @RegistryWrite()
  @ApiOperation({ summary: 'Reset the global compatibility level to the default (BACKWARD)' })
  async deleteGlobal(): Promise<LevelAnswer> {
    return { compatibilityLevel: await this.settings.deleteLevel(null) };
  }

  @Get(':subject')
  @ApiOperation({ summary: 'Get a subject’s own level (defaultToGlobal=true falls back)' })
  async getSubject(@Param('subject') subject: string, @Query() query: QueryParams): Promise<LevelAnswer> {
    return {
      compatibilityLevel: await this.settings.subjectLevel(subject, queryFlag(query, 'defaultToGlobal')),
    };
  }

  @Put(':subject')
  @RegistryWrite()
  @ApiOperation({ summary: 'Set a subject’s compatibility level: {"compatibility": "..."}' })
  async putSubject(@Param('subject') subject: string, @Body() body: unknown): Promise<LevelUpdate> {
    return { compatibility: await this.settings.setLevel(subject, bodyObject(body)['compatibility']) };
  }

  @Delete(':subject')
  @RegistryWrite()
  @ApiOperation({ summary: 'Remove a subject’s own level' })
  async deleteSubject(@Param('subject') subject: string): Promise<LevelAnswer> {
    return { compatibilityLevel: await this.settings.deleteLevel(subject) };
  }
}
