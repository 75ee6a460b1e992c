import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { validateCatalog } from './catalog.loader';

/** Relative path → file content. */
type Tree = Record<string, string>;
type ExpectedProblem = [file: string, pointer: string, message: string | RegExp];

const PAY = 'payments/payments.payment.received';
const ORD = 'orders/orders.order.shipped';

interface RecordSchema {
  type: string;
  name: string;
  namespace: string;
  fields: object[];
}

const paymentV1: RecordSchema = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'merchant_id', type: 'string' },
    { name: 'amount_minor', type: 'long', default: 0 },
  ],
};
const paymentV2 = {
  ...paymentV1,
  fields: [...paymentV1.fields, { name: 'note', type: ['null', 'string'], default: null }],
};
const orderV1: RecordSchema = {
  type: 'record',
  name: 'OrderShipped',
  namespace: 'herald.orders',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'store_id', type: 'string' },
  ],
};

const TYPE_FOLDER_RULE = 'an event-type folder holds only event.yaml and v1.avsc, v2.avsc, ...';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const yaml = (key: string, tenant: string, extra = ''): string =>
  `description: Something happened.\nowner: some-team\nkey: ${key}\ntenant: ${tenant}\n${extra}`;

function validTree(): Tree {
  return {
    'README.md': '# Schemas\n',
    [`${PAY}/event.yaml`]: yaml('payment_id', 'merchant_id'),
    [`${PAY}/v1.avsc`]: json(paymentV1),
    [`${PAY}/v2.avsc`]: json(paymentV2),
    [`${ORD}/event.yaml`]: yaml('order_id', 'store_id'),
    [`${ORD}/v1.avsc`]: json(orderV1),
  };
}

/** Moves every file under folder `from` to folder `to`. */
function moveFolder(tree: Tree, from: string, to: string): void {
  for (const [path, content] of Object.entries(tree)) {
    if (!path.startsWith(`${from}/`)) continue;
    delete tree[path];
    tree[`${to}${path.slice(from.length)}`] = content;
  }
}

function withField(schema: RecordSchema, index: number, field: object): RecordSchema {
  return {
    ...schema,
    fields: schema.fields.map((f, i) => (i === index ? field : f)),
  };
}

const temporaryRoots: string[] = [];

async function writeTree(tree: Tree): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'herald-catalog-'));
  temporaryRoots.push(root);
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function problemsOf(change: (tree: Tree) => void): Promise<ExpectedProblem[]> {
  const tree = validTree();
  change(tree);
  const { catalog, problems } = await validateCatalog(await writeTree(tree));
  expect(catalog === undefined).toBe(problems.length > 0);
  return problems.map((p) => [p.file, p.pointer, p.message]);
}

const matching = (expected: ExpectedProblem[]) =>
  expected.map(([file, pointer, message]) => [
    file,
    pointer,
    message instanceof RegExp ? (expect.stringMatching(message) as unknown) : message,
  ]);

afterAll(async () => {
  await Promise.all(temporaryRoots.map((root) => rm(root, { recursive: true, force: true })));
});

