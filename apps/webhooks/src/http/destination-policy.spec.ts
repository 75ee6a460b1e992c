import { createDestinationPolicy } from './index';
import {
  LOOPBACK_SPELLINGS,
  PUBLIC_ADDRESSES,
  REFUSED_ADDRESSES,
  scriptedLookup,
  unknownNameLookup,
  urlOf,
} from './spec-support/ssrf-cases';

const RULE = /webhook destinations must be public unless WEBHOOKS_ALLOWLIST admits them/;

describe('DestinationPolicy: the URL itself', () => {
  const policy = createDestinationPolicy({ lookup: scriptedLookup(['93.184.216.34']) });

  it.each([
    ['https://hooks.example.com/in?x=1', undefined],
    ['http://hooks.example.com:8080/in', undefined],
    ['http://hooks.example.com:1/', undefined],
    ['http://hooks.example.com:65535/', undefined],
    ['HTTPS://HOOKS.EXAMPLE.COM./in', undefined],
    ['ftp://hooks.example.com/', 'must use http or https, not "ftp"'],
    ['file:///etc/passwd', 'must use http or https, not "file"'],
    ['gopher://hooks.example.com:70/', 'must use http or https, not "gopher"'],
    ['ws://hooks.example.com/', 'must use http or https, not "ws"'],
    ['javascript:alert(1)', 'must use http or https, not "javascript"'],
    ['data:text/plain,hi', 'must use http or https, not "data"'],
    ['https://user:secret@hooks.example.com/', 'must not contain credentials (user:password@)'],
    ['https://user@hooks.example.com/', 'must not contain credentials (user:password@)'],
    ['https://:secret@hooks.example.com/', 'must not contain credentials (user:password@)'],
    ['https://hooks.example.com/in#section', 'must not contain a fragment (#...)'],
    ['https://hooks.example.com/in#', 'must not contain a fragment (#...)'],
    ['hooks.example.com/in', 'is not a valid absolute URL'],
    ['/relative/path', 'is not a valid absolute URL'],
    ['http://', 'is not a valid absolute URL'],
    ['http://:8080/', 'is not a valid absolute URL'],
    ['https://hooks.example.com:65536/', 'is not a valid absolute URL'],
    ['http://1.2.3.4.5/', 'is not a valid absolute URL'],
    ['http://[::1/', 'is not a valid absolute URL'],
    ['http://[fe80::1%25eth0]/', 'is not a valid absolute URL'],
    ['', 'is not a valid absolute URL'],
  ])('%p → %p', async (url, refusal) => {
    expect(await policy.refusal(url)).toBe(refusal);
  });
});

