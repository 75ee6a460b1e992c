import type { CheckReport, Violation } from './finding.types';
import { escapeProperty, renderGithub } from './github.reporter';
import { renderJson } from './json.reporter';
import { renderText, wantsColor } from './text.reporter';

const V2 = 'schemas/payments/payments.payment.received/v2.avsc';
const violations: Violation[] = [
  {
    rule: 'field-doc',
    severity: 'error',
    file: V2,
    line: 12,
    column: 7,
    pointer: '/fields/1/name',
    message: 'no doc',
  },
  {
    rule: 'name-case',
    severity: 'warning',
    file: V2,
    line: 130,
    column: 9,
    pointer: '/fields/2/type/name',
    message: 'use PascalCase, 100%\nplease',
  },
  {
    rule: 'type-removed',
    severity: 'error',
    file: 'schemas/users/users.user.registered',
    pointer: '',
    message: 'removed',
  },
];

const report = (overrides: Partial<CheckReport> = {}): CheckReport => ({
  dir: 'schemas',
  base: {
    kind: 'git',
    ref: 'origin/main',
    commit: '0123456789abcdef0123',
    label: 'merge-base with origin/main',
  },
  violations,
  disabled: [{ rule: 'enum-doc', reason: 'legacy enums' }],
  eventTypes: 4,
  versions: 6,
  ...overrides,
});

describe('renderText', () => {
  it('groups by file with aligned locations, lists disables and ends with the tally', () => {
    expect(renderText(report(), { color: false })).toBe(
      [
        'Checked schemas/ (4 event types, 6 versions) against merge-base with origin/main (0123456789ab).',
        '',
        V2,
        '  12:7   error    no doc  field-doc',
        '  130:9  warning  use PascalCase, 100%\nplease  name-case',
        '',
        'schemas/users/users.user.registered',
        '  -  error    removed  type-removed',
        '',
        'Disabled in herald.yaml: enum-doc (legacy enums)',
        '',
        '✖ 2 errors, 1 warning in 2 files.',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked, and says when the tree was checked alone', () => {
    const plain = renderText(
      report({ violations: [], disabled: [], base: { kind: 'none', reason: 'no main' } }),
      {
        color: false,
      },
    );
    expect(plain).toBe(
      'Checked schemas/ (4 event types, 6 versions) alone: no git base (no main).\n\n✔ No problems found.\n',
    );
    expect(plain).not.toContain('\u001b[');
    const coloured = renderText(report(), { color: true });
    expect(coloured).toContain('\u001b[31merror  \u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
  });
});

describe('wantsColor', () => {
  it.each([
    [true, undefined, true],
    [true, '', true],
    [true, '1', false],
    [true, 'false', false],
    [false, undefined, false],
    [undefined, undefined, false],
  ])('isTTY %s, NO_COLOR %j: %s', (isTTY, noColor, expected) => {
    expect(wantsColor(isTTY, noColor)).toBe(expected);
  });
});

describe('renderJson', () => {
  it('lists violations with null positions where there are none, and a summary', () => {
    const parsed = JSON.parse(renderJson(report())) as { violations: unknown[]; summary: unknown };
    expect(parsed.violations[2]).toEqual({
      rule: 'type-removed',
      severity: 'error',
      file: 'schemas/users/users.user.registered',
      line: null,
      column: null,
      pointer: '',
      message: 'removed',
    });
    expect(parsed.summary).toEqual({
      errors: 2,
      warnings: 1,
      files: 2,
      dir: 'schemas',
      eventTypes: 4,
      versions: 6,
      base: { ref: 'origin/main', commit: '0123456789abcdef0123', label: 'merge-base with origin/main' },
      registry: null,
      checkedAlone: null,
      disabled: [{ rule: 'enum-doc', reason: 'legacy enums' }],
    });
  });
});

describe('renderGithub', () => {
  it('prints one escaped annotation per violation, a notice and the tally', () => {
    expect(renderGithub(report()).split('\n')).toEqual([
      `::error file=${V2},line=12,col=7,title=field-doc::no doc`,
      `::warning file=${V2},line=130,col=9,title=name-case::use PascalCase, 100%25%0Aplease`,
      '::error file=schemas/users/users.user.registered,title=type-removed::removed',
      '::notice title=herald schemas check::Checked schemas/ (4 event types, 6 versions) against merge-base with origin/main (0123456789ab).',
      '2 errors, 1 warning in 2 files.',
      '',
    ]);
  });

  it('escapes the property separators in file names', () => {
    expect(escapeProperty('a:b,c%d')).toBe('a%3Ab%2Cc%25d');
  });
});