describe('validateCatalog on broken trees', () => {
  it('accepts the unbroken tree the cases start from', async () => {
    await expect(problemsOf(() => undefined)).resolves.toEqual([]);
    const { catalog } = await validateCatalog(await writeTree(validTree()));
    expect(catalog?.eventTypes.map((t) => t.type)).toEqual([
      'orders.order.shipped',
      'payments.payment.received',
    ]);
  });

  const cases: Array<{ rule: string; change: (tree: Tree) => void; problems: ExpectedProblem[] }> = [
    {
      rule: 'an event-type folder name that is not <domain>.<entity>.<verb>',
      change: (t) => moveFolder(t, PAY, 'payments/payments.payment'),
      problems: [
        [
          'payments/payments.payment',
          '',
          /^event-type folder name "payments.payment" must be <domain>\.<entity>\.<past-tense-verb> \(/,
        ],
      ],
    },
    {
      rule: 'an event type whose first segment is not its domain folder',
      change: (t) => moveFolder(t, PAY, 'payments/billing.payment.received'),
      problems: [
        [
          'payments/billing.payment.received',
          '',
          'event type "billing.payment.received" must start with its domain folder\'s name, "payments."',
        ],
      ],
    },
    {
      rule: 'a domain folder name that is not lower-case kebab-case',
      change: (t) => moveFolder(t, 'orders', 'Orders'),
      problems: [['Orders', '', 'domain folder name "Orders" must match ^[a-z][a-z0-9-]*$']],
    },
    {
      rule: 'a gap in the versions (v1, v3)',
      change: (t) => {
        t[`${PAY}/v3.avsc`] = t[`${PAY}/v2.avsc`]!;
        delete t[`${PAY}/v2.avsc`];
      },
      problems: [
        [`${PAY}/v2.avsc`, '', 'missing v2.avsc: versions must be contiguous from v1 (found v1, v3)'],
      ],
    },
    {
      rule: 'a version folder without v1',
      change: (t) => delete t[`${ORD}/v1.avsc`],
      problems: [[`${ORD}/v1.avsc`, '', 'missing v1.avsc: versions must be contiguous from v1 (found none)']],
    },
    {
      rule: 'a stray file beside the versions',
      change: (t) => (t[`${PAY}/notes.txt`] = 'remember to add v3\n'),
      problems: [[`${PAY}/notes.txt`, '', `unexpected file: ${TYPE_FOLDER_RULE}`]],
    },
    {
      rule: 'a version file with a zero-padded number',
      change: (t) => (t[`${ORD}/v02.avsc`] = json(orderV1)),
      problems: [[`${ORD}/v02.avsc`, '', `unexpected file: ${TYPE_FOLDER_RULE}`]],
    },
    {
      rule: 'a stray folder inside an event-type folder',
      change: (t) => (t[`${ORD}/drafts/v2.avsc`] = json(orderV1)),
      problems: [[`${ORD}/drafts`, '', `unexpected folder: ${TYPE_FOLDER_RULE}`]],
    },
    {
      rule: 'a stray file in a domain folder and at the root',
      change: (t) => Object.assign(t, { 'orders/README.md': '# Orders\n', 'catalog.json': '{}\n' }),
      problems: [
        ['catalog.json', '', 'unexpected file: the catalog root holds only domain folders and README.md'],
        ['orders/README.md', '', 'unexpected file: a domain folder holds only event-type folders'],
      ],
    },
    {
      rule: 'a missing event.yaml',
      change: (t) => delete t[`${ORD}/event.yaml`],
      problems: [[`${ORD}/event.yaml`, '', 'missing event.yaml']],
    },
    {
      rule: 'an unknown key in event.yaml',
      change: (t) => (t[`${PAY}/event.yaml`] = yaml('payment_id', 'merchant_id', 'partiton: 6\n')),
      problems: [
        [
          `${PAY}/event.yaml`,
          '/partiton',
          'unknown field "partiton" (allowed: description, owner, compatibility, key, tenant, partitions, retention)',
        ],
      ],
    },
    {
      rule: 'a compatibility level that does not exist',
      change: (t) => (t[`${PAY}/event.yaml`] = yaml('payment_id', 'merchant_id', 'compatibility: FULLY\n')),
      problems: [
        [
          `${PAY}/event.yaml`,
          '/compatibility',
          'compatibility must be one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE; got "FULLY"',
        ],
      ],
    },
    {
      rule: 'a schema that is not valid JSON, with line and column',
      change: (t) =>
        (t[`${ORD}/v1.avsc`] = '{\n  "type": "record",\n  "name": "OrderShipped"\n  "fields": []\n}\n'),
      problems: [
        [
          `${ORD}/v1.avsc`,
          '',
          "invalid JSON at line 4, column 3: expected ',' or '}' after a property value, found \"\\\"\"",
        ],
      ],
    },
    {
      rule: 'a schema that is JSON but not Avro (unknown type name)',
      change: (t) => (t[`${PAY}/v2.avsc`] = json(withField(paymentV2, 2, { name: 'amount', type: 'Money' }))),
      problems: [
        [
          `${PAY}/v2.avsc`,
          '/fields/2/type',
          'invalid Avro schema: undefined type name: herald.payments.Money',
        ],
      ],
    },
    {
      rule: 'a default that does not fit its field type (string for an int)',
      change: (t) =>
        (t[`${PAY}/v1.avsc`] = json(
          withField(paymentV1, 2, { name: 'amount_minor', type: 'int', default: '100' }),
        )),
      problems: [
        [
          `${PAY}/v1.avsc`,
          '/fields/2/default',
          'invalid default: incompatible field default "100" (invalid "int": "100")',
        ],
      ],
    },
    {
      rule: 'a key field missing from one version',
      change: (t) => (t[`${PAY}/v2.avsc`] = json({ ...paymentV2, fields: paymentV2.fields.slice(1) })),
      problems: [
        [
          `${PAY}/v2.avsc`,
          '/fields',
          'no top-level field "payment_id", which is the partition key (event.yaml key)',
        ],
      ],
    },
  ];

  it.each(cases)('reports $rule', async ({ change, problems }) => {
    await expect(problemsOf(change)).resolves.toEqual(matching(problems));
  });

  it('reports every problem of the tree at once, sorted by file', async () => {
    const problems = await problemsOf((t) => {
      t[`${PAY}/event.yaml`] = yaml(
        'payment_id',
        'merchant_id',
        'compatibility: FULLY\nretention: forever\n',
      );
      t[`${PAY}/v1.avsc`] = json(
        withField(paymentV1, 2, { name: 'amount_minor', type: 'long', default: 'zero' }),
      );
      t[`${PAY}/v2.avsc`] = '{ "type": "record", }';
      t[`${ORD}/v3.avsc`] = json(orderV1);
      t['orders/notes.md'] = 'todo\n';
    });
    expect(problems).toEqual(
      matching([
        ['orders/notes.md', '', 'unexpected file: a domain folder holds only event-type folders'],
        [`${ORD}/v2.avsc`, '', 'missing v2.avsc: versions must be contiguous from v1 (found v1, v3)'],
        [`${PAY}/event.yaml`, '/compatibility', /^compatibility must be one of /],
        [`${PAY}/event.yaml`, '/retention', /^retention must be a positive number with a unit/],
        [`${PAY}/v1.avsc`, '/fields/2/default', /^invalid default: incompatible field default "zero"/],
        [`${PAY}/v2.avsc`, '', /^invalid JSON at line 1, column 21: expected a property name/],
      ]),
    );
  });
});
