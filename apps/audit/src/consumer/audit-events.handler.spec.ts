import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { HandlerError, HeraldEventContext, type EventEnvelope } from '@app/kafka';
import { AuditWriteError } from '../domain/audit-errors';
import type { AuditRecorder } from '../domain/audit-recorder';
import { AuditEventsHandler } from './audit-events.handler';

const envelope = { id: 'e1', topic: 'orders.order.shipped', partition: 0, offset: '1' } as EventEnvelope;

function handlerFailingWith(error: unknown): AuditEventsHandler {
  return new AuditEventsHandler({ record: jest.fn().mockRejectedValue(error) } as unknown as AuditRecorder);
}

describe('audit Kafka edge', () => {
  it("takes every event type with '*'", () => {
    const handle = Object.getOwnPropertyDescriptor(AuditEventsHandler.prototype, 'handle')!.value as object;
    expect(Reflect.getMetadata(PATTERN_METADATA, handle)).toEqual(['*']);
  });

  it('passes the payload and envelope to the recorder', async () => {
    const record = jest.fn().mockResolvedValue({ status: 'stored' });
    const handler = new AuditEventsHandler({ record } as unknown as AuditRecorder);
    await handler.handle({ a: 1 }, new HeraldEventContext(envelope));
    expect(record).toHaveBeenCalledWith({ a: 1 }, envelope);
  });

  it.each([true, false])('turns a write error into a HandlerError with retriable=%p', async (retriable) => {
    const handler = handlerFailingWith(new AuditWriteError('db says no', { retriable }));
    const failure = handler.handle({}, new HeraldEventContext(envelope));
    await expect(failure).rejects.toBeInstanceOf(HandlerError);
    await expect(failure).rejects.toMatchObject({ retriable, message: 'db says no' });
  });
});
