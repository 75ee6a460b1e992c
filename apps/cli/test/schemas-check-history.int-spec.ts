/**
 * `herald schemas check` as CI runs it: the built CLI in a throw-away git repository whose base
 * commit holds the real schemas/ tree and whose `feature` branch is the pull request. Covers the
 * choice of base, every rule that compares with it, compatibility, the catalog rule and exit codes.
 */
import { createTemplateRepo, removeTemplateRepo, SchemaRepo } from './spec-support/schema-repo.fixture';

const PAY = 'schemas/payments/payments.payment.received';
const ORD = 'schemas/orders/orders.order.shipped';
const USR = 'schemas/users/users.user.registered';
const DOC = 'schemas/documents/documents.document.signed';

type Schema = { name: string; doc: string; fields: Array<Record<string, unknown>> } & Record<string, unknown>;

let template: string;
let repo: SchemaRepo;

beforeAll(() => {
  template = createTemplateRepo();
});
afterAll(() => removeTemplateRepo(template));
beforeEach(() => {
  repo = SchemaRepo.copyOf(template);
});
afterEach(() => repo.dispose());

/** payments v3: v2 plus an optional, documented field, as the README asks. */
function compatiblePaymentV3(): Schema {
  const v2 = repo.readJson<Schema>(`${PAY}/v2.avsc`);
  const risk = {
    name: 'risk_score',
    type: ['null', 'double'],
    default: null,
    doc: 'Fraud risk from 0 to 1.',
  };
  return { ...v2, doc: `${v2.doc} Version 3 adds the risk score.`, fields: [...v2.fields, risk] };
}

