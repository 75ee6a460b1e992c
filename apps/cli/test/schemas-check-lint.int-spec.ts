/**
 * `herald schemas check` lint rules, herald.yaml disables and the three output formats, through
 * the built CLI in throw-away git repositories based on the real schemas/ tree.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

import { createTemplateRepo, removeTemplateRepo, SchemaRepo } from './spec-support/schema-repo.fixture';

const ROOT = join(__dirname, '..', '..', '..');

const PAY = 'schemas/payments/payments.payment.received';
const V3 = `${PAY}/v3.avsc`;

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

/** payments v3 = v2 plus `extra` fields. */
function writePaymentV3(extra: Array<Record<string, unknown>>, overrides: Partial<Schema> = {}): void {
  const v2 = repo.readJson<Schema>(`${PAY}/v2.avsc`);
  repo.writeJson(V3, { ...v2, ...overrides, fields: [...v2.fields, ...extra] });
}

const RISK_SCORE = { name: 'risk_score', type: 'double' };
const DOC_HINT = 'say what it means to a consumer, in one or two sentences';

describe('herald schemas check lint rules', () => {
  it('reports each lint rule at the line of the name it is about', () => {
    writePaymentV3(
      [
        RISK_SCORE,
        {
          name: 'channel',
          type: { type: 'enum', name: 'SalesChannel', symbols: ['WEB', 'POS'] },
          default: 'WEB',
          doc: 'Where the sale happened.',
        },
        {
          name: 'device',
          type: [
            'null',
            { type: 'record', name: 'Device', fields: [{ name: 'os', type: 'string', doc: 'OS.' }] },
          ],
          default: null,
          doc: 'The payer device.',
        },
      ],
      { namespace: 'herald.payment' },
    );
    repo.commit();

    const { status, report } = repo.check();
    const at = (snippet: string) => repo.positionOf(V3, snippet);
    const violation = (rule: string, snippet: string, pointer: string, message: string) => ({
      rule,
      severity: 'error',
      file: V3,
      ...at(snippet),
      pointer,
      message,
    });
    expect(report.violations).toEqual([
      violation(
        'namespace-domain',
        '"namespace": "herald.payment"',
        '/namespace',
        'the top-level record has namespace "herald.payment"; records of domain "payments" use namespace "herald.payments"',
      ),
      violation(
        'field-doc',
        '"name": "risk_score"',
        '/fields/10/name',
        `field "risk_score" has no "doc": ${DOC_HINT}`,
      ),
      violation(
        'new-field-default',
        '"name": "risk_score"',
        '/fields/10/name',
        'field "risk_score" is new in v3 but has no "default": at FULL_TRANSITIVE, v3 must read data written with ' +
          'v1, v2, which lack it; add a default (an optional field is ["null", T] with "default": null)',
      ),
      violation(
        'enum-default',
        '"name": "SalesChannel"',
        '/fields/11/type/name',
        'enum "SalesChannel" has no "default": add a fallback symbol (e.g. UNKNOWN or OTHER) so a reader on an ' +
          'older version can read symbols added later',
      ),
      violation(
        'enum-doc',
        '"name": "SalesChannel"',
        '/fields/11/type/name',
        `enum "SalesChannel" has no "doc": ${DOC_HINT}`,
      ),
      violation(
        'record-doc',
        '"name": "Device"',
        '/fields/12/type/1/name',
        `record "Device" has no "doc": ${DOC_HINT}`,
      ),
    ]);
    expect(report.summary).toMatchObject({ errors: 6, warnings: 0, files: 1 });
    expect(status).toBe(1);
  });

  it('name-case is a warning: reported, exit 0', () => {
    const channel = {
      type: 'enum',
      name: 'sales_channel',
      doc: 'Sales channel.',
      symbols: ['WEB'],
      default: 'WEB',
    };
    writePaymentV3([
      { name: 'channel', type: ['null', channel], default: null, doc: 'Where the sale happened.' },
    ]);
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      {
        rule: 'name-case',
        severity: 'warning',
        file: V3,
        ...repo.positionOf(V3, '"name": "sales_channel"'),
        pointer: '/fields/10/type/1/name',
        message: 'enum "sales_channel" should be named in PascalCase, e.g. "SalesChannel"',
      },
    ]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect(status).toBe(0);
  });

  it('lints only new or changed files: a published file cannot be fixed any more', () => {
    const refunds = 'schemas/payments/payments.refund.issued';
    const v1 = {
      type: 'record',
      name: 'RefundIssued',
      namespace: 'herald.payments',
      doc: 'A refund.',
      fields: [
        { name: 'refund_id', type: 'string' },
        { name: 'merchant_id', type: 'string', doc: 'Tenant.' },
      ],
    };
    repo.git(['checkout', '--quiet', 'main']);
    repo.write(
      `${refunds}/event.yaml`,
      'description: A refund.\nowner: payments-team\nkey: refund_id\ntenant: merchant_id\n',
    );
    repo.writeJson(`${refunds}/v1.avsc`, v1);
    repo.commit('refunds on main, published without a doc on refund_id');
    repo.git(['checkout', '--quiet', '-b', 'refund-reason']);
    const reason = { name: 'reason', type: ['null', 'string'], default: null };
    repo.writeJson(`${refunds}/v2.avsc`, { ...v1, fields: [...v1.fields, reason] });
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations.map((v) => [v.rule, v.file, v.message])).toEqual([
      ['field-doc', `${refunds}/v2.avsc`, `field "refund_id" has no "doc": ${DOC_HINT}`],
      ['field-doc', `${refunds}/v2.avsc`, `field "reason" has no "doc": ${DOC_HINT}`],
    ]);
    expect(status).toBe(1);
  });
});

