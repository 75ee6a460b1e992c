import { Webhook } from 'standardwebhooks';
import { SecretCipher, SecretUnsealError } from './secret-cipher';
import { SealingSecretIssuer, secretContext } from './webhook-secret';

const OLD = { id: 'k1', key: Buffer.alloc(32, 1) };
const NEW = { id: 'k2', key: Buffer.alloc(32, 2) };

describe('SecretCipher', () => {
  const plain = Buffer.from('0123456789abcdef0123456789abcdef');

  it('seals with the first key, a fresh IV each time, and opens what it sealed', () => {
    const cipher = new SecretCipher([NEW, OLD]);
    const a = cipher.seal(plain, 'ctx');
    const b = cipher.seal(plain, 'ctx');
    expect(a.keyId).toBe('k2');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(plain)).toBe(false);
    expect(a.ciphertext.length).toBe(1 + 12 + 16 + plain.length);
    expect(cipher.open(a, 'ctx')).toEqual(plain);
  });

  it('opens secrets sealed with an older key while that key is configured, and only then', () => {
    const sealedWithOld = new SecretCipher([OLD]).seal(plain, 'ctx');
    expect(new SecretCipher([NEW, OLD]).open(sealedWithOld, 'ctx')).toEqual(plain);
    expect(() => new SecretCipher([NEW]).open(sealedWithOld, 'ctx')).toThrow(/key "k1".*no longer holds/);
  });

  it('refuses altered bytes, another context, another key under the same id, and unknown formats', () => {
    const cipher = new SecretCipher([NEW]);
    const sealed = cipher.seal(plain, 'endpoint-a');
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, 'endpoint-a')).toThrow(SecretUnsealError);
    expect(() => cipher.open(sealed, 'endpoint-b')).toThrow(/another endpoint/);
    expect(() =>
      new SecretCipher([{ id: 'k2', key: Buffer.alloc(32, 9) }]).open(sealed, 'endpoint-a'),
    ).toThrow(SecretUnsealError);
    const otherFormat = Buffer.from(sealed.ciphertext);
    otherFormat[0] = 2;
    expect(() => cipher.open({ ...sealed, ciphertext: otherFormat }, 'endpoint-a')).toThrow(/format/);
    expect(() => cipher.open({ ...sealed, ciphertext: Buffer.alloc(5) }, 'endpoint-a')).toThrow(/format/);
  });

  it('needs at least one key of 32 bytes', () => {
    expect(() => new SecretCipher([])).toThrow(RangeError);
    expect(() => new SecretCipher([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
  });
});

describe('SealingSecretIssuer', () => {
  it('issues Standard Webhooks secrets of 32 random bytes, sealed for their endpoint', () => {
    const cipher = new SecretCipher([NEW]);
    const issuer = new SealingSecretIssuer(cipher);
    const { secret, sealed } = issuer.issue('ep_1');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = Buffer.from(secret.slice(6), 'base64');
    expect(key.length).toBe(32);
    expect(cipher.open(sealed, secretContext('ep_1'))).toEqual(key);
    expect(issuer.issue('ep_1').secret).not.toBe(secret);
    // What a receiver does with it.
    const webhook = new Webhook(secret);
    const at = new Date();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhook.sign('msg_1', at, '{"a":1}'),
    };
    expect(webhook.verify('{"a":1}', headers)).toEqual({ a: 1 });
  });
});
