/** `/mode`: READWRITE, READONLY or IMPORT, global and per subject. */
import { Body, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { RegistrySettings, type RegistryMode } from '../registry';
import { RegistryController, RegistryWrite } from './registry-decorators';
import { bodyObject, queryFlag, type QueryParams } from './request-input';

interface ModeAnswer {
  readonly mode: RegistryMode;
}

@RegistryController('mode', 'mode')
export class ModeController {
  constructor(private readonly settings: RegistrySettings) {}

  @Get()
  @ApiOperation({ summary: 'Get the global mode' })
  async getGlobal(): Promise<ModeAnswer> {
    return { mode: await this.settings.globalMode() };
  }

  @Put()
  @RegistryWrite()
  @ApiOperation({
    summary: 'Set the global mode: {"mode": "..."} (force=true to enter IMPORT when not empty)',
  })
  async putGlobal(@Body() body: unknown, @Query() query: QueryParams): Promise<ModeAnswer> {
    return { mode: await this.settings.setMode(null, bodyObject(body)['mode'], queryFlag(query, 'force')) };
  }

  @Delete()
  @RegistryWrite()
  @ApiOperation({ summary: 'Reset the global mode to READWRITE' })
  async deleteGlobal(): Promise<ModeAnswer> {
    return { mode: await this.settings.deleteMode(null) };
  }

  @Get(':subject')
  @ApiOperation({ summary: 'Get a subject’s own mode (defaultToGlobal=true falls back)' })
  async getSubject(@Param('subject') subject: string, @Query() query: QueryParams): Promise<ModeAnswer> {
    return { mode: await this.settings.subjectMode(subject, queryFlag(query, 'defaultToGlobal')) };
  }

  @Put(':subject')
  @RegistryWrite()
  @ApiOperation({ summary: 'Set a subject’s mode: {"mode": "..."}' })
  async putSubject(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
  ): Promise<ModeAnswer> {
    return {
      mode: await this.settings.setMode(subject, bodyObject(body)['mode'], queryFlag(query, 'force')),
    };
  }

  @Delete(':subject')
  @RegistryWrite()
  @ApiOperation({ summary: 'Remove a subject’s own mode' })
  async deleteSubject(@Param('subject') subject: string): Promise<ModeAnswer> {
    return { mode: await this.settings.deleteMode(subject) };
  }
}
