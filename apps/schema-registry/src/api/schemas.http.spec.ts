import { USER_V1, USER_V2 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { anyString } from '../spec-support/matchers';

let registry: RegistryTestApp;

beforeEach(async () => {
  registry = await startRegistryApp();
  await registry.request('POST', '/subjects/a-value/versions', { body: USER_V1 });
  await registry.request('POST', '/subjects/a-value/versions', { body: USER_V2 });
  await registry.request('POST', '/subjects/b-value/versions', { body: USER_V2 });
});

afterEach(async () => {
  await registry.close();
});

describe('schemas by id over HTTP', () => {
  it('GET / answers {}', async () => {
    await expect(registry.request('GET', '/')).resolves.toMatchObject({ status: 200, body: {} });
  });

  it('GET /schemas/types answers ["AVRO"]', async () => {
    await expect(registry.request('GET', '/schemas/types')).resolves.toMatchObject({
      status: 200,
      body: ['AVRO'],
    });
  });

  it('answers a schema by id, bare or wrapped, and 40403 for an unknown id', async () => {
    const wrapped = await registry.request('GET', '/schemas/ids/2');
    expect(wrapped).toMatchObject({ status: 200, body: { schema: anyString() } });
    expect(Object.keys(wrapped.body as object)).toEqual(['schema']);
    expect(JSON.parse((wrapped.body as { schema: string }).schema)).toEqual(JSON.parse(USER_V2.schema));
    const bare = await registry.request('GET', '/schemas/ids/2/schema');
    expect(bare.body).toEqual(JSON.parse(USER_V2.schema));
    await expect(registry.request('GET', '/schemas/ids/9')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema 9 not found' },
    });
    await expect(registry.request('GET', '/schemas/ids/9/versions')).resolves.toMatchObject({ status: 404 });
  });

  it('lists the subjects and versions using an id, hiding soft-deleted ones unless asked', async () => {
    await expect(registry.request('GET', '/schemas/ids/2/subjects')).resolves.toMatchObject({
      body: ['a-value', 'b-value'],
    });
    await expect(registry.request('GET', '/schemas/ids/2/versions')).resolves.toMatchObject({
      body: [
        { subject: 'a-value', version: 2 },
        { subject: 'b-value', version: 1 },
      ],
    });
    await registry.request('DELETE', '/subjects/b-value');
    await expect(registry.request('GET', '/schemas/ids/2/subjects')).resolves.toMatchObject({
      body: ['a-value'],
    });
    await expect(registry.request('GET', '/schemas/ids/2/subjects?deleted=true')).resolves.toMatchObject({
      body: ['a-value', 'b-value'],
    });
    await expect(registry.request('GET', '/schemas/ids/2/versions?deleted=true')).resolves.toMatchObject({
      body: [
        { subject: 'a-value', version: 2 },
        { subject: 'b-value', version: 1 },
      ],
    });
  });

  it('keeps serving an id after a soft delete and forgets it after a hard delete', async () => {
    await registry.request('DELETE', '/subjects/a-value/versions/1');
    await expect(registry.request('GET', '/schemas/ids/1')).resolves.toMatchObject({ status: 200 });
    await registry.request('DELETE', '/subjects/a-value/versions/1?permanent=true');
    await expect(registry.request('GET', '/schemas/ids/1')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
  });

  it('lists schemas with subjectPrefix, latestOnly and deleted', async () => {
    const all = await registry.request('GET', '/schemas');
    expect(
      (all.body as { subject: string; version: number; id: number }[]).map((s) => [
        s.subject,
        s.version,
        s.id,
      ]),
    ).toEqual([
      ['a-value', 1, 1],
      ['a-value', 2, 2],
      ['b-value', 1, 2],
    ]);
    const latest = await registry.request('GET', '/schemas?latestOnly=true&subjectPrefix=a');
    expect(latest.body).toEqual([{ subject: 'a-value', version: 2, id: 2, schema: anyString() }]);
    await registry.request('DELETE', '/subjects/b-value');
    expect(((await registry.request('GET', '/schemas')).body as unknown[]).length).toBe(2);
    expect(((await registry.request('GET', '/schemas?deleted=true')).body as unknown[]).length).toBe(3);
  });
});
