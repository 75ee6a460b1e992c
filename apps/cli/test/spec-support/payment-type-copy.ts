/**
 * A copy of the catalog's payments.payment.received (v1, v2, event.yaml) under a fresh domain,
 * `<domain>.payment.received` in `<workDir>/schemas`, so a test's topic and subject are its own.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/config';

const PAYMENTS = join(projectRoot(), 'schemas', 'payments', 'payments.payment.received');

export function copyPaymentType(
  workDir: string,
  prefix = 't',
): { type: string; subject: string; folder: string } {
  const domain = `${prefix}${randomBytes(5).toString('hex')}`;
  const type = `${domain}.payment.received`;
  const folder = join(workDir, 'schemas', domain, type);
  cpSync(PAYMENTS, folder, { recursive: true });
  for (const version of ['v1', 'v2']) {
    const file = join(folder, `${version}.avsc`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"herald.payments"', `"herald.${domain}"`));
  }
  return { type, subject: `${type}-value`, folder };
}