describe('herald schemas check against a git base', () => {
  it('passes a compatible evolution: a new version, a new type and a reformatted published file', () => {
    repo.writeJson(`${PAY}/v3.avsc`, compatiblePaymentV3());
    const refunds = 'schemas/payments/payments.refund.issued';
    repo.write(
      `${refunds}/event.yaml`,
      'description: A refund was issued.\nowner: payments-team\nkey: refund_id\ntenant: merchant_id\n',
    );
    repo.writeJson(`${refunds}/v1.avsc`, {
      type: 'record',
      name: 'RefundIssued',
      namespace: 'herald.payments',
      doc: 'A merchant refunded a payment.',
      fields: [
        { name: 'refund_id', type: 'string', doc: 'Identifier of the refund.' },
        { name: 'merchant_id', type: 'string', doc: 'Merchant that refunded (the tenant).' },
      ],
    });
    // Whitespace and key order only: the parsed JSON is unchanged, so this is no edit.
    const v1 = repo.readJson(`${ORD}/v1.avsc`);
    repo.write(`${ORD}/v1.avsc`, JSON.stringify(Object.fromEntries(Object.entries(v1).reverse())));
    repo.commit();

    const { status, report, stderr } = repo.check();
    expect(stderr).toBe('');
    expect(report.violations).toEqual([]);
    expect(report.summary).toMatchObject({
      errors: 0,
      eventTypes: 5,
      versions: 8,
      base: { ref: 'main', label: 'merge-base with main', commit: repo.git(['rev-parse', 'main']).trim() },
      checkedAlone: null,
    });
    expect(status).toBe(0);
  });

  it('version-edited: a published file whose parsed JSON changed, located at the change', () => {
    const v2 = repo.readJson<Schema>(`${PAY}/v2.avsc`);
    v2.fields[2] = { ...v2.fields[2], doc: 'Amount in minor units.' };
    repo.writeJson(`${PAY}/v2.avsc`, v2);
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      {
        rule: 'version-edited',
        severity: 'error',
        file: `${PAY}/v2.avsc`,
        line: repo.lineOf(`${PAY}/v2.avsc`, '"doc": "Amount in minor units."'),
        column: 7,
        pointer: '/fields/2/doc',
        message:
          'v2 of payments.payment.received is published and immutable, but its content changed at /fields/2/doc: ' +
          'restore it from main and put the change in a new version, v3.avsc',
      },
    ]);
    expect(status).toBe(1);
  });

  it('version-deleted: a published version file that is gone has a file but no line', () => {
    repo.remove(`${ORD}/v2.avsc`);
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      expect.objectContaining({
        rule: 'version-deleted',
        file: `${ORD}/v2.avsc`,
        line: null,
        column: null,
        message:
          'v2 of orders.order.shipped is published (it exists in main) and was deleted: registry version 2 and ' +
          'the data written with it still exist; restore the file',
      }),
    ]);
    expect(status).toBe(1);
  });

  it('type-removed: a published event type that is gone', () => {
    repo.remove('schemas/users');
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      expect.objectContaining({
        rule: 'type-removed',
        file: USR,
        line: null,
        message:
          'event type users.user.registered was removed, but it is published (it exists in main): its topic, ' +
          'registry subject and data stay in use; restore the folder',
      }),
    ]);
    expect(status).toBe(1);
  });

  it('type-renamed: a removed type whose versions reappear under a new name is reported once, as a rename', () => {
    const renamed = 'schemas/documents/documents.document.countersigned';
    repo.git(['mv', DOC, renamed]);
    const v1 = repo.readJson(`${renamed}/v1.avsc`);
    repo.writeJson(`${renamed}/v1.avsc`, { ...v1, name: 'DocumentCountersigned' });
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      expect.objectContaining({
        rule: 'type-renamed',
        file: `${renamed}/v1.avsc`,
        line: 1,
        column: 1,
        message:
          'event type documents.document.signed was renamed to documents.document.countersigned (which repeats ' +
          "its v1): a type's name is its Kafka topic and registry subject, so consumers and stored data stay on " +
          'documents.document.signed; keep it and evolve it with a new version, or add the new type without ' +
          'removing the old one',
      }),
    ]);
    expect(status).toBe(1);
  });

  it('level-loosened: a level that no longer implies the published one, at its line in event.yaml', () => {
    const yaml = repo
      .read(`${ORD}/event.yaml`)
      .replace('compatibility: FULL_TRANSITIVE', 'compatibility: FULL');
    repo.write(`${ORD}/event.yaml`, yaml);
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      {
        rule: 'level-loosened',
        severity: 'error',
        file: `${ORD}/event.yaml`,
        line: repo.lineOf(`${ORD}/event.yaml`, 'compatibility: FULL'),
        column: 1,
        pointer: '/compatibility',
        message:
          'compatibility of orders.order.shipped was loosened from FULL_TRANSITIVE to FULL, which checks a new ' +
          'version against the latest version only, not against every earlier one as FULL_TRANSITIVE does: ' +
          'readers and writers already rely on FULL_TRANSITIVE; keep it or choose a level that implies it',
      },
    ]);
    expect(status).toBe(1);
  });

  it('compatibility: a changed type in a nested record and a removed required field, at their lines', () => {
    const orders = repo.readJson<Schema>(`${ORD}/v2.avsc`);
    const items = orders.fields[6] as { type: { items: { fields: Array<Record<string, unknown>> } } };
    items.type.items.fields[1] = { ...items.type.items.fields[1], type: 'string' };
    repo.writeJson(`${ORD}/v3.avsc`, orders);
    const users = repo.readJson<Schema>(`${USR}/v1.avsc`);
    repo.writeJson(`${USR}/v2.avsc`, { ...users, fields: users.fields.filter((f) => f.name !== 'email') });
    repo.commit();

    const { status, report } = repo.check();
    const quantityType = repo.lineOf(
      `${ORD}/v3.avsc`,
      '"type": "string"',
      repo.lineOf(`${ORD}/v3.avsc`, '"quantity"'),
    );
    expect(
      report.violations.map((v) => [v.rule, v.file, v.line, v.pointer, v.message.split(': ')[0]]),
    ).toEqual([
      [
        'compatibility',
        `${ORD}/v3.avsc`,
        quantityType,
        '/fields/6/type/items/fields/1/type',
        'v3 cannot read data written with v2, v1 (FULL_TRANSITIVE checks backward)',
      ],
      [
        'compatibility',
        `${ORD}/v3.avsc`,
        quantityType,
        '/fields/6/type/items/fields/1/type',
        'v2, v1 cannot read data written with v3 (FULL_TRANSITIVE checks forward)',
      ],
      [
        'compatibility',
        `${USR}/v2.avsc`,
        repo.lineOf(`${USR}/v2.avsc`, '"fields": ['),
        '/fields',
        'v1 cannot read data written with v2 (FULL_TRANSITIVE checks forward)',
      ],
    ]);
    // Forward, the new version is the writer: the text names the spot the finding is annotated at.
    expect(report.violations[1]?.message).toContain(
      "writer type string at /fields/6/type/items/fields/1/type cannot be read as the reader's int",
    );
    expect(report.violations[2]?.message).toContain(
      'writer record "herald.users.UserRegistered" lacks field "email" in /fields, which the reader requires ' +
        '(it has no default there): keep writing the field',
    );
    expect(status).toBe(1);
  });

  it('catalog: layout, metadata and JSON syntax problems, located; they cannot hide other types', () => {
    repo.write(`${PAY}/notes.txt`, 'scratch');
    repo.write(`${ORD}/event.yaml`, `${repo.read(`${ORD}/event.yaml`)}partiton: 6\n`);
    repo.write(`${USR}/v2.avsc`, '{\n  "type": "record",\n  "name": "UserRegistered",\n}\n');
    const signed = repo.readJson<Schema>(`${DOC}/v1.avsc`);
    signed.fields[7] = { ...signed.fields[7], type: 'string' };
    repo.writeJson(`${DOC}/v2.avsc`, signed);
    repo.commit();

    const { status, report } = repo.check();
    const byRule = (rule: string) => report.violations.filter((v) => v.rule === rule);
    expect(byRule('catalog').map((v) => [v.file, v.line, v.column])).toEqual([
      [`${ORD}/event.yaml`, repo.lineOf(`${ORD}/event.yaml`, 'partiton: 6'), 1],
      [`${PAY}/notes.txt`, 1, 1],
      [`${USR}/v2.avsc`, 4, 1],
    ]);
    expect(byRule('catalog').map((v) => v.message)).toEqual([
      expect.stringMatching(/^unknown field "partiton"/),
      'unexpected file: an event-type folder holds only event.yaml and v1.avsc, v2.avsc, ...',
      expect.stringMatching(/^invalid JSON at line 4, column 1: /),
    ]);
    // The documents type has no catalog problem, so the broken types do not stop its check.
    expect(byRule('compatibility').map((v) => [v.file, v.pointer])).toEqual([
      [`${DOC}/v2.avsc`, '/fields/7/type'],
      [`${DOC}/v2.avsc`, '/fields/7/type'],
    ]);
    expect(status).toBe(1);
  });
});

