/**
 * The registry client against an https registry with a private CA and credentials: a stand-in
 * server (a self-signed certificate for 127.0.0.1 made with openssl) that records the
 * Authorization header of each request and answers GET /subjects.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, RegistryError } from '@app/registry-client';

describe('registry client over https with credentials', () => {
  let dir: string;
  let cert: string;
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-registry-tls-'));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=registry.test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (request, response) => {
      seen.push(request.headers.authorization);
      response.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
      response.end(JSON.stringify(['a-value']));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => (seen.length = 0));

  it('trusts the given CA and sends basic auth on every request', async () => {
    const client = new RegistryClient({ url, ca: cert, basicAuth: { username: 'key', password: 'se:cret' } });
    await expect(client.subjects()).resolves.toEqual(['a-value']);
    await client.close();
    expect(seen).toEqual([`Basic ${Buffer.from('key:se:cret').toString('base64')}`]);
  });

  it('sends a bearer token', async () => {
    const client = new RegistryClient({ url, ca: cert, token: 'registry-token' });
    await client.subjects();
    await client.close();
    expect(seen).toEqual(['Bearer registry-token']);
  });

  it('refuses a registry whose certificate it does not trust, as unreachable', async () => {
    const error: unknown = await new RegistryClient({ url }).subjects().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toContain('schema registry unreachable');
    expect((error as RegistryError).message).toContain('self-signed certificate');
    expect(seen).toEqual([]);
  });
});
