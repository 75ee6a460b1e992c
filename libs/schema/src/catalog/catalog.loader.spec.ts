import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Type } from 'avsc';

import { checkCompatibility } from '../compatibility';
import { CatalogError, formatCatalogProblems } from './catalog.error';
import { findEventType, loadCatalog, validateCatalog } from './catalog.loader';
import type { Catalog, EventTypeDefinition } from './catalog.types';

/** The repository root: the nearest folder above this file holding both `schemas/` and `package.json`. */
function repositoryRoot(from: string): string {
  if (existsSync(join(from, 'schemas')) && existsSync(join(from, 'package.json'))) return from;
  const parent = dirname(from);
  if (parent === from) throw new Error(`no schemas/ folder above ${__dirname}`);
  return repositoryRoot(parent);
}

const SCHEMAS = join(repositoryRoot(__dirname), 'schemas');

function definition(catalog: Catalog, type: string): EventTypeDefinition {
  const found = findEventType(catalog, type);
  if (found === undefined) throw new Error(`${type} is not in the catalog`);
  return found;
}

function avroType(definition: EventTypeDefinition, version: number): Type {
  const found = definition.versions.find((v) => v.version === version);
  if (found === undefined) throw new Error(`${definition.type} has no version ${version}`);
  return Type.forSchema(found.schema as Parameters<typeof Type.forSchema>[0]);
}

