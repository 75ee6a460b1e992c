import { parseCheckConfig } from './check-config.loader';

const config = (lines: string[]) => parseCheckConfig(lines.join('\n'));

describe('parseCheckConfig', () => {
  it('reads disables with their reasons and ignores other sections', () => {
    const result = config([
      'registry: { url: http://localhost:8081 }',
      'schemaCheck:',
      '  disable:',
      '    - rule: field-doc',
      '      reason: "  generated from a legacy IDL without docs  "',
    ]);
    expect(result.findings).toEqual([]);
    expect(result.disabled).toEqual([
      { rule: 'field-doc', reason: 'generated from a legacy IDL without docs' },
    ]);
  });

  it('treats an empty file or a file without the section as no config', () => {
    expect(parseCheckConfig('')).toEqual({ disabled: [], findings: [] });
    expect(parseCheckConfig('other: 1\n')).toEqual({ disabled: [], findings: [] });
  });

  it('refuses a disable without a reason, or with a blank one', () => {
    const result = config([
      'schemaCheck:',
      '  disable:',
      '    - rule: field-doc',
      '    - rule: record-doc',
      '      reason: "  "',
    ]);
    expect(result.disabled).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'config',
        file: 'herald.yaml',
        pointer: '/schemaCheck/disable/0',
        message: 'disabling field-doc needs a reason: add reason: "<why this rule does not apply here>"',
      },
      {
        rule: 'config',
        file: 'herald.yaml',
        pointer: '/schemaCheck/disable/1/reason',
        message: 'disabling record-doc needs a reason: add reason: "<why this rule does not apply here>"',
      },
    ]);
  });

  it('refuses unknown rule ids and rules that cannot be disabled, keeping the valid entries', () => {
    const result = config([
      'schemaCheck:',
      '  disable:',
      '    - { rule: field-docs, reason: typo }',
      '    - { rule: compatibility, reason: hurry }',
      '    - { reason: no rule }',
      '    - { rule: enum-doc, reason: legacy enums }',
    ]);
    expect(result.disabled).toEqual([{ rule: 'enum-doc', reason: 'legacy enums' }]);
    expect(result.findings.map((f) => [f.pointer, f.message])).toEqual([
      [
        '/schemaCheck/disable/0/rule',
        expect.stringMatching(
          /^unknown rule id "field-docs" \(rules that can be disabled: record-doc, enum-doc, field-doc,/,
        ),
      ],
      [
        '/schemaCheck/disable/1/rule',
        'rule compatibility cannot be disabled: it protects running producers and consumers',
      ],
      ['/schemaCheck/disable/2/rule', expect.stringMatching(/^a disable entry has no rule \(rules that can/)],
    ]);
  });

  it('refuses unknown keys and wrong shapes', () => {
    expect(config(['schemaCheck:', '  disabled: []']).findings.map((f) => f.pointer)).toEqual([
      '/schemaCheck/disabled',
    ]);
    expect(config(['schemaCheck:', '  disable: field-doc']).findings[0]?.message).toBe(
      'schemaCheck.disable must be a list of { rule, reason }',
    );
    expect(
      config(['schemaCheck:', '  disable:', '    - { rule: field-doc, reason: x, until: 2026 }']).findings[0]
        ?.pointer,
    ).toBe('/schemaCheck/disable/0/until');
    expect(config(['- a list']).findings[0]?.message).toBe(
      'herald.yaml must be a mapping of sections (schemaCheck: ...)',
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const result = config(['schemaCheck:', '  disable:', '    - rule: field-doc', '    reason: [unclosed']);
    expect(result.disabled).toEqual([]);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings[0]).toMatchObject({ rule: 'config', file: 'herald.yaml', pointer: '' });
    expect(result.findings[0]?.message).toMatch(/^invalid YAML: /);
    expect(result.findings[0]?.position?.line).toBeGreaterThanOrEqual(4);
  });
});
