/**
 * The webhooks app refuses to start without an admin token and encryption keys. `herald up`
 * gives it the ones in the environment, or else generates them once into
 * `<HERALD_HOME>/webhooks.env` (mode 0600) and reuses them on every later start: the encryption
 * key must outlive restarts, or the stored endpoint secrets could not be decrypted any more.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { heraldHome } from '@app/local-kafka';

export interface WebhooksSecrets {
  readonly env: Readonly<Record<string, string>>;
  /** Where generated values are kept, when any came from there. */
  readonly file: string | undefined;
}

const NAMES = ['WEBHOOKS_ADMIN_TOKEN', 'WEBHOOKS_ENCRYPTION_KEYS'] as const;

export function webhooksSecrets(env: NodeJS.ProcessEnv = process.env): WebhooksSecrets {
  if (NAMES.every((name) => env[name] !== undefined && env[name] !== '')) return { env: {}, file: undefined };
  const file = join(heraldHome(env), 'webhooks.env');
  const stored = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const generated: Record<string, string> = {
    WEBHOOKS_ADMIN_TOKEN: stored['WEBHOOKS_ADMIN_TOKEN'] ?? randomBytes(24).toString('base64url'),
    WEBHOOKS_ENCRYPTION_KEYS:
      stored['WEBHOOKS_ENCRYPTION_KEYS'] ?? `k1:${randomBytes(32).toString('base64')}`,
  };
  if (!existsSync(file) || NAMES.some((name) => stored[name] === undefined)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, NAMES.map((name) => `${name}=${generated[name]}\n`).join(''), { mode: 0o600 });
  }
  const fromFile = Object.fromEntries(
    NAMES.filter((name) => env[name] === undefined || env[name] === '').map((name) => [
      name,
      generated[name]!,
    ]),
  );
  return { env: fromFile, file };
}

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
