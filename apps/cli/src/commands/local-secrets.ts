/**
 * Secrets `herald up` hands to the apps that refuse to start without them: the webhooks admin
 * token and encryption keys, and the registry's write token. Values set in the environment win;
 * the others are generated once into a file under `<HERALD_HOME>` (mode 0600) and reused on every
 * later start: the webhooks encryption key must outlive restarts, or the stored endpoint secrets
 * could not be decrypted any more, and a stable write token keeps a shell that exported it working.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { heraldHome } from '@app/local-kafka';

/** One file of generated secrets: each variable it holds and how a new value is made. */
export interface SecretSet {
  /** The file's name under HERALD_HOME. */
  readonly file: string;
  readonly generate: Readonly<Record<string, () => string>>;
}

export interface LocalSecrets {
  /** The variables the environment did not set, to add to the apps' environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where generated values are kept, when any came from there. */
  readonly file: string | undefined;
}

const token = () => randomBytes(24).toString('base64url');

export const WEBHOOKS_SECRETS: SecretSet = {
  file: 'webhooks.env',
  generate: {
    WEBHOOKS_ADMIN_TOKEN: token,
    WEBHOOKS_ENCRYPTION_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
  },
};

/** The registry's bearer token for writes; `herald schemas push` sends it from REGISTRY_WRITE_TOKEN. */
export const REGISTRY_SECRETS: SecretSet = {
  file: 'registry.env',
  generate: { REGISTRY_WRITE_TOKEN: token },
};

const NOTHING: LocalSecrets = { env: {}, file: undefined };
const isSet = (value: string | undefined) => value !== undefined && value !== '';

export function localSecrets(set: SecretSet, env: NodeJS.ProcessEnv = process.env): LocalSecrets {
  const names = Object.keys(set.generate);
  if (names.every((name) => isSet(env[name]))) return NOTHING;
  const file = join(heraldHome(env), set.file);
  const stored = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const values = Object.fromEntries(
    Object.entries(set.generate).map(([name, generate]) => [name, stored[name] ?? generate()]),
  );
  if (names.some((name) => stored[name] === undefined)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, names.map((name) => `${name}=${values[name]}\n`).join(''), { mode: 0o600 });
  }
  const missing = names.filter((name) => !isSet(env[name]));
  return { env: Object.fromEntries(missing.map((name) => [name, values[name]!])), file };
}

/**
 * The registry's write credentials under `herald up`: none to add when the environment brings
 * its own token or explicitly opens writes (REGISTRY_WRITE_AUTH=none), else the generated token.
 */
export function registryWriteSecrets(env: NodeJS.ProcessEnv = process.env): LocalSecrets {
  return env['REGISTRY_WRITE_AUTH'] === 'none' ? NOTHING : localSecrets(REGISTRY_SECRETS, env);
}

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