describe('DestinationPolicy: the SSRF table at create time', () => {
  it.each(REFUSED_ADDRESSES)('refuses the address $address written in the URL', async ({ address, why }) => {
    const lookup = scriptedLookup(['93.184.216.34']);
    const refusal = await createDestinationPolicy({ lookup }).refusal(urlOf(address, 8443, '/in'));
    expect(refusal).toMatch(why);
    expect(refusal).toMatch(RULE);
    // An address is checked as written: the resolver is not asked about it.
    expect(lookup.calls).toEqual([]);
  });

  it.each(REFUSED_ADDRESSES)('refuses a name resolving to $address', async ({ address, why }) => {
    const policy = createDestinationPolicy({ lookup: scriptedLookup([address]) });
    const refusal = await policy.refusal('https://hooks.customer.example/in');
    expect(refusal).toMatch(
      new RegExp(`^host "hooks\\.customer\\.example" resolves to ${address.replace(/\./g, '\\.')},`),
    );
    expect(refusal).toMatch(why);
  });

  it.each(LOOPBACK_SPELLINGS)('refuses the loopback spelling http://%s', async (spelling) => {
    const refusal = await createDestinationPolicy({ lookup: unknownNameLookup }).refusal(
      `http://${spelling}:9000/`,
    );
    expect(refusal).toBe(
      'host 127.0.0.1 is a loopback address (127.0.0.0/8): webhook destinations must be public unless ' +
        'WEBHOOKS_ALLOWLIST admits them',
    );
  });

  it('refuses a name when any one of its records is refused, whichever comes first', async () => {
    for (const records of [
      ['93.184.216.34', '10.0.0.1'],
      ['10.0.0.1', '93.184.216.34'],
      ['2606:2800:220:1::', '93.184.216.34', 'fd00::1'],
    ]) {
      const refusal = await createDestinationPolicy({ lookup: scriptedLookup(records) }).refusal(
        'https://a.example/',
      );
      expect(refusal).toMatch(/(private|unique local)/);
    }
  });

  it.each(PUBLIC_ADDRESSES)('allows the public address %s, written or resolved', async (address) => {
    const lookup = scriptedLookup([address]);
    expect(await createDestinationPolicy({ lookup }).refusal(urlOf(address))).toBeUndefined();
    expect(await createDestinationPolicy({ lookup }).refusal('https://hooks.example.com/')).toBeUndefined();
  });

  it('allows a name whose every record is public (A and AAAA)', async () => {
    const lookup = scriptedLookup(['93.184.216.34', '2606:2800:220:1::']);
    expect(await createDestinationPolicy({ lookup }).refusal('https://example.com/hook')).toBeUndefined();
    expect(lookup.calls).toEqual(['example.com']);
  });

  it('refuses a name that does not resolve, saying why', async () => {
    const policy = createDestinationPolicy({ lookup: unknownNameLookup });
    expect(await policy.refusal('https://nowhere.invalid/')).toBe(
      'host "nowhere.invalid" could not be resolved (ENOTFOUND)',
    );
    const empty = createDestinationPolicy({ lookup: scriptedLookup([]) });
    expect(await empty.refusal('https://empty.example/')).toBe(
      'host "empty.example" could not be resolved (ENOTFOUND)',
    );
  });

  it('refuses a resolver answer that is not an IP address', async () => {
    const policy = createDestinationPolicy({ lookup: scriptedLookup(['not-an-address']) });
    expect(await policy.refusal('https://odd.example/')).toBe(
      'host "odd.example" resolves to "not-an-address", not an IP address',
    );
  });
});

describe('DestinationPolicy: the operator allowlist', () => {
  it('admits loopback receivers (as tests use it) written or resolved, and nothing else', async () => {
    const lookup = scriptedLookup(['127.0.0.1']);
    const policy = createDestinationPolicy({ allowlist: '127.0.0.0/8', lookup });
    expect(await policy.refusal('http://127.0.0.1:3000/')).toBeUndefined();
    expect(await policy.refusal('http://2130706433:3000/')).toBeUndefined();
    expect(await policy.refusal('http://[::ffff:127.0.0.1]:3000/')).toBeUndefined();
    expect(await policy.refusal('http://receiver.test:3000/')).toBeUndefined();
    expect(await policy.refusal('http://10.0.0.1/')).toMatch(/private/);
    expect(await policy.refusal('http://169.254.169.254/latest/meta-data/')).toMatch(/link-local/);
    expect(await policy.refusal('http://[::1]/')).toMatch(/loopback/);
  });

  it('admits IPv6 CIDRs', async () => {
    const policy = createDestinationPolicy({
      allowlist: 'fd00:abcd::/32',
      lookup: scriptedLookup(['fd00:abcd::7']),
    });
    expect(await policy.refusal('http://[fd00:abcd::1]/')).toBeUndefined();
    expect(await policy.refusal('http://internal.corp/')).toBeUndefined();
    expect(await policy.refusal('http://[fd00:abce::1]/')).toMatch(/unique local/);
  });

  it('still refuses a name when one of its records falls outside the allowlist', async () => {
    const policy = createDestinationPolicy({
      allowlist: '10.1.0.0/16',
      lookup: scriptedLookup(['10.1.2.3', '10.2.0.1']),
    });
    expect(await policy.refusal('http://internal.corp/')).toMatch(
      /resolves to 10\.2\.0\.1, a private address/,
    );
  });
});
