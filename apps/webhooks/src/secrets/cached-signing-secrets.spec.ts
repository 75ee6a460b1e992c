import type { StoredSecret } from '../domain/endpoint-store.port';
import { CachedSigningSecrets, type LiveSecretsSource } from './cached-signing-secrets';
import { SecretCipher } from './secret-cipher';
import { formatWebhookSecret, secretContext } from './webhook-secret';

const cipher = new SecretCipher([{ id: 'k', key: Buffer.alloc(32, 7) }]);
const key = (n: number) => Buffer.alloc(32, n);
const stored = (endpointId: string, n: number, expiresAt: Date | null): StoredSecret => ({
  ...cipher.seal(key(n), secretContext(endpointId)),
  serial: n,
  expiresAt,
});

class FakeSource implements LiveSecretsSource {
  calls = 0;
  rows: StoredSecret[] = [];
  failNext = false;
  async liveSecrets(_id: string, now: Date): Promise<StoredSecret[]> {
    this.calls++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('PostgreSQL is unavailable');
    }
    return this.rows.filter((r) => r.expiresAt === null || r.expiresAt > now);
  }
}

describe('CachedSigningSecrets', () => {
  let clock = 0;
  const source = new FakeSource();
  const secrets = new CachedSigningSecrets(source, cipher, { ttlMs: 2_000, clock: () => clock });
  const t0 = new Date('2026-01-01T00:00:00Z');

  beforeEach(() => {
    clock = 0;
    source.calls = 0;
    secrets.forgetAll();
    source.rows = [stored('ep_1', 2, null), stored('ep_1', 1, new Date(t0.getTime() + 60_000))];
  });

  it('decrypts the current secret first, then the ones still in their overlap', async () => {
    expect(await secrets.secretsFor('ep_1', t0)).toEqual([
      formatWebhookSecret(key(2)),
      formatWebhookSecret(key(1)),
    ]);
  });

  it('stops using a rotated-out secret at its expiry, even from the cache', async () => {
    await secrets.secretsFor('ep_1', t0);
    expect(await secrets.secretsFor('ep_1', new Date(t0.getTime() + 60_000))).toEqual([
      formatWebhookSecret(key(2)),
    ]);
    expect(source.calls).toBe(1);
  });

  it('reads again after the TTL or when told the endpoint changed; concurrent callers share a read', async () => {
    await Promise.all([secrets.secretsFor('ep_1', t0), secrets.secretsFor('ep_1', t0)]);
    expect(source.calls).toBe(1);
    clock = 1_999;
    await secrets.secretsFor('ep_1', t0);
    expect(source.calls).toBe(1);
    clock = 2_000;
    await secrets.secretsFor('ep_1', t0);
    expect(source.calls).toBe(2);
    secrets.forget('ep_1');
    await secrets.secretsFor('ep_1', t0);
    expect(source.calls).toBe(3);
  });

  it('does not cache a failed read', async () => {
    source.failNext = true;
    await expect(secrets.secretsFor('ep_1', t0)).rejects.toThrow(/unavailable/);
    expect(await secrets.secretsFor('ep_1', t0)).toHaveLength(2);
  });

  it('fails loudly for a secret no configured key opens', async () => {
    source.rows = [{ ...stored('ep_other', 3, null) }];
    await expect(secrets.secretsFor('ep_1', t0)).rejects.toThrow(/does not open/);
  });
});