describe('herald schemas check: choosing the base', () => {
  it('prefers the merge-base with origin/main over main', () => {
    const v2 = repo.readJson<Schema>(`${PAY}/v2.avsc`);
    repo.writeJson(`${PAY}/v2.avsc`, { ...v2, doc: 'Edited.' });
    repo.commit();
    repo.git(['update-ref', 'refs/remotes/origin/main', 'main']);
    repo.git(['branch', '--force', 'main', 'feature']);

    const byDefault = repo.check();
    expect(byDefault.report.summary['base']).toMatchObject({
      ref: 'origin/main',
      label: 'merge-base with origin/main',
    });
    expect(byDefault.report.violations.map((v) => v.rule)).toEqual(['version-edited']);
    expect(byDefault.status).toBe(1);

    const againstMain = repo.check(['--against', 'git:main']);
    expect(againstMain.report.summary['base']).toMatchObject({ ref: 'main', label: 'main' });
    expect(againstMain.report.violations).toEqual([]);
    expect(againstMain.status).toBe(0);
  });

  it('checks uncommitted work and leaves the working tree and index as they were', () => {
    repo.writeJson(`${PAY}/v3.avsc`, { ...compatiblePaymentV3(), namespace: 'herald.billing' });
    const statusBefore = repo.git(['status', '--porcelain']);

    const { status, report } = repo.check(['--against', 'git:HEAD']);
    expect(report.violations.map((v) => [v.rule, v.file])).toEqual([['namespace-domain', `${PAY}/v3.avsc`]]);
    expect(status).toBe(1);
    expect(repo.git(['status', '--porcelain'])).toBe(statusBefore);
    expect(statusBefore).toContain('?? schemas/payments/payments.payment.received/v3.avsc');
  });

  it('checks the tree alone, and says so, when there is no main to compare with', () => {
    repo.git(['branch', '--delete', '--force', 'main']);
    const result = repo.herald(['schemas', 'check']);
    expect(result.stdout).toContain(
      'Checked schemas/ (4 event types, 6 versions) alone: no git base (neither origin/main nor main shares history with HEAD).',
    );
    expect(result.stdout).toContain('✔ No problems found.');
    expect(result.status).toBe(0);
  });

  it('in CI, a shallow checkout without the mainline exits 2 saying how to fetch it; fetched, the edit is caught', () => {
    const v2 = repo.readJson<Schema>(`${PAY}/v2.avsc`);
    repo.writeJson(`${PAY}/v2.avsc`, { ...v2, doc: 'Edited.' });
    repo.commit();
    const shallow = SchemaRepo.shallowCloneOf(repo, 'feature');
    try {
      // Outside CI the tree is checked alone, and the edited published version passes: what CI must not do.
      expect(shallow.check().status).toBe(0);

      const inCi = shallow.herald(['schemas', 'check'], { CI: 'true' });
      expect(inCi.stdout).toBe('');
      expect(inCi.stderr).toContain(
        'herald: no git base to compare with (neither origin/main nor main shares history with HEAD), and in CI ' +
          'the check needs one',
      );
      expect(inCi.stderr).toContain('git fetch --no-tags --deepen=200 origin main');
      expect(inCi.stderr).toContain('--against git:origin/main');
      expect(inCi.status).toBe(2);
      expect(shallow.herald(['schemas', 'check'], { CI: 'false' }).status).toBe(0);

      shallow.git(['fetch', '--quiet', '--no-tags', '--deepen=200', 'origin', 'main']);
      const fetched = shallow.check([], { CI: 'true' });
      expect(fetched.report.summary['base']).toMatchObject({ ref: 'origin/main' });
      expect(fetched.report.violations.map((v) => [v.rule, v.file])).toEqual([
        ['version-edited', `${PAY}/v2.avsc`],
      ]);
      expect(fetched.status).toBe(1);
    } finally {
      shallow.dispose();
    }
  });

  it('checks the tree alone in a repository without commits, and in a folder outside git', () => {
    const fresh = SchemaRepo.plainCopy();
    try {
      const outside = fresh.check(['--dir', './schemas']);
      expect(outside.report.summary['checkedAlone']).toBe(
        'not inside a git repository, so there is no base to compare with',
      );
      expect(outside.status).toBe(0);
      fresh.git(['init', '--quiet']);
      const unborn = fresh.check();
      expect(unborn.report.summary['checkedAlone']).toBe('the repository has no commit yet');
      expect(unborn.report.violations).toEqual([]);
      expect(unborn.status).toBe(0);
    } finally {
      fresh.dispose();
    }
  });

  it.each([
    [
      ['--against', 'git:no-such-branch'],
      'herald: git ref "no-such-branch" does not exist in this repository',
    ],
    [
      // Port 1: nothing listens there, whatever else runs on this machine.
      ['--against', 'registry:http://127.0.0.1:1'],
      'herald: cannot compare with the schema registry at http://127.0.0.1:1: schema registry unreachable',
    ],
    [
      ['--against', 'registry:localhost:8081'],
      'herald: --against registry:localhost:8081 needs an http(s) URL, e.g. registry:http://127.0.0.1:8081',
    ],
    [['--against', 'svn:trunk'], 'herald: --against must be git:<ref> or registry:<url>, got "svn:trunk"'],
    [['--dir', 'no-such-folder'], 'herald: schemas folder no-such-folder does not exist or is not a folder'],
    [['--format', 'xml'], "error: option '--format <format>' argument 'xml' is invalid"],
  ])('exits 2 for %j', (args, message) => {
    const result = repo.herald(['schemas', 'check', ...args]);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });
});
