/**
 * Signing secrets at rest: AES-256-GCM under the keys of WEBHOOKS_ENCRYPTION_KEYS. The first key
 * seals; every configured key opens (its id is stored beside the ciphertext), so a key is rotated
 * by putting a new one first and keeping the old one while secrets sealed with it exist. Each
 * seal has a fresh random 96-bit IV, and the ciphertext is bound to its context (the endpoint id)
 * as additional authenticated data: a row copied to another endpoint does not open.
 *
 * Layout of `ciphertext`: version byte 0x01 | IV (12) | tag (16) | encrypted bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../domain/endpoint-store.port';

export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

const FORMAT = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** A sealed secret that no configured key opens: a missing key id, or tampered or misplaced bytes. */
export class SecretUnsealError extends Error {
  override name = 'SecretUnsealError';
}

export class SecretCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly sealing: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const [first] = keys;
    if (first === undefined) throw new RangeError('at least one encryption key is needed');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new RangeError(`encryption key "${id}" must be 32 bytes (AES-256)`);
    }
    this.sealing = first;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(plain: Buffer, context: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      keyId: this.sealing.id,
      ciphertext: Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), encrypted]),
    };
  }

  open(sealed: SealedSecret, context: string): Buffer {
    const key = this.keys.get(sealed.keyId);
    if (key === undefined) {
      throw new SecretUnsealError(
        `a secret is sealed with key "${sealed.keyId}", which WEBHOOKS_ENCRYPTION_KEYS no longer holds`,
      );
    }
    const bytes = sealed.ciphertext;
    if (bytes.length < HEADER_BYTES || bytes[0] !== FORMAT) {
      throw new SecretUnsealError('a sealed secret is not in the expected format');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, HEADER_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new SecretUnsealError(
        `a secret sealed with key "${sealed.keyId}" does not open: altered, or stored under another endpoint`,
      );
    }
  }
}
