import { USER_NO_DEFAULT, USER_V1, USER_V2 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { anyString, stringMatching } from '../spec-support/matchers';

let registry: RegistryTestApp;

beforeEach(async () => {
  registry = await startRegistryApp();
});

afterEach(async () => {
  await registry.close();
});

const call = (method: string, url: string, body?: unknown) => registry.request(method, url, { body });

describe('subjects and versions over HTTP', () => {
  it('registers, answering 200 {id} in the registry media type, idempotently', async () => {
    const first = await call('POST', '/subjects/users-value/versions', USER_V1);
    expect(first).toMatchObject({ status: 200, body: { id: 1 } });
    expect(first.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    await expect(call('POST', '/subjects/users-value/versions', USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { id: 1 },
    });
    await expect(
      call('POST', '/subjects/users-value/versions?normalize=true', USER_V2),
    ).resolves.toMatchObject({
      status: 200,
      body: { id: 2 },
    });
  });

  it('accepts the vnd, generic vnd and plain JSON request types', async () => {
    for (const [i, type] of [
      'application/vnd.schemaregistry+json',
      'application/json; charset=utf-8',
    ].entries()) {
      const response = await registry.request('POST', `/subjects/s${i}/versions`, {
        body: USER_V1,
        headers: { 'content-type': type },
      });
      expect(response).toMatchObject({ status: 200, body: { id: 1 } });
    }
  });

  it('answers 409 with error_code 409 and the checker’s reasons for an incompatible schema', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    const refused = await call('POST', '/subjects/users-value/versions', USER_NO_DEFAULT);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error_code: 409,
      message: stringMatching(
        /^Schema being registered is incompatible with an earlier schema for subject "users-value", details: .*reader field "age"/,
      ),
    });
  });

  it('lists subjects and versions, with prefixes and deleted ones on request', async () => {
    await call('POST', '/subjects/b-value/versions', USER_V1);
    await call('POST', '/subjects/a-value/versions', USER_V1);
    await call('POST', '/subjects/a-value/versions', USER_V2);
    await call('DELETE', '/subjects/b-value');
    expect((await call('GET', '/subjects')).body).toEqual(['a-value']);
    expect((await call('GET', '/subjects?deleted=true')).body).toEqual(['a-value', 'b-value']);
    expect((await call('GET', '/subjects?deletedOnly=true')).body).toEqual(['b-value']);
    expect((await call('GET', '/subjects?subjectPrefix=b&deleted=true&unknown=1')).body).toEqual(['b-value']);
    expect((await call('GET', '/subjects/a-value/versions')).body).toEqual([1, 2]);
    await expect(call('GET', '/subjects/b-value/versions')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401, message: "Subject 'b-value' not found." },
    });
    expect((await call('GET', '/subjects/b-value/versions?deleted=true')).body).toEqual([1]);
  });

  it('gets a version by number, latest or -1, and its bare schema text', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await call('POST', '/subjects/users-value/versions', USER_V2);
    const expected = { subject: 'users-value', version: 2, id: 2, schema: USER_V2.schema };
    for (const ref of ['2', 'latest', '-1']) {
      await expect(call('GET', `/subjects/users-value/versions/${ref}`)).resolves.toMatchObject({
        status: 200,
        body: expected,
      });
    }
    const bare = await call('GET', '/subjects/users-value/versions/1/schema');
    expect(bare.status).toBe(200);
    expect(bare.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    expect(bare.body).toEqual(JSON.parse(USER_V1.schema));
    await expect(call('GET', '/subjects/users-value/versions/1/referencedby')).resolves.toMatchObject({
      status: 200,
      body: [],
    });
  });

  it('answers 40401, 40402 and 42202 for a missing subject, missing version and invalid version', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('GET', '/subjects/nobody/versions/1')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    await expect(call('GET', '/subjects/users-value/versions/7')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40402, message: 'Version 7 not found.' },
    });
    await expect(call('GET', '/subjects/users-value/versions/7/referencedby')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    for (const bad of ['abc', '0', '2147483648', '99999999999999999999999', '-5']) {
      const response = await call('GET', `/subjects/users-value/versions/${bad}`);
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        error_code: 42202,
        message: `The specified version '${bad}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
      });
    }
  });

  it('looks a schema up under a subject (40401 without the subject, 40403 without a match)', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('POST', '/subjects/users-value', USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { subject: 'users-value', version: 1, id: 1, schema: anyString() },
    });
    await expect(call('POST', '/subjects/users-value', USER_V2)).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema not found' },
    });
    await expect(call('POST', '/subjects/other', USER_V1)).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    await call('DELETE', '/subjects/users-value/versions/1');
    await expect(call('POST', '/subjects/users-value', USER_V1)).resolves.toMatchObject({ status: 404 });
    await expect(call('POST', '/subjects/users-value?deleted=true', USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { version: 1 },
    });
  });

  it('deletes subjects softly, then permanently, with Confluent’s codes in between', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await call('POST', '/subjects/users-value/versions', USER_V2);
    await expect(call('DELETE', '/subjects/users-value?permanent=true')).resolves.toMatchObject({
      status: 404,
      body: {
        error_code: 40405,
        message: "Subject 'users-value' was not deleted first before being permanently deleted",
      },
    });
    await expect(call('DELETE', '/subjects/users-value')).resolves.toMatchObject({
      status: 200,
      body: [1, 2],
    });
    await expect(call('DELETE', '/subjects/users-value')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40404 },
    });
    await expect(call('DELETE', '/subjects/users-value?permanent=true')).resolves.toMatchObject({
      status: 200,
      body: [1, 2],
    });
    await expect(call('DELETE', '/subjects/users-value')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('deletes versions softly, then permanently (40406 / 40407 out of order)', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('DELETE', '/subjects/users-value/versions/1?permanent=true')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40407 },
    });
    await expect(call('DELETE', '/subjects/users-value/versions/1')).resolves.toMatchObject({
      status: 200,
      body: 1,
    });
    await expect(call('DELETE', '/subjects/users-value/versions/1')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40406 },
    });
    await expect(call('DELETE', '/subjects/users-value/versions/1?permanent=true')).resolves.toMatchObject({
      status: 200,
      body: 1,
    });
    await expect(call('DELETE', '/subjects/users-value/versions/x')).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    });
  });

  it('a DELETE that carries a JSON content type and an empty body still works', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    const response = await registry.request('DELETE', '/subjects/users-value', {
      rawBody: '',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', 'content-length': '0' },
    });
    expect(response).toMatchObject({ status: 200, body: [1] });
  });

  it.each([
    ['spaces', 'my subject', 'my%20subject'],
    ['unicode', 'zahlungen.eingänge-✓-value', encodeURIComponent('zahlungen.eingänge-✓-value')],
    ['an encoded slash', 'team/orders-value', 'team%2Forders-value'],
    ['dots and colons', ':.context:orders', encodeURIComponent(':.context:orders')],
  ])('serves subject names with %s', async (_what, subject, encoded) => {
    await expect(call('POST', `/subjects/${encoded}/versions`, USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { id: 1 },
    });
    expect((await call('GET', '/subjects')).body).toEqual([subject]);
    await expect(call('GET', `/subjects/${encoded}/versions/latest`)).resolves.toMatchObject({
      status: 200,
      body: { subject, version: 1 },
    });
    await expect(call('PUT', `/config/${encoded}`, { compatibility: 'NONE' })).resolves.toMatchObject({
      status: 200,
    });
  });
});