describe('herald schemas check with herald.yaml', () => {
  it('drops disabled lint rules and lists them, but a compatibility problem stays', () => {
    repo.write(
      'herald.yaml',
      [
        'schemaCheck:',
        '  disable:',
        '    - rule: field-doc',
        '      reason: generated from the processor IDL, which has no docs',
        '    - rule: new-field-default',
        '      reason: we want the raw checker wording',
        '',
      ].join('\n'),
    );
    writePaymentV3([RISK_SCORE]);
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations).toEqual([
      expect.objectContaining({
        rule: 'compatibility',
        file: V3,
        line: repo.lineOf(V3, '"name": "risk_score"') - 1,
        pointer: '/fields/10',
        message:
          'v3 cannot read data written with v2, v1 (FULL_TRANSITIVE checks backward): reader field ' +
          '"risk_score" (/fields/10) has no default and is missing from the writer: give the field a default',
      }),
    ]);
    expect(report.summary['disabled']).toEqual([
      { rule: 'field-doc', reason: 'generated from the processor IDL, which has no docs' },
      { rule: 'new-field-default', reason: 'we want the raw checker wording' },
    ]);
    expect(status).toBe(1);
  });

  it('config: a disable without a reason, an unknown rule id and an undisableable rule are errors', () => {
    repo.write(
      'herald.yaml',
      [
        'schemaCheck:',
        '  disable:',
        '    - rule: field-doc',
        '    - rule: field-docs',
        '      reason: typo',
        '    - rule: compatibility',
        '      reason: release day',
        '',
      ].join('\n'),
    );
    repo.commit();

    const { status, report } = repo.check();
    expect(report.violations.map((v) => [v.rule, v.file, v.line, v.column, v.message])).toEqual([
      [
        'config',
        'herald.yaml',
        3,
        7,
        'disabling field-doc needs a reason: add reason: "<why this rule does not apply here>"',
      ],
      [
        'config',
        'herald.yaml',
        4,
        7,
        expect.stringMatching(/^unknown rule id "field-docs" \(rules that can be disabled: record-doc, /),
      ],
      [
        'config',
        'herald.yaml',
        6,
        7,
        'rule compatibility cannot be disabled: it protects running producers and consumers',
      ],
    ]);
    expect(status).toBe(1);
  });
});

