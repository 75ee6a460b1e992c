/**
 * The SigningSecrets port: an endpoint's secrets that sign at a given time, decrypted, the
 * current one first. Every delivery asks, so the decrypted secrets of an endpoint are kept for
 * `ttlMs` (2 s by default) and dropped at once when the endpoint changes (the change listener calls
 * `forget`). Expiry is applied at each call on the cached rows, so a rotated-out secret stops
 * signing at its `expires_at` exactly; only a brand-new secret can take up to `ttlMs` to be used
 * by an instance that missed the notification, and the old one still signs meanwhile.
 */
import type { StoredSecret } from '../domain/endpoint-store.port';
import type { SigningSecrets } from '../domain/ports';
import type { SecretCipher } from './secret-cipher';
import { formatWebhookSecret, secretContext } from './webhook-secret';

export interface LiveSecretsSource {
  liveSecrets(endpointId: string, now: Date): Promise<StoredSecret[]>;
}

interface OpenSecret {
  readonly secret: string;
  readonly expiresAt: number | null;
}

interface CacheEntry {
  /** Shared by concurrent callers, so a cold endpoint costs one query. */
  readonly secrets: Promise<readonly OpenSecret[]>;
  readonly fetchedAt: number;
}

export interface SigningSecretsOptions {
  readonly ttlMs?: number;
  /** Past this many endpoints the cache starts over (bounded memory). */
  readonly maxEntries?: number;
  readonly clock?: () => number;
}

export class CachedSigningSecrets implements SigningSecrets {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(
    private readonly source: LiveSecretsSource,
    private readonly cipher: SecretCipher,
    options: SigningSecretsOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  async secretsFor(endpointId: string, now: Date): Promise<readonly string[]> {
    const at = now.getTime();
    const secrets = await this.entry(endpointId, now).secrets;
    return secrets.filter((s) => s.expiresAt === null || s.expiresAt > at).map((s) => s.secret);
  }

  /** The endpoint changed (rotated, deleted): read its secrets again on the next call. */
  forget(endpointId: string): void {
    this.cache.delete(endpointId);
  }

  /** Any endpoint may have changed (change notifications were lost for a while). */
  forgetAll(): void {
    this.cache.clear();
  }

  private entry(endpointId: string, now: Date): CacheEntry {
    const cached = this.cache.get(endpointId);
    if (cached !== undefined && this.clock() - cached.fetchedAt < this.ttlMs) return cached;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    const entry: CacheEntry = { secrets: this.load(endpointId, now), fetchedAt: this.clock() };
    this.cache.set(endpointId, entry);
    entry.secrets.catch(() => {
      if (this.cache.get(endpointId) === entry) this.cache.delete(endpointId);
    });
    return entry;
  }

  private async load(endpointId: string, now: Date): Promise<readonly OpenSecret[]> {
    const rows = await this.source.liveSecrets(endpointId, now);
    const context = secretContext(endpointId);
    return rows.map((row) => ({
      secret: formatWebhookSecret(this.cipher.open(row, context)),
      expiresAt: row.expiresAt?.getTime() ?? null,
    }));
  }
}
