/**
 * Standard Webhooks signing secrets: `whsec_` + base64 of random bytes (the specification allows
 * 24 to 64; Herald uses 32, the HMAC-SHA256 block's natural key size). The same string is what a
 * receiver passes to the `standardwebhooks` package's `new Webhook(secret)`.
 */
import { randomBytes } from 'node:crypto';
import type { SecretIssuer } from '../domain/endpoint-admin';
import type { SealedSecret } from '../domain/endpoint-store.port';
import type { SecretCipher } from './secret-cipher';

export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;

export function formatWebhookSecret(key: Buffer): string {
  return `${SECRET_PREFIX}${key.toString('base64')}`;
}

/** The additional authenticated data of an endpoint's secrets. */
export function secretContext(endpointId: string): string {
  return `herald/webhooks/endpoint-secret/${endpointId}`;
}

/** Issues each secret from fresh random bytes and seals it for its endpoint. */
export class SealingSecretIssuer implements SecretIssuer {
  constructor(private readonly cipher: SecretCipher) {}

  issue(endpointId: string): { secret: string; sealed: SealedSecret } {
    const key = randomBytes(SECRET_BYTES);
    return { secret: formatWebhookSecret(key), sealed: this.cipher.seal(key, secretContext(endpointId)) };
  }
}
