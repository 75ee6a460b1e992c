import { MAX_SUBJECT_LENGTH } from '../registry';
import { REGISTRY_MAX_PARAM_LENGTH } from './registry-router-errors';
import { USER_V1 } from '../spec-support/registry-fixture';
import { confluentError } from '../spec-support/matchers';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';

let registry: RegistryTestApp;

beforeAll(async () => {
  registry = await startRegistryApp();
});

afterAll(async () => {
  await registry.close();
});

describe('bad input over HTTP: always a 4xx with a Confluent error body, never a 5xx', () => {
  it('malformed JSON body → 400 / 400', async () => {
    const response = await registry.request('POST', '/subjects/s/versions', { rawBody: '{"schema": ' });
    expect(response).toEqual(confluentError(400, 400));
    expect((response.body as { message: string }).message).toMatch(/^Malformed JSON request body/);
  });

  it('a body that is JSON but not an object → 400 / 400', async () => {
    for (const rawBody of ['[1,2]', '"schema"', '42', 'null']) {
      const response = await registry.request('PUT', '/config', { rawBody });
      expect(response).toEqual(confluentError(400, 400));
    }
  });

  it('a prototype-poisoning body → 400 / 400', async () => {
    const response = await registry.request('POST', '/subjects/s/versions', {
      rawBody: '{"schema": "\\"int\\"", "__proto__": {"polluted": true}}',
    });
    expect(response).toEqual(confluentError(400, 400));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('unparsable or invalid Avro → 422 / 42201 with the reason', async () => {
    const notJson = await registry.request('POST', '/subjects/s/versions', {
      body: { schema: '{"type": "rec' },
    });
    expect(notJson).toEqual(confluentError(422, 42201));
    expect((notJson.body as { message: string }).message).toMatch(
      /^Invalid schema: the schema is not valid JSON/,
    );
    const badAvro = await registry.request('POST', '/subjects/s/versions', {
      body: { schema: '{"type":"record","name":"R","fields":[{"name":"a"}]}' },
    });
    expect(badAvro).toEqual(confluentError(422, 42201));
    expect((badAvro.body as { message: string }).message).toMatch(
      /^Invalid schema: not a valid Avro schema: .+/,
    );
    expect(await registry.request('POST', '/subjects/s/versions', { body: {} })).toEqual(
      confluentError(422, 42201),
    );
    expect(await registry.request('POST', '/subjects/s/versions', { body: { schema: 7 } })).toEqual(
      confluentError(422, 42201),
    );
    expect(await registry.request('POST', '/subjects/s', { body: { schema: 'nope' } })).toEqual(
      confluentError(422, 42201),
    );
  });

  it('JSON Schema and Protobuf are refused honestly → 422 / 42201', async () => {
    const response = await registry.request('POST', '/subjects/s/versions', {
      body: { schemaType: 'JSON', schema: '{"type":"object"}' },
    });
    expect(response).toEqual(confluentError(422, 42201));
    expect((response.body as { message: string }).message).toMatch(/schemaType JSON is not supported/);
  });

  it('a schema over 1 MiB → 422 / 42209; a body over the request limit → 413 / 413', async () => {
    const big = JSON.stringify({ type: 'string', doc: 'x'.repeat(1_200_000) });
    expect(await registry.request('POST', '/subjects/s/versions', { body: { schema: big } })).toEqual(
      confluentError(422, 42209),
    );
    const huge = JSON.stringify({ schema: 'x'.repeat(5 * 1024 * 1024) });
    expect(await registry.request('POST', '/subjects/s/versions', { rawBody: huge })).toEqual(
      confluentError(413, 413),
    );
  });

  it('an unsupported request media type → 415 / 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await registry.request('POST', '/subjects/s/versions', {
        rawBody: 'schema=x',
        headers: { 'content-type': type },
      });
      expect(response).toEqual(confluentError(415, 415));
    }
  });

  it('huge or malformed version and id numbers → 422 / 42202 and 404 / 40403', async () => {
    await registry.request('POST', '/subjects/s/versions', { body: USER_V1 });
    for (const version of ['99999999999999999999999999', '2147483648', '1.5', '0x1', '%20']) {
      expect(await registry.request('GET', `/subjects/s/versions/${version}`)).toEqual(
        confluentError(422, 42202),
      );
      expect(await registry.request('DELETE', `/subjects/s/versions/${version}`)).toEqual(
        confluentError(422, 42202),
      );
      expect(
        await registry.request('POST', `/compatibility/subjects/s/versions/${version}`, { body: USER_V1 }),
      ).toEqual(confluentError(422, 42202));
    }
    for (const id of ['0', '-1', 'abc', '99999999999999999999', '2147483648']) {
      const response = await registry.request('GET', `/schemas/ids/${id}`);
      expect(response).toEqual(confluentError(404, 40403));
    }
  });

  it('invalid levels and modes → 422 / 42203 and 42204', async () => {
    expect(await registry.request('PUT', '/config', { body: { compatibility: 'SOMETIMES' } })).toEqual(
      confluentError(422, 42203),
    );
    expect(await registry.request('PUT', '/config/s', { body: {} })).toEqual(confluentError(422, 42203));
    expect(await registry.request('PUT', '/mode', { body: { mode: 'RW' } })).toEqual(
      confluentError(422, 42204),
    );
    expect(await registry.request('PUT', '/mode/s', { body: { mode: null } })).toEqual(
      confluentError(422, 42204),
    );
  });

  it('subject names that cannot be stored → 422 / 42208; names that cannot be routed → 400/414 in the Confluent format', async () => {
    const control = await registry.request('POST', '/subjects/a%00b/versions', { body: USER_V1 });
    expect(control).toEqual(confluentError(422, 42208));
    // Not UTF-8 once decoded: Fastify's router refuses it before any route runs; the registry's
    // hook still answers in Confluent's format.
    const badEncoding = await registry.request('GET', '/subjects/%FF/versions');
    expect(badEncoding).toEqual(confluentError(400, 400));
    expect((badEncoding.body as { message: string }).message).toMatch(
      /^Bad Request: the URL path is not valid percent-encoded UTF-8/,
    );
    // Every name the registry can store routes, even fully percent-encoded: its own rules answer.
    const longest = encodeURIComponent('é'.repeat(MAX_SUBJECT_LENGTH));
    expect(await registry.request('GET', `/subjects/${longest}/versions`)).toEqual(
      confluentError(404, 40401),
    );
    const tooLongToStore = 'a'.repeat(MAX_SUBJECT_LENGTH + 1);
    expect(await registry.request('POST', `/subjects/${tooLongToStore}/versions`, { body: USER_V1 })).toEqual(
      confluentError(422, 42208),
    );
    // Beyond what any storable name can take, the router refuses it, still in Confluent's format.
    const long = await registry.request(
      'GET',
      `/subjects/${'a'.repeat(REGISTRY_MAX_PARAM_LENGTH + 1)}/versions`,
    );
    expect(long).toEqual(confluentError(414, 414));
    expect((long.body as { message: string }).message).toMatch(/^URI Too Long: a path parameter is longer/);
    const reads = await registry.request('GET', '/subjects/a%00b/versions');
    expect(reads).toEqual(confluentError(404, 40401));
  });

  it('unknown routes and methods → 404 / 404 like Confluent', async () => {
    const unknown = await registry.request('GET', '/nothing/here');
    expect(unknown).toEqual(confluentError(404, 404));
    expect(unknown.body).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
    expect(await registry.request('PATCH', '/subjects')).toEqual(confluentError(404, 404));
  });
});
