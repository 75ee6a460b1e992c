import { auditEvent } from '../spec-support/in-memory-audit-store';
import type { ChainedAuditEvent } from '../domain/audit-event';
import { textKey } from '../domain/audit-text-key';
import { GENESIS_HASH, linkEvents } from '../domain/hash-chain';
import { fromRow, toRow, type AuditEventRow } from './audit-tables';

/** What node-postgres hands back for an inserted row: timestamps as Date, legacy JSONB columns null. */
function asSelected(event: ChainedAuditEvent, sequence = '1'): AuditEventRow {
  const row = toRow(event);
  return {
    ...row,
    sequence,
    subject: row.subject ?? null,
    event_key: row.event_key ?? null,
    event_time: new Date(row.event_time),
    kafka_timestamp: new Date(row.kafka_timestamp),
    ingested_at: new Date(row.ingested_at),
    data: null,
    headers: null,
  } as AuditEventRow;
}

const chained = (overrides: Parameters<typeof auditEvent>[0] = {}) =>
  linkEvents(GENESIS_HASH, [auditEvent(overrides)])[0]!;

describe('audit rows', () => {
  it('stores data and headers as the JSON text of the mapping, U+0000 included', () => {
    const event = chained({
      data: { text: 'nul\u0000byte', max: '9223372036854775807', n: -9007199254740991 },
      headers: { ce_id: 'x', 'x-\u0000': 'v\u0000' },
    });
    const row = toRow(event);
    expect(row.data_json).toBe('{"text":"nul\\u0000byte","max":"9223372036854775807","n":-9007199254740991}');
    expect(row.headers_json).toBe('{"ce_id":"x","x-\\u0000":"v\\u0000"}');
    expect(row.exact_values).toBeNull();
    expect(fromRow(asSelected(event))).toEqual({ ...event, sequence: '1' });
  });

  it('keeps a text value PostgreSQL cannot hold as it is in exact_values, and its key in the column', () => {
    const longKey = 'k'.repeat(5000);
    const event = chained({
      type: 't\u0000',
      source: 'src\u0000',
      subject: '\uffffsubject',
      key: longKey,
      time: '2026-01-01T00:00:00Z\u0000',
    });
    const row = toRow(event);
    expect(row).toMatchObject({
      type: textKey('t\u0000'),
      source: textKey('src\u0000'),
      subject: textKey('\uffffsubject'),
      event_key: textKey(longKey),
      time: textKey('2026-01-01T00:00:00Z\u0000'),
    });
    expect(JSON.parse(row.exact_values!)).toEqual({
      type: 't\u0000',
      source: 'src\u0000',
      subject: '\uffffsubject',
      event_key: longKey,
      time: '2026-01-01T00:00:00Z\u0000',
    });
    expect(fromRow(asSelected(event))).toEqual({ ...event, sequence: '1' });
  });

  it('reads a row stored before 0002 from its JSONB columns', () => {
    const event = chained({ data: { a: 1 }, headers: { ce_id: 'old' } });
    const legacy = {
      ...asSelected(event),
      data: { a: 1 },
      headers: { ce_id: 'old' },
      data_json: null,
      headers_json: null,
      exact_values: null,
    };
    expect(fromRow(legacy)).toEqual({ ...event, sequence: '1' });
  });

  it('reads an altered row so that it no longer matches what was hashed', () => {
    const event = chained({ key: 'a\u0000b', data: { a: 1 } });
    const row = asSelected(event);
    // A key column that no longer keys its exact value reads as what the column holds.
    expect(fromRow({ ...row, event_key: 'other' }).key).toBe('other');
    expect(fromRow({ ...row, exact_values: '{"event_key":"a\\u0000c"}' }).key).toBe(textKey('a\u0000b'));
    // JSON text the app never writes reads as the text itself, rather than failing the read.
    expect(fromRow({ ...row, data_json: '{"a":' }).data).toBe('{"a":');
    expect(fromRow({ ...row, exact_values: 'garbage' }).key).toBe(textKey('a\u0000b'));
  });
});