describe('herald schemas check output formats', () => {
  beforeEach(() => {
    writePaymentV3([{ ...RISK_SCORE, type: ['null', 'double'], default: null }]);
    repo.commit();
  });

  it('github: one annotation per violation on the schema line, then a notice and the tally', () => {
    const { line, column } = repo.positionOf(V3, '"name": "risk_score"');
    const result = repo.herald(['schemas', 'check', '--against', 'git:main', '--format', 'github']);
    const commit = repo.git(['rev-parse', 'main']).trim().slice(0, 12);
    expect(result.stdout.split('\n')).toEqual([
      `::error file=${V3},line=${line},col=${column},title=field-doc::field "risk_score" has no "doc": ${DOC_HINT}`,
      `::notice title=herald schemas check::Checked schemas/ (4 event types, 7 versions) against main (${commit}).`,
      '1 error, 0 warnings in 1 file.',
      '',
    ]);
    expect(result.status).toBe(1);
  });

  it('text: grouped by file, without colour when the output is not a terminal', () => {
    const { line, column } = repo.positionOf(V3, '"name": "risk_score"');
    const result = repo.herald(['schemas', 'check']);
    expect(result.stdout).toContain(
      `\n${V3}\n  ${line}:${column}  error    field "risk_score" has no "doc": ${DOC_HINT}  field-doc\n`,
    );
    expect(result.stdout).toContain('✖ 1 error, 0 warnings in 1 file.');
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.status).toBe(1);
  });

  it('the CI workflow runs this check and codegen --check on pull requests and merge groups, and its commands work', () => {
    interface Step {
      name?: string;
      uses?: string;
      with?: Record<string, unknown>;
      env?: Record<string, string>;
      run?: string;
    }
    // Parsed strictly as YAML 1.2 (`on` is a string key; duplicate keys are errors); merge_group has no settings.
    const workflow = parseYaml(readFileSync(join(ROOT, '.github', 'workflows', 'schema-check.yml'), 'utf8'), {
      strict: true,
      uniqueKeys: true,
    }) as {
      on: { pull_request: { paths: string[] }; merge_group: null };
      jobs: Record<string, { steps: Step[] }>;
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['merge_group', 'pull_request']);
    // Every input of the check and of the generator triggers it.
    expect(workflow.on.pull_request.paths).toEqual(
      expect.arrayContaining([
        'schemas/**',
        'herald.yaml',
        'apps/cli/**',
        'libs/**',
        'infra/analytics/**',
        'package.json',
        'package-lock.json',
        '.github/workflows/schema-check.yml',
      ]),
    );
    const steps = Object.values(workflow.jobs)[0]?.steps ?? [];
    expect(steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with).toEqual({
      'fetch-depth': 0,
    });
    expect(steps.find((step) => step.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({
      'node-version': 24,
    });
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm run build',
      'node bin/herald.js schemas check --against "git:$BASE" --format github',
      'node bin/herald.js schemas codegen --check',
    ]);
    const check = steps.find((step) => step.name === 'herald schemas check');
    expect(check?.env).toEqual({
      BASE: "${{ github.event_name == 'merge_group' && github.event.merge_group.base_sha || format('origin/{0}', github.base_ref) }}",
    });

    // The generated types committed in this repository are what codegen writes now.
    const codegen = steps.find((step) => step.name === 'herald schemas codegen --check');
    const generated = spawnSync('bash', ['-c', codegen?.run ?? 'false'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: generated.status, stderr: generated.stderr }).toEqual({ status: 0, stderr: '' });

    // As on GitHub: the base branch fetched as origin/main, the workspace at the repository root.
    repo.git(['update-ref', 'refs/remotes/origin/main', 'main']);
    symlinkSync(join(ROOT, 'bin'), join(repo.dir, 'bin'));
    const result = spawnSync('bash', ['-c', check?.run ?? 'false'], {
      cwd: repo.dir,
      env: { ...process.env, BASE: 'origin/main' },
      encoding: 'utf8',
    });
    const { line, column } = repo.positionOf(V3, '"name": "risk_score"');
    expect(result.stdout).toContain(
      `::error file=${V3},line=${line},col=${column},title=field-doc::field "risk_score" has no "doc"`,
    );
    expect(result.stdout).toContain('against origin/main (');
    expect(result.status).toBe(1);
  });
});
