import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { HandlerError, type EventEnvelope, type HeraldBatch } from '@app/kafka';
import { AuditWriteError } from '../domain/audit-errors';
import type { AuditRecorder } from '../domain/audit-recorder';
import { AuditEventsHandler } from './audit-events.handler';

const envelope = { id: 'e1', topic: 'orders.order.shipped', partition: 0, offset: '1' } as EventEnvelope;
const batch: HeraldBatch = {
  topic: 'orders.order.shipped',
  partition: 0,
  events: [{ data: { a: 1 }, envelope, value: Buffer.from([0, 0, 0, 0, 1]) }],
  previousOffset: '1',
  nextOffset: '2',
  attempt: 1,
};

function handlerFailingWith(error: unknown): AuditEventsHandler {
  return new AuditEventsHandler({
    recordBatch: jest.fn().mockRejectedValue(error),
  } as unknown as AuditRecorder);
}

describe('audit Kafka edge', () => {
  it("takes every event type with '*', a partition's batch at a time", () => {
    const handle = Object.getOwnPropertyDescriptor(AuditEventsHandler.prototype, 'handle')!.value as object;
    expect(Reflect.getMetadata(PATTERN_METADATA, handle)).toEqual(['*']);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handle)).toEqual({ batch: true });
  });

  it('passes the events and the position they move to the recorder', async () => {
    const recordBatch = jest.fn().mockResolvedValue([{ status: 'stored' }]);
    const handler = new AuditEventsHandler({ recordBatch } as unknown as AuditRecorder);
    await handler.handle(batch);
    expect(recordBatch).toHaveBeenCalledWith(batch.events, {
      topic: 'orders.order.shipped',
      partition: 0,
      previousOffset: '1',
      nextOffset: '2',
    });
  });

  it.each([true, false])('turns a write error into a HandlerError with retriable=%p', async (retriable) => {
    const failure = handlerFailingWith(new AuditWriteError('db says no', { retriable })).handle(batch);
    await expect(failure).rejects.toBeInstanceOf(HandlerError);
    await expect(failure).rejects.toMatchObject({ retriable, message: 'db says no' });
  });
});
