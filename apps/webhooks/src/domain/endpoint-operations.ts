/**
 * The operations on one endpoint: recover its failed deliveries of a window, replay its events of
 * a window (both as jobs, domain/jobs.ts), and send it a test event (domain/test-events.ts). Each
 * checks the path and body at this boundary, like the endpoints' use cases.
 */
import { parseEndpointId } from './endpoint-requests';
import type { Jobs, JobView } from './jobs';
import { parseWindowRequest } from './operation-requests';
import type { SentTestEvent, TestEvents } from './test-events';

export class EndpointOperations {
  constructor(
    private readonly jobs: Jobs,
    private readonly testEvents: TestEvents,
  ) {}

  recover(id: unknown, body: unknown, query: unknown): Promise<JobView> {
    const endpointId = parseEndpointId(id, query);
    return this.jobs.start('recover', endpointId, parseWindowRequest(body));
  }

  replay(id: unknown, body: unknown, query: unknown): Promise<JobView> {
    const endpointId = parseEndpointId(id, query);
    return this.jobs.start('replay', endpointId, parseWindowRequest(body));
  }

  test(id: unknown, body: unknown, query: unknown): Promise<SentTestEvent> {
    return this.testEvents.send(parseEndpointId(id, query), body);
  }
}
