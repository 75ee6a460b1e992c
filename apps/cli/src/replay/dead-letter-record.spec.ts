import type { IHeaders, KafkaMessage } from 'kafkajs';
import { deadLetterFacts, isSelected, replayHeaders, replayGroupId } from './dead-letter-record';

function record(headers: IHeaders, timestamp = '1764237600000'): KafkaMessage {
  return {
    key: Buffer.from('k'),
    value: Buffer.from([1, 2]),
    timestamp,
    attributes: 0,
    offset: '12',
    headers,
  };
}

describe('dead-letter records', () => {
  const letter = record({
    ce_id: Buffer.from('evt-1'),
    traceparent: Buffer.from([0xde, 0xad]),
    herald_dlq_topic: Buffer.from('payments.payment.received'),
    herald_dlq_error: Buffer.from('boom'),
    herald_dlq_time: Buffer.from('2026-11-27T10:00:00.000Z'),
  });

  it('reads the facts from the herald_dlq_* headers', () => {
    expect(deadLetterFacts(letter)).toEqual({
      id: 'evt-1',
      originalTopic: 'payments.payment.received',
      error: 'boom',
      deadLetteredAt: new Date('2026-11-27T10:00:00.000Z'),
    });
    expect(deadLetterFacts(record({})).deadLetteredAt.getTime()).toBe(1764237600000);
  });

  it('selects by ce_id and by dead-letter time, [since, until)', () => {
    const facts = deadLetterFacts(letter);
    expect(isSelected(facts, {})).toBe(true);
    expect(isSelected(facts, { ids: ['evt-2', 'evt-1'] })).toBe(true);
    expect(isSelected(facts, { ids: ['evt-2'] })).toBe(false);
    expect(isSelected(facts, { since: new Date('2026-11-27T10:00:00.000Z') })).toBe(true);
    expect(isSelected(facts, { until: new Date('2026-11-27T10:00:00.000Z') })).toBe(false);
    expect(isSelected(facts, { since: new Date('2026-11-27T10:00:00.001Z') })).toBe(false);
  });

  it('keeps the original headers byte for byte, drops herald_dlq_*, adds herald_replayed_from', () => {
    const headers = replayHeaders(letter, { topic: 'x.dlq.audit', partition: 3 });
    expect(Object.keys(headers).sort()).toEqual(['ce_id', 'herald_replayed_from', 'traceparent']);
    expect(headers['traceparent']).toEqual(Buffer.from([0xde, 0xad]));
    expect(headers['herald_replayed_from']).toBe('x.dlq.audit/3/12');
  });

  it('names its consumer group after the DLQ', () => {
    expect(replayGroupId('x.dlq.audit')).toBe('herald-replay.x.dlq.audit');
  });
});
