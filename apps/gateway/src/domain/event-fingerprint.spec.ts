import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { projectRoot } from '@app/config';
import type { RegisteredSchema } from '@app/registry-client';
import { AvroCodec, loadCatalog, type AvroSchemaJson } from '@app/schema';
import {
  canonicalInstant,
  encodedFingerprint,
  fingerprintV2,
  fingerprintVersion,
  legacyFingerprint,
} from './event-fingerprint';
import { EventPreparer, type PreparedEvent } from './event-preparer';
import { EventTypeResolver, type SchemaVersions } from './event-type.resolver';
import type { PublishRequest } from './publish-request';

/**
 * Stored rows carry fingerprints that every gateway instance must compute alike (a rolling
 * upgrade mixes versions in one dedupe window): the digests are pinned to each scheme's
 * definition, and the current scheme is checked on the real catalog's payment type for the
 * spellings of one event that must match and the changes that must not.
 */
describe('fingerprints', () => {
  const envelope = (v: number | null, key: string | null, time: string) =>
    JSON.stringify(['payments.payment.received', v, key, 'sub', time]);
  const wire = Buffer.from([0, 0, 0, 0, 7, 2, 0xff, 0x80, 0x00, 0x41]);

  describe('canonicalInstant', () => {
    it('writes one text per instant, whatever the fraction digits, zone or case', () => {
      const base = canonicalInstant('2026-11-27T10:15:00Z');
      expect(base).toBe(String(Date.UTC(2026, 10, 27, 10, 15) / 1000));
      for (const same of [
        '2026-11-27T10:15:00.000Z',
        '2026-11-27t10:15:00.0z',
        '2026-11-27T11:15:00+01:00',
        '2026-11-27T07:45:00.000000-02:30',
      ]) {
        expect(canonicalInstant(same)).toBe(base);
      }
      expect(canonicalInstant('2026-11-27T10:15:00.1Z')).toBe(`${base}.1`);
      expect(canonicalInstant('2026-11-27T10:15:00.100000001Z')).toBe(`${base}.100000001`);
      expect(canonicalInstant('2026-11-27T10:15:01Z')).not.toBe(base);
      // Years below 100 are not taken for 19xx (Date.UTC's two-digit years).
      expect(canonicalInstant('0099-01-01T00:00:00Z')).toBe('-59042995200');
    });
  });

  describe('scheme 3: the event as encoded', () => {
    it('hashes type, resolved version, resolved key, subject, the instant and the wire bytes', () => {
      const time = '2026-11-27T10:15:00.000Z';
      const expected = createHash('sha256')
        .update(envelope(2, 'k', canonicalInstant(time)))
        .update('\0avro\0')
        .update(wire)
        .digest('hex');
      const event = { type: 'payments.payment.received', version: 2, key: 'k', subject: 'sub', time, wire };
      const fingerprint = encodedFingerprint(event);
      expect(fingerprint).toBe(`3:2:${expected}`);
      expect(fingerprint).toBe('3:2:eb36774b0ee8699b5989c6a9478d4877ef9950d26bc14f685351302ae85c4483');
      expect(fingerprintVersion(fingerprint)).toBe(2);
      expect(fingerprintVersion(`2:${expected}`)).toBeUndefined();
      expect(fingerprintVersion(expected)).toBeUndefined();
    });
  });

  /*
   * The older schemes' digests, as stored by the gateways that wrote them. The canonical JSON
   * comes from safe-stable-stringify (declared, range-pinned in package.json): a release that
   * orders keys, writes numbers or escapes strings differently would silently stop matching.
   */
  describe('older schemes, pinned against the stored rows', () => {
    const request = {
      type: 'payments.payment.received',
      subject: 'sub',
      time: '2026-11-27T10:15:00Z',
      data: {
        z: [1, 0.1, 1e21, -0, { b: null, a: 'é😀' }],
        a: { 'quote"back\\slash': 'line\nsep\u2028lone\ud800', empty: {}, list: [] },
      },
    };

    it('keeps scheme 2 (pinned events by their Avro bytes, unpinned by sorted-key JSON)', () => {
      const pinned = createHash('sha256')
        .update(envelope(2, 'k', '2026-11-27T10:15:00Z'))
        .update('\0avro\0')
        .update(wire)
        .digest('hex');
      expect(fingerprintV2({ ...request, version: 2, key: 'k' }, wire)).toBe(`2:${pinned}`);
      expect(fingerprintV2(request, wire)).toBe(
        '2:8656618ef5b40c469b3f20a49221d3aa305b51cfb39344aef4aec52080865d7e',
      );
    });

    it('keeps the legacy scheme', () => {
      expect(legacyFingerprint(request)).toBe(
        'f8ca8cc2470ed9f1c4c7b1d8c3b845c6d98cb5fa5036f6cc8432a288a9416eb1',
      );
    });
  });

  describe('EventPreparer on the catalog payment type', () => {
    const type = 'payments.payment.received';
    const subject = `${type}-value`;
    let versions: RegisteredSchema[];
    let schemas: AvroSchemaJson[];
    let preparer: EventPreparer;
    const publisher = { producer: 'svc', allows: () => true };

    const registry: SchemaVersions = {
      version: async (s: string, v: number | 'latest') =>
        s !== subject ? undefined : v === 'latest' ? versions.at(-1) : versions[v - 1],
    };
    const push = (n: number) => versions.push({ subject, id: 40 + n, version: n, schema: schemas[n - 1]! });

    beforeAll(async () => {
      const dir = join(projectRoot(), 'schemas', 'payments', type);
      schemas = await Promise.all(
        ['v1.avsc', 'v2.avsc'].map(
          async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as AvroSchemaJson,
        ),
      );
    });

    beforeEach(async () => {
      versions = [];
      push(1);
      push(2);
      const catalog = await loadCatalog(join(projectRoot(), 'schemas'));
      // A short cache: tests push versions and expect `latest` to follow.
      let now = 0;
      const resolver = new EventTypeResolver(catalog, registry, 1, () => (now += 10));
      const codec = new AvroCodec({ schemaById: () => Promise.reject(new Error('not used')) });
      preparer = new EventPreparer(resolver, codec, { maxEventBytes: 1_000_000, registryUrl: 'http://r' });
    });

    const data = (extra: Record<string, unknown> = {}) => ({
      payment_id: '0190f3c4-8a1b-7c3d-9e4f-000000000001',
      merchant_id: 'merchant-7',
      amount_minor: 100,
      currency: 'EUR',
      method: 'CARD',
      received_at: '2026-11-27T10:15:00Z',
      ...extra,
    });
    const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
      type,
      version: 2,
      id: 'evt-1',
      time: '2026-11-27T10:15:00Z',
      data: data(),
      ...over,
    });
    const prepare = (r: PublishRequest) => preparer.prepare(r, publisher);
    /** What the idempotency store decides: same fingerprint, or the later request claims the earlier's. */
    const sameEvent = async (first: PreparedEvent, later: PreparedEvent) =>
      later.fingerprint === first.fingerprint || (await later.sameEvent(first.fingerprint));

    it.each<[string, Partial<PublishRequest>, Partial<PublishRequest>]>([
      ['a long as a number, then as a string', {}, { data: data({ amount_minor: '100' }) }],
      ['a time without, then with zero milliseconds', {}, { time: '2026-11-27T10:15:00.000Z' }],
      ['a time in UTC, then with an offset', {}, { time: '2026-11-27T11:15:00+01:00' }],
      ['no key, then the key field as key', {}, { key: '0190f3c4-8a1b-7c3d-9e4f-000000000001' }],
      ['no version, then the version that was latest', { version: undefined }, { version: 2 }],
      ['the latest version, then no version', { version: 2 }, { version: undefined }],
      [
        'the data fields in another order',
        {},
        { data: Object.fromEntries(Object.entries(data()).reverse()) },
      ],
      ['another trace', {}, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }],
    ])('one event: %s', async (_what, first, later) => {
      const a = await prepare(request(first));
      const b = await prepare(request(later));
      expect(b.fingerprint).toBe(a.fingerprint);
    });

    it.each<[string, Partial<PublishRequest>]>([
      ['another amount', { data: data({ amount_minor: 101 }) }],
      ['another instant', { time: '2026-11-27T10:15:00.001Z' }],
      ['no time (the gateway stamps it)', { time: undefined }],
      ['another key', { key: 'other' }],
      ['another subject', { subject: 's' }],
      ['another version', { version: 1, data: data({ method: 'CARD' }) }],
    ])('another event: %s', async (_what, later) => {
      const a = await prepare(request());
      const b = await prepare(request(later));
      expect(b.fingerprint).not.toBe(a.fingerprint);
      expect(await sameEvent(a, b)).toBe(false);
    });

    it('matches a versionless retry at the stored version after a newer version was pushed', async () => {
      versions.pop(); // only v1 registered: `latest` is 1
      const v1Data = { ...data(), method: 'CARD' };
      const first = await prepare(request({ version: undefined, data: v1Data }));
      expect(first.version).toBe(1);
      push(2);
      // `latest` is served from the cache while it refreshes: the request after sees v2.
      await prepare(request({ version: undefined, data: v1Data }));
      await new Promise((resolve) => setImmediate(resolve));
      const retry = await prepare(request({ version: undefined, data: v1Data }));
      expect(retry.version).toBe(2);
      expect(retry.fingerprint).not.toBe(first.fingerprint);
      expect(await retry.sameEvent(first.fingerprint)).toBe(true);
      // Other content at the stored version is still another event; so is a pinned other version.
      const other = await prepare(request({ version: undefined, data: { ...v1Data, amount_minor: 5 } }));
      expect(await other.sameEvent(first.fingerprint)).toBe(false);
      const pinned = await prepare(request({ version: 2, data: v1Data }));
      expect(await pinned.sameEvent(first.fingerprint)).toBe(false);
    });

    it('matches rows of the older schemes written for the same request, not for another', async () => {
      const sent = request({ version: undefined });
      const event = await prepare(sent);
      expect(await event.sameEvent(fingerprintV2(sent, event.record.value))).toBe(true);
      expect(await event.sameEvent(legacyFingerprint(sent))).toBe(true);
      const other = request({ version: undefined, data: data({ amount_minor: 7 }) });
      expect(await event.sameEvent(fingerprintV2(other, event.record.value))).toBe(false);
      expect(await event.sameEvent(legacyFingerprint(other))).toBe(false);
    });
  });
});
