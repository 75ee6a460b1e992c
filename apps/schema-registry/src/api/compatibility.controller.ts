/** `/compatibility`: would a schema be accepted, without registering it. */
import { Body, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CompatibilityTester, type CompatibilityVerdict } from '../registry';
import { RegistryController } from './registry-decorators';
import { queryFlag, schemaInput, type QueryParams } from './request-input';

interface CompatibilityAnswer {
  readonly is_compatible: boolean;
  readonly messages?: readonly string[];
}

/** Confluent lists the reasons only when asked with verbose=true. */
function answer(verdict: CompatibilityVerdict, query: QueryParams): CompatibilityAnswer {
  return queryFlag(query, 'verbose')
    ? { is_compatible: verdict.compatible, messages: verdict.messages }
    : { is_compatible: verdict.compatible };
}

@RegistryController('compatibility/subjects/:subject/versions', 'compatibility')
export class CompatibilityController {
  constructor(private readonly tester: CompatibilityTester) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a schema against every live version, as registration would' })
  async againstSubject(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
  ): Promise<CompatibilityAnswer> {
    return answer(await this.tester.againstSubject(subject, schemaInput(body)), query);
  }

  @Post(':version')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a schema against one version (a number, latest or -1)' })
  async againstVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
  ): Promise<CompatibilityAnswer> {
    return answer(await this.tester.againstVersion(subject, version, schemaInput(body)), query);
  }
}
