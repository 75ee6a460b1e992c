import { parseEventMetadata } from './event-metadata.parser';

const REQUIRED =
  'description: A payment was received.\nowner: payments-team\nkey: payment_id\ntenant: merchant_id\n';
const DAY_MS = 86_400_000;

describe('parseEventMetadata', () => {
  it('applies the defaults: FULL_TRANSITIVE, 3 partitions, 7 days', () => {
    expect(parseEventMetadata(REQUIRED)).toEqual({
      ok: true,
      metadata: {
        description: 'A payment was received.',
        owner: 'payments-team',
        compatibility: 'FULL_TRANSITIVE',
        key: 'payment_id',
        tenant: 'merchant_id',
        partitions: 3,
        retentionMs: 7 * DAY_MS,
      },
    });
  });

  it('keeps the values it is given', () => {
    const result = parseEventMetadata(`${REQUIRED}compatibility: BACKWARD\npartitions: 12\nretention: 90d\n`);
    expect(result).toMatchObject({
      ok: true,
      metadata: { compatibility: 'BACKWARD', partitions: 12, retentionMs: 90 * DAY_MS },
    });
  });

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 12 * 3_600_000],
    ['365d', 365 * DAY_MS],
    ['infinite', -1],
  ])('reads retention %s as %d ms', (retention, ms) => {
    expect(parseEventMetadata(`${REQUIRED}retention: ${retention}\n`)).toMatchObject({
      ok: true,
      metadata: { retentionMs: ms },
    });
  });

  it.each(['0d', '7 days', '1.5d', '2w', '30', '-1d', 'forever', '999999999999d'])(
    'rejects retention %s',
    (retention) => {
      const result = parseEventMetadata(`${REQUIRED}retention: ${retention}\n`);
      expect(result).toMatchObject({ ok: false, problems: [{ pointer: '/retention' }] });
    },
  );

  it.each([
    ['partitions: 0', '/partitions', 'partitions must be at least 1'],
    ['partitions: 2.5', '/partitions', 'partitions must be an integer'],
    ['partitions: "6"', '/partitions', 'partitions must be an integer'],
    ['compatibility: full', '/compatibility', /^compatibility must be one of BACKWARD, .*; got "full"$/],
  ])('rejects %s', (line, pointer, message) => {
    expect(parseEventMetadata(`${REQUIRED}${line}\n`)).toEqual({
      ok: false,
      problems: [
        {
          pointer,
          message: typeof message === 'string' ? message : (expect.stringMatching(message) as unknown),
        },
      ],
    });
  });

  it('rejects an owner that is not a kebab-case team name', () => {
    expect(parseEventMetadata(REQUIRED.replace('payments-team', 'Payments Team'))).toEqual({
      ok: false,
      problems: [{ pointer: '/owner', message: 'owner must be a kebab-case team name' }],
    });
  });

  it('reports each missing field and each field of the wrong kind at its pointer', () => {
    expect(parseEventMetadata('description: ""\nkey: payment-id\ntenant: 7\n')).toEqual({
      ok: false,
      problems: [
        { pointer: '/description', message: 'description must not be empty' },
        { pointer: '/owner', message: 'missing required field' },
        { pointer: '/key', message: 'key must be an Avro field name ([A-Za-z_][A-Za-z0-9_]*)' },
        { pointer: '/tenant', message: 'tenant must be a string' },
      ],
    });
  });

  it('rejects every unknown field, naming the allowed ones', () => {
    expect(parseEventMetadata(`${REQUIRED}partition: 6\nretention_ms: 1000\n`)).toEqual({
      ok: false,
      problems: ['partition', 'retention_ms'].map((key) => ({
        pointer: `/${key}`,
        message: `unknown field "${key}" (allowed: description, owner, compatibility, key, tenant, partitions, retention)`,
      })),
    });
  });

  it.each([
    ['an empty file', ''],
    ['a list', '- description: x\n'],
  ])('rejects %s as not a mapping', (_case, text) => {
    expect(parseEventMetadata(text)).toEqual({
      ok: false,
      problems: [{ pointer: '', message: 'event.yaml must be a mapping of fields' }],
    });
  });

  it('reports YAML syntax errors and duplicate keys with the field pointer, line and column', () => {
    expect(parseEventMetadata(`${REQUIRED}owner: other-team\n`)).toEqual({
      ok: false,
      problems: [{ pointer: '/owner', message: 'invalid YAML at line 5, column 1: Map keys must be unique' }],
    });
    expect(parseEventMetadata('description: x\nowner: [a\n')).toMatchObject({
      ok: false,
      problems: [
        {
          pointer: '/owner/0',
          message: expect.stringMatching(/^invalid YAML at line 3, column 1: /) as unknown,
        },
      ],
    });
    expect(parseEventMetadata('description: x\nowner: "unclosed\nkey: id\n')).toMatchObject({
      ok: false,
      problems: [
        {
          pointer: '/owner',
          message: expect.stringMatching(/^invalid YAML at line 4, column 1: Missing closing/) as unknown,
        },
      ],
    });
  });
});
