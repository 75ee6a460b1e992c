import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_REDACTIONS } from './platform.module';

function logged(object: Record<string, unknown>): Record<string, unknown> {
  let line = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      line += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: [...LOG_REDACTIONS], censor: '[redacted]' } }, sink).info(object, 'message');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('hides authorization headers, passwords, tokens and SASL settings, and keeps the rest', () => {
    const line = logged({
      req: { method: 'GET', headers: { authorization: 'Bearer hk_live_secret', host: 'x' } },
      config: { KAFKA_SASL_PASSWORD: 'hunter2', KAFKA_BROKERS: ['b:9093'], SCHEMA_REGISTRY_TOKEN: 'tok' },
      kafka: { sasl: { mechanism: 'plain', password: 'hunter3' }, brokers: ['b:9093'] },
      password: 'top',
    });
    expect(JSON.stringify(line)).not.toMatch(/hk_live_secret|hunter2|hunter3|"tok"|"top"/);
    expect(line['req']).toEqual({ method: 'GET', headers: { authorization: '[redacted]', host: 'x' } });
    expect(line['config']).toEqual({
      KAFKA_SASL_PASSWORD: '[redacted]',
      KAFKA_BROKERS: ['b:9093'],
      SCHEMA_REGISTRY_TOKEN: '[redacted]',
    });
    expect(line['kafka']).toEqual({ sasl: '[redacted]', brokers: ['b:9093'] });
  });
});
