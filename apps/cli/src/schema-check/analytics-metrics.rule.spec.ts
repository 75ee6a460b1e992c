import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '@app/schema';
import { collectAnalyticsFindings } from './analytics-metrics.rule';

const schema = {
  type: 'record',
  name: 'Paid',
  fields: [
    { name: 'amount_minor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};

const catalog = {
  root: '/',
  eventTypes: [
    {
      type: 'payments.payment.received',
      versions: [{ version: 1, schema }],
      latest: { version: 1, schema },
    },
  ],
} as unknown as Catalog;

async function workspace(text: string | undefined): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'analytics-rule-'));
  if (text !== undefined) {
    await mkdir(join(root, 'infra', 'analytics'), { recursive: true });
    await writeFile(join(root, 'infra', 'analytics', 'metrics.yaml'), text);
  }
  return root;
}

describe('analytics-metrics rule', () => {
  it('has nothing to say without a metrics file', async () => {
    expect(await collectAnalyticsFindings(await workspace(undefined), catalog)).toEqual([]);
  });

  it('checks each metric against the catalog version it pins', async () => {
    const root = await workspace(`metrics:
  - name: ok
    type: payments.payment.received
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]
  - name: text
    type: payments.payment.received
    version: 1
    aggregate: max
    field: currency
  - name: future
    type: payments.payment.received
    version: 3
    aggregate: count
  - name: stranger
    type: orders.order.lost
    version: 1
    aggregate: count
`);
    const findings = await collectAnalyticsFindings(root, catalog);
    expect(findings.map((f) => [f.rule, f.file, f.pointer])).toEqual([
      ['analytics-metrics', 'infra/analytics/metrics.yaml', '/metrics/1/field'],
      ['analytics-metrics', 'infra/analytics/metrics.yaml', '/metrics/2/version'],
      ['analytics-metrics', 'infra/analytics/metrics.yaml', '/metrics/3/type'],
    ]);
    expect(findings[0]?.message).toContain('not numeric');
    expect(findings[1]?.message).toBe('payments.payment.received has no version 3 (it has v1 to v1)');
  });

  it('reports a malformed file with positions', async () => {
    const findings = await collectAnalyticsFindings(await workspace('metrics:\n  - name: 1\n'), catalog);
    expect(findings[0]).toMatchObject({ pointer: '/metrics/0/name', position: { line: 2, column: 5 } });
  });
});
