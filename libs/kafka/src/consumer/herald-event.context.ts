/**
 * The Nest RPC context of a Herald event (what `@Ctx()` injects): the envelope of the record
 * being handled, and the attempt number so a handler can tell a retry from a first delivery.
 */
import { BaseRpcContext } from '@nestjs/microservices';
import type { EventEnvelope } from './event-envelope';

export class HeraldEventContext extends BaseRpcContext<[EventEnvelope]> {
  constructor(
    envelope: EventEnvelope,
    /** 1 for the first delivery in this process, 2+ for in-place retries. */
    readonly attempt = 1,
  ) {
    super([envelope]);
  }

  get envelope(): EventEnvelope {
    return this.args[0];
  }
}
