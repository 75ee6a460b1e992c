import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signatureHeader } from './webhook-signer';

const secret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks package, one per secret during a rotation', () => {
    const [current, previous] = [secret(), secret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt-1', data: { note: 'a\u0000b ☃ 😀' } });
    const header = signatureHeader([current, previous], 'evt-1', timestamp, body);
    expect(header.split(' ')).toHaveLength(2);
    for (const key of [current, previous]) {
      const verified = new Webhook(key).verify(body, {
        'webhook-id': 'evt-1',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': header,
      });
      expect(verified).toEqual(JSON.parse(body));
    }
    expect(() =>
      new Webhook(secret()).verify(body, {
        'webhook-id': 'evt-1',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': header,
      }),
    ).toThrow();
  });
});
