/** apps/<name>/src/<name>.handlers.ts and its spec: the first handler and its unit test. */
import { lib, type ConsumerSpec } from '../consumer-description';

function payload(s: ConsumerSpec): { import: string; type: string } {
  return s.payloadTypeExists
    ? { import: `import type { ${s.payloadType} } from '${lib('events')}';\n`, type: s.payloadType }
    : { import: '', type: 'Record<string, unknown>' };
}

export function handlersTemplate(s: ConsumerSpec): string {
  const p = payload(s);
  return `/**
 * ${s.name}'s Kafka handlers. Keep each one thin: map the event to one use-case call. Throw
 * HandlerError({ retriable: false }) for an event that can never succeed (it goes to the
 * dead-letter topic at once); any other error is retried in place, then dead-lettered.
 */
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
${p.import}import { HandlerError, HeraldEventContext } from '${lib('kafka')}';
import type { EventLogLevel } from './config';

/** The level of each handled event's log line (EVENT_LOG_LEVEL), provided by the module. */
export const EVENT_LOG_LEVEL = Symbol('EVENT_LOG_LEVEL');

@Controller()
export class ${s.className}Handlers {
  private readonly logger = new Logger(${s.className}Handlers.name);
  /** Events handled by this instance; replace with a call to your use case. */
  handled = 0;

  constructor(@Inject(EVENT_LOG_LEVEL) private readonly eventLogLevel: EventLogLevel = 'info') {}

  /** ${s.eventType}, read as version ${s.version} whatever version the producer wrote. */
  @EventPattern('${s.eventType}', { version: ${s.version} })
  async ${s.handlerMethod}(@Payload() event: ${p.type}, @Ctx() ctx: HeraldEventContext): Promise<void> {
    const { id, type, version, topic, partition, offset } = ctx.envelope;
    if (id === '') throw new HandlerError('the event has no ce_id, so it cannot be deduplicated', { retriable: false });
    this.handled += 1;
    this.logEvent(\`handled \${type} \${id} (written as v\${version}) from \${topic}[\${partition}]@\${offset}: \${Object.keys(event).length} fields\`);
  }

  /** One line per event, so a new app shows its events arriving at the default LOG_LEVEL (info). */
  private logEvent(line: string): void {
    if (this.eventLogLevel === 'info') this.logger.log(line);
    else if (this.eventLogLevel === 'debug') this.logger.debug(line);
  }
}
`;
}

export function handlersSpecTemplate(s: ConsumerSpec): string {
  const p = payload(s);
  return `import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HandlerError, HeraldEventContext, type EventEnvelope } from '${lib('kafka')}';
${p.import}import { ${s.camelName}ConfigSchema } from './config';
import { ${s.className}Handlers } from './${s.name}.handlers';
import { ${s.className}Module } from './${s.name}.module';

function context(id: string): HeraldEventContext {
  const envelope: EventEnvelope = {
    id,
    type: '${s.eventType}',
    version: ${s.version},
    schemaId: 1,
    writerSchema: 'null',
    time: '2026-01-01T00:00:00.000Z',
    source: 'test',
    key: 'key-1',
    headers: {},
    topic: '${s.eventType}',
    partition: 0,
    offset: '0',
    timestamp: '1767225600000',
  };
  return new HeraldEventContext(envelope);
}

describe('${s.className}Handlers', () => {
  const event = {} as ${p.type};

  it('handles a ${s.eventType} event', async () => {
    const handlers = new ${s.className}Handlers();
    await handlers.${s.handlerMethod}(event, context('evt-1'));
    expect(handlers.handled).toBe(1);
  });

  it('refuses an event without id as non-retriable, so it is dead-lettered at once', async () => {
    const handlers = new ${s.className}Handlers();
    const failure = await handlers.${s.handlerMethod}(event, context('')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HandlerError);
    expect((failure as HandlerError).retriable).toBe(false);
  });

  it('logs one info line per event by default, as wired by the module; EVENT_LOG_LEVEL=silent logs none', async () => {
    const config = ${s.camelName}ConfigSchema.parse({ CONSUMER_GROUP: '${s.name}-test' });
    const app = await Test.createTestingModule({ imports: [${s.className}Module.register(config)] }).compile();
    const info = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await app.get(${s.className}Handlers).${s.handlerMethod}(event, context('evt-2'));
      expect(info.mock.calls.map(([line]) => String(line))).toEqual([
        'handled ${s.eventType} evt-2 (written as v${s.version}) from ${s.eventType}[0]@0: 0 fields',
      ]);
      info.mockClear();
      await new ${s.className}Handlers('silent').${s.handlerMethod}(event, context('evt-3'));
      expect(info).not.toHaveBeenCalled();
    } finally {
      info.mockRestore();
    }
  });
});
`;
}
