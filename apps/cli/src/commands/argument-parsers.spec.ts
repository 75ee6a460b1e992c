import { InvalidArgumentError } from 'commander';
import {
  brokerList,
  eventType,
  groupName,
  httpUrl,
  kafkaOffset,
  nonNegativeInteger,
  parseDurationMs,
  parseTimePoint,
  positiveInteger,
  topicName,
} from './argument-parsers';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    ['0s', 0],
  ])('reads %s', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', '10', 'm', '10 m', '1.5h', '-5m', '10minutes', '1h 30m', '10mx', '2026-11-27'])(
    'is not a duration: %j',
    (text) => expect(parseDurationMs(text)).toBeUndefined(),
  );
});

describe('parseTimePoint', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');

  it('reads a duration as that long before now', () => {
    expect(parseTimePoint('10m', now).toISOString()).toBe('2026-11-27T11:50:00.000Z');
    expect(parseTimePoint('1d', now).toISOString()).toBe('2026-11-26T12:00:00.000Z');
  });

  it('reads RFC 3339 with Z or an offset', () => {
    expect(parseTimePoint('2026-11-27T10:00:00Z', now).toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(parseTimePoint('2026-11-27T10:00:00.250+02:00', now).toISOString()).toBe(
      '2026-11-27T08:00:00.250Z',
    );
  });

  it.each(['2026-11-27T10:00:00', '2026-11-27', 'yesterday', 'now', '2026-13-45T99:00:00Z'])(
    'refuses %j with a message that shows both forms',
    (text) => {
      expect(() => parseTimePoint(text, now)).toThrow(InvalidArgumentError);
      expect(() => parseTimePoint(text, now)).toThrow(/RFC 3339 .* duration/);
    },
  );
});

describe('integer options', () => {
  it('positiveInteger takes whole numbers from 1', () => {
    expect(positiveInteger('1')).toBe(1);
    expect(positiveInteger('250')).toBe(250);
    for (const bad of ['0', '-1', '1.5', 'two', '', '1e3', '99999999999999999999']) {
      expect(() => positiveInteger(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('nonNegativeInteger takes 0', () => {
    expect(nonNegativeInteger('0')).toBe(0);
    expect(() => nonNegativeInteger('-1')).toThrow(InvalidArgumentError);
  });

  it('kafkaOffset keeps 64-bit offsets exact, as decimal strings', () => {
    expect(kafkaOffset('0')).toBe('0');
    expect(kafkaOffset('0042')).toBe('42');
    expect(kafkaOffset('9007199254740993')).toBe('9007199254740993');
    expect(kafkaOffset('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of ['-1', '1.5', 'ten', '', '1e3', '9223372036854775808']) {
      expect(() => kafkaOffset(bad)).toThrow(InvalidArgumentError);
    }
  });
});

describe('names and addresses', () => {
  it('eventType follows <domain>.<entity>.<verb>', () => {
    expect(eventType('payments.payment.received')).toBe('payments.payment.received');
    for (const bad of ['payments', 'Payments.payment.received', 'a.b', 'a.b.c.d', 'a..b']) {
      expect(() => eventType(bad)).toThrow(/not an event type name/);
    }
  });

  it('topicName follows Kafka rules', () => {
    expect(topicName('payments.payment.received.dlq.audit')).toBe('payments.payment.received.dlq.audit');
    for (const bad of ['', '.', '..', 'a/b', 'a b', 'x'.repeat(250)]) {
      expect(() => topicName(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('brokerList reads host:port lists', () => {
    expect(brokerList('127.0.0.1:9092, 127.0.0.1:9094')).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(() => brokerList('localhost')).toThrow(/host:port/);
    expect(() => brokerList(' , ')).toThrow(InvalidArgumentError);
  });

  it('groupName takes any non-blank group id', () => {
    expect(groupName('audit')).toBe('audit');
    expect(() => groupName('  ')).toThrow(/must not be empty/);
  });

  it('httpUrl takes http and https only', () => {
    expect(httpUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => httpUrl('ftp://x')).toThrow(InvalidArgumentError);
    expect(() => httpUrl('gateway')).toThrow(InvalidArgumentError);
  });
});
