import { UnknownLeaderError, type RegistryLeadership } from '../registry';
import { USER_NO_DEFAULT, USER_V1 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { FORWARDED_HEADER, type LeaderFetch } from './leader-forwarding.interceptor';
import { stringMatching } from '../spec-support/matchers';

const LEADER_URL = 'http://leader.internal:8081';

/** A fetch that delivers to the leader app in-process and records what it was asked. */
function fetchInto(leader: RegistryTestApp, seen: { url: string; init: RequestInit }[]): LeaderFetch {
  return async (url, init) => {
    seen.push({ url, init });
    const response = await leader.app.inject({
      method: init.method as 'POST',
      url: url.slice(LEADER_URL.length),
      headers: init.headers as Record<string, string>,
      payload: init.body as string | undefined,
    });
    return new Response(response.body, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type']) },
    });
  };
}

const followerOf: RegistryLeadership = { leaderUrl: () => LEADER_URL };

describe('leader forwarding over HTTP', () => {
  const apps: RegistryTestApp[] = [];
  const start = async (...args: Parameters<typeof startRegistryApp>) => {
    const app = await startRegistryApp(...args);
    apps.push(app);
    return app;
  };

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('relays writes to the leader with their path, query, body and credentials, and relays its answer', async () => {
    const leader = await start({ env: { REGISTRY_WRITE_TOKEN: 't' } });
    const seen: { url: string; init: RequestInit }[] = [];
    const follower = await start({
      env: { REGISTRY_WRITE_TOKEN: 't' },
      leadership: followerOf,
      fetch: fetchInto(leader, seen),
    });
    const auth = { authorization: 'Bearer t' };

    const registered = await follower.request('POST', '/subjects/a%2Fb/versions?normalize=true', {
      body: USER_V1,
      headers: auth,
    });
    expect(registered).toMatchObject({ status: 200, body: { id: 1 } });
    expect(registered.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    expect(seen[0]?.url).toBe(`${LEADER_URL}/subjects/a%2Fb/versions?normalize=true`);
    expect(seen[0]?.init.headers).toMatchObject({ authorization: 'Bearer t', [FORWARDED_HEADER]: 'true' });
    // The leader holds the write; the follower's own log saw nothing.
    expect(leader.log.records()).toHaveLength(1);
    expect(follower.log.records()).toEqual([]);

    const refused = await follower.request('POST', '/subjects/a%2Fb/versions', {
      body: USER_NO_DEFAULT,
      headers: auth,
    });
    expect(refused).toMatchObject({ status: 409, body: { error_code: 409 } });
    await expect(follower.request('DELETE', '/subjects/a%2Fb', { headers: auth })).resolves.toMatchObject({
      status: 200,
      body: [1],
    });
    await expect(
      follower.request('PUT', '/config', { body: { compatibility: 'NONE' }, headers: auth }),
    ).resolves.toMatchObject({
      status: 200,
      body: { compatibility: 'NONE' },
    });
    await expect(leader.request('GET', '/config')).resolves.toMatchObject({
      body: { compatibilityLevel: 'NONE' },
    });
  });

  it('answers reads itself and checks credentials before forwarding', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const follower = await start({
      env: { REGISTRY_WRITE_TOKEN: 't' },
      leadership: followerOf,
      fetch: async (url, init) => {
        seen.push({ url, init });
        return new Response('{}', { status: 200 });
      },
    });
    await expect(follower.request('GET', '/subjects')).resolves.toMatchObject({ status: 200, body: [] });
    await expect(
      follower.request('POST', '/compatibility/subjects/s/versions', { body: USER_V1 }),
    ).resolves.toMatchObject({
      status: 200,
    });
    await expect(follower.request('POST', '/subjects/s/versions', { body: USER_V1 })).resolves.toMatchObject({
      status: 401,
    });
    expect(seen).toEqual([]);
  });

  it('answers 50003 when the leader cannot be reached', async () => {
    const follower = await start({
      leadership: followerOf,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const response = await follower.request('POST', '/subjects/s/versions', { body: USER_V1 });
    expect(response).toMatchObject({
      status: 500,
      body: {
        error_code: 50003,
        message: stringMatching(/^Error while forwarding the request to the master .*fetch failed/),
      },
    });
  });

  it('answers 50004 when no leader is known, or when a forwarded write reaches a non-leader', async () => {
    const lost = await start({
      leadership: {
        leaderUrl: () => {
          throw new UnknownLeaderError();
        },
      },
    });
    await expect(lost.request('PUT', '/mode', { body: { mode: 'READONLY' } })).resolves.toMatchObject({
      status: 500,
      body: { error_code: 50004, message: 'Leader not known.' },
    });
    const confused = await start({
      leadership: followerOf,
      fetch: () => Promise.reject(new Error('must not be called')),
    });
    await expect(
      confused.request('POST', '/subjects/s/versions', {
        body: USER_V1,
        headers: { [FORWARDED_HEADER]: 'true' },
      }),
    ).resolves.toMatchObject({ status: 500, body: { error_code: 50004 } });
  });
});