/** Every record, enum and fixed definition and every field of a schema, by JSON path. */
function documentedNodes(node: unknown, path: string): Array<[string, unknown]> {
  if (Array.isArray(node)) return node.flatMap((branch, i) => documentedNodes(branch, `${path}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  const schema = node as {
    type?: unknown;
    doc?: unknown;
    fields?: unknown;
    items?: unknown;
    values?: unknown;
  };
  const own: Array<[string, unknown]> = ['record', 'enum', 'fixed'].includes(String(schema.type))
    ? [[path, schema.doc]]
    : [];
  const fields = Array.isArray(schema.fields)
    ? (schema.fields as Array<{ doc?: unknown; type: unknown }>)
    : [];
  return [
    ...own,
    ...fields.flatMap((field, i) => [
      [`${path}/fields/${i}`, field.doc] as [string, unknown],
      ...documentedNodes(field.type, `${path}/fields/${i}/type`),
    ]),
    ...documentedNodes(schema.items, `${path}/items`),
    ...documentedNodes(schema.values, `${path}/values`),
  ];
}

describe('the schemas/ catalog of the repository', () => {
  let catalog: Catalog;

  beforeAll(async () => {
    catalog = await loadCatalog(SCHEMAS);
  });

  it('holds the four event types with six versions, sorted by type', () => {
    expect(catalog.root).toBe(SCHEMAS);
    expect(
      catalog.eventTypes.map((t) => [t.type, t.versions.map((v) => v.version), t.latest.version]),
    ).toEqual([
      ['documents.document.signed', [1], 1],
      ['orders.order.shipped', [1, 2], 2],
      ['payments.payment.received', [1, 2], 2],
      ['users.user.registered', [1], 1],
    ]);
  });

  it('names topic and subject after the type, and files after the layout', () => {
    const payments = definition(catalog, 'payments.payment.received');
    expect(payments).toMatchObject({
      domain: 'payments',
      topic: 'payments.payment.received',
      subject: 'payments.payment.received-value',
    });
    expect(payments.versions.map((v) => v.file)).toEqual([
      'payments/payments.payment.received/v1.avsc',
      'payments/payments.payment.received/v2.avsc',
    ]);
    expect(payments.latest).toBe(payments.versions[1]);
  });

  it('reads event.yaml, applying the defaults where a field is left out', () => {
    expect(Object.fromEntries(catalog.eventTypes.map((t) => [t.type, t.metadata]))).toEqual({
      'documents.document.signed': {
        description: 'A signer signed a document; the last required signature completes it.',
        owner: 'documents-team',
        compatibility: 'FULL_TRANSITIVE',
        key: 'document_id',
        tenant: 'account_id',
        partitions: 3,
        retentionMs: -1,
      },
      'orders.order.shipped': {
        description: 'A store handed a parcel of an order to a carrier; one event per shipment.',
        owner: 'fulfilment-team',
        compatibility: 'FULL_TRANSITIVE',
        key: 'order_id',
        tenant: 'store_id',
        partitions: 6,
        retentionMs: 30 * 86_400_000,
      },
      'payments.payment.received': {
        description: 'A merchant received a payment; the processor captured the funds.',
        owner: 'payments-team',
        compatibility: 'FULL_TRANSITIVE',
        key: 'payment_id',
        tenant: 'merchant_id',
        partitions: 6,
        retentionMs: 365 * 86_400_000,
      },
      // users' event.yaml leaves out compatibility and partitions.
      'users.user.registered': {
        description: "A person created and confirmed an account in a tenant's workspace.",
        owner: 'identity-team',
        compatibility: 'FULL_TRANSITIVE',
        key: 'user_id',
        tenant: 'tenant_id',
        partitions: 3,
        retentionMs: 30 * 86_400_000,
      },
    });
  });

  it('gives every version its Parsing Canonical Form and a distinct SHA-256 fingerprint', () => {
    const versions = catalog.eventTypes.flatMap((t) => t.versions);
    const v1 = definition(catalog, 'payments.payment.received').versions[0]!;
    expect(JSON.parse(v1.canonical)).toMatchObject({
      name: 'herald.payments.PaymentReceived',
      type: 'record',
    });
    expect(v1.canonical).not.toMatch(/"doc"|"default"|"logicalType"|\s/);
    expect(versions.every((v) => /^[0-9a-f]{64}$/.test(v.fingerprint))).toBe(true);
    expect(new Set(versions.map((v) => v.fingerprint)).size).toBe(versions.length);
  });

  it('follows the schema conventions: namespace herald.<domain>, PascalCase names, docs everywhere', () => {
    for (const version of catalog.eventTypes.flatMap((t) =>
      t.versions.map((v) => ({ ...v, domain: t.domain })),
    )) {
      expect(version.schema).toMatchObject({ type: 'record', namespace: `herald.${version.domain}` });
      expect((version.schema as { name: string }).name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      const undocumented = documentedNodes(version.schema, version.file).filter(([, doc]) => !doc);
      expect(undocumented).toEqual([]);
    }
  });

  it('evolves every type so that each pair of versions resolves in both directions', () => {
    for (const eventType of catalog.eventTypes) {
      const types = eventType.versions.map((v) => avroType(eventType, v.version));
      for (const writer of types) {
        for (const reader of types) {
          // avsc's typings declare random() as returning a Type; it returns a random value of the type.
          const sample = writer.random() as unknown as Record<string, unknown>;
          const read = reader.fromBuffer(writer.toBuffer(sample), reader.createResolver(writer)) as unknown;
          const { key, tenant } = eventType.metadata;
          expect(read).toMatchObject({ [key]: sample[key], [tenant]: sample[tenant] });
        }
      }
    }
  });

  it('passes its own compatibility level: every version against all earlier ones', async () => {
    const catalog = await loadCatalog(SCHEMAS);
    for (const eventType of catalog.eventTypes) {
      const schemas = eventType.versions.map((v) => v.schema);
      for (let i = 1; i < schemas.length; i++) {
        const result = checkCompatibility(
          eventType.metadata.compatibility,
          schemas[i]!,
          schemas.slice(0, i).reverse(),
        );
        expect({ type: eventType.type, version: i + 1, problems: result.incompatibilities }).toEqual({
          type: eventType.type,
          version: i + 1,
          problems: [],
        });
      }
    }
  });

  it('lets a version 1 reader read the payment method added in version 2 as its enum default', () => {
    const payments = definition(catalog, 'payments.payment.received');
    const [v1, v2] = [avroType(payments, 1), avroType(payments, 2)];
    const event = { ...(v2.random() as unknown as object), method: 'DIRECT_DEBIT' };
    expect(v1.fromBuffer(v2.toBuffer(event), v1.createResolver(v2))).toMatchObject({ method: 'UNKNOWN' });
  });

  it('finds an event type by name, and nothing for an unknown name', () => {
    expect(findEventType(catalog, 'orders.order.shipped')?.metadata.key).toBe('order_id');
    expect(findEventType(catalog, 'orders.order.cancelled')).toBeUndefined();
  });

  it('validates the same tree without problems', async () => {
    await expect(validateCatalog(SCHEMAS)).resolves.toEqual({ catalog, problems: [] });
  });
});

describe('loadCatalog on a broken tree', () => {
  it('throws a CatalogError listing every problem, one per line', async () => {
    const missing = join(SCHEMAS, 'no-such-folder');
    const error = await loadCatalog(missing).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CatalogError);
    const catalogError = error as CatalogError;
    expect(catalogError.problems).toEqual([
      {
        file: '.',
        pointer: '',
        message: expect.stringMatching(/^cannot read folder: ENOENT: no such file or directory/) as unknown,
      },
    ]);
    expect(catalogError.message).toMatch(
      new RegExp(`^schema catalog ${missing} has 1 problem:\n {2}\\.: cannot read folder: ENOENT`),
    );
  });

  it('formats each problem as file#pointer: message, the pointer left out for a whole file', () => {
    const problems = [
      { file: 'a/a.b.c/event.yaml', pointer: '', message: 'missing event.yaml' },
      { file: 'a/a.b.c/v1.avsc', pointer: '/fields/2/default', message: 'invalid default' },
    ];
    expect(formatCatalogProblems('/repo/schemas', problems)).toBe(
      'schema catalog /repo/schemas has 2 problems:\n' +
        '  a/a.b.c/event.yaml: missing event.yaml\n' +
        '  a/a.b.c/v1.avsc#/fields/2/default: invalid default',
    );
  });
});
