/** `GET /`: Confluent answers an empty object, which clients use as a cheap reachability check. */
import { Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { RegistryController } from './registry-decorators';

@RegistryController('', 'root')
export class RootController {
  @Get()
  @ApiOperation({ summary: 'Reachability check: {}' })
  root(): Record<string, never> {
    return {};
  }
}
