/**
 * `herald keys create|list|revoke` run as a user runs them, against a throw-away database:
 * the secret is printed once and stored only as a hash, list never shows it, revoke marks
 * the key, and bad input exits 2 with a message.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { hashApiKeySecret } from '@app/api-keys';
import { projectRoot } from '@app/config';
import { databaseUrlFor, dropTestDatabase, uniqueIdentifier } from '@app/testing';

const HERALD = join(projectRoot(), 'bin', 'herald.js');
const database = uniqueIdentifier('herald_keys');
const DATABASE_URL = databaseUrlFor(database);

function herald(...args: string[]) {
  const result = spawnSync(process.execPath, [HERALD, 'keys', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(async () => {
  await dropTestDatabase(database);
});

describe('herald keys', () => {
  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    const created = herald(
      'create',
      '--producer',
      'checkout-service',
      '--types',
      'payments.*',
      'orders.order.shipped',
      '--rate-limit',
      '50',
      '--json',
    );
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const key = JSON.parse(created.stdout) as {
      id: string;
      key: string;
      types: string[];
      rateLimitPerSecond: number;
    };
    expect(key.key).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(key.types).toEqual(['payments.*', 'orders.order.shipped']);
    expect(key.rateLimitPerSecond).toBe(50);

    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const rows = await client.query<{ secret_hash: string }>(
        'SELECT secret_hash FROM gateway.api_keys WHERE id = $1',
        [key.id],
      );
      expect(rows.rows).toEqual([{ secret_hash: hashApiKeySecret(key.key) }]);
    } finally {
      await client.end();
    }

    const listed = herald('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).toContain('checkout-service');
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(key.key);

    const revoked = herald('revoke', key.id);
    expect(revoked.status).toBe(0);
    const after = JSON.parse(herald('list', '--json').stdout) as Array<{
      id: string;
      revokedAt: string | null;
    }>;
    expect(after.find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('refuses bad input with exit 2 and says why', () => {
    const badProducer = herald('create', '--producer', 'Bad Name!', '--types', 'payments.*');
    expect(badProducer.status).toBe(2);
    expect(badProducer.stderr).toContain('producer "Bad Name!"');

    const badPattern = herald('create', '--producer', 'svc', '--types', 'payments..x');
    expect(badPattern.status).toBe(2);
    expect(badPattern.stderr).toContain('type pattern "payments..x"');

    const badRate = herald('create', '--producer', 'svc', '--types', '*', '--rate-limit', '0');
    expect(badRate.status).toBe(2);
    expect(badRate.stderr).toContain('events per second');
  });

  it('exits 1 when revoking a key that does not exist', () => {
    const result = herald('revoke', 'key_does_not_exist');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no API key with id "key_does_not_exist"');
  });
});
