import { createHash } from 'node:crypto';
import { FINGERPRINT_VERSION, fingerprint, legacyFingerprint } from './event-preparer';

/**
 * Stored rows carry fingerprints that every gateway instance must compute alike (a rolling
 * upgrade mixes versions in one dedupe window): the digests are pinned to the scheme's
 * definition, SHA-256 over the envelope, a separator and the data, updated piece by piece.
 */
describe('fingerprint', () => {
  const envelope = (v: number | null, key: string | null) =>
    JSON.stringify(['payments.payment.received', v, key, 'sub', '2026-11-27T10:15:00Z']);
  const wire = Buffer.from([0, 0, 0, 0, 7, 2, 0xff, 0x80, 0x00, 0x41]);

  it('hashes a pinned event by its Avro bytes', () => {
    const expected = createHash('sha256')
      .update(envelope(2, 'k'))
      .update('\0avro\0')
      .update(wire)
      .digest('hex');
    const request = {
      type: 'payments.payment.received',
      version: 2,
      key: 'k',
      subject: 'sub',
      time: '2026-11-27T10:15:00Z',
      data: { ignored: 'the bytes count' },
    };
    expect(fingerprint(request, wire)).toBe(FINGERPRINT_VERSION + expected);
  });

  it('hashes an unpinned event by its data with sorted keys, whatever the order it came in', () => {
    const expected = createHash('sha256')
      .update(envelope(null, null))
      .update('\0json\0')
      .update('{"a":[1,{"x":"é😀","y":null}],"b":"2"}')
      .digest('hex');
    const base = { type: 'payments.payment.received', subject: 'sub', time: '2026-11-27T10:15:00Z' };
    expect(fingerprint({ ...base, data: { b: '2', a: [1, { y: null, x: 'é😀' }] } }, wire)).toBe(
      FINGERPRINT_VERSION + expected,
    );
    expect(fingerprint({ ...base, data: { a: [1, { x: 'é😀', y: null }], b: '2' } }, wire)).toBe(
      FINGERPRINT_VERSION + expected,
    );
    expect(fingerprint({ ...base, data: { a: [1, { x: 'é😀', y: null }], b: 2 } }, wire)).not.toBe(
      FINGERPRINT_VERSION + expected,
    );
  });

  /*
   * The canonical JSON comes from safe-stable-stringify (declared, range-pinned in package.json).
   * A release that orders keys, writes numbers or escapes strings differently would silently stop
   * matching the fingerprints already stored; these digests of one awkward input catch that.
   */
  describe('pinned against the stored rows', () => {
    const request = {
      type: 'payments.payment.received',
      subject: 'sub',
      time: '2026-11-27T10:15:00Z',
      data: {
        z: [1, 0.1, 1e21, -0, { b: null, a: 'é😀' }],
        a: { 'quote"back\\slash': 'line\nsep\u2028lone\ud800', empty: {}, list: [] },
      },
    };
    const canonical =
      '{"a":{"empty":{},"list":[],"quote\\"back\\\\slash":"line\\nsep\u2028lone\\ud800"},' +
      '"z":[1,0.1,1e+21,0,{"a":"é😀","b":null}]}';

    it('keeps the current scheme digest of a fixed unpinned event', () => {
      const expected = createHash('sha256')
        .update(envelope(null, null))
        .update('\0json\0')
        .update(canonical)
        .digest('hex');
      const digest = fingerprint(request, wire);
      expect(digest).toBe(FINGERPRINT_VERSION + expected);
      expect(digest).toBe('2:8656618ef5b40c469b3f20a49221d3aa305b51cfb39344aef4aec52080865d7e');
    });

    it('keeps the legacy scheme digest of the same event', () => {
      expect(legacyFingerprint(request)).toBe(
        'f8ca8cc2470ed9f1c4c7b1d8c3b845c6d98cb5fa5036f6cc8432a288a9416eb1',
      );
    });
  });
});
