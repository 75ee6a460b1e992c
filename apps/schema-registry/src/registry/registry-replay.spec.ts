import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import {
  recordInput,
  startedRegistry,
  USER_NO_DEFAULT,
  USER_V1,
  USER_V2,
  type RegistryFixture,
} from '../spec-support/registry-fixture';

/** Everything a client can observe, read through the public use cases. */
async function observe(r: RegistryFixture) {
  const subjects = await r.subjects.subjects({ deleted: true });
  const perSubject = await Promise.all(
    subjects.map(async (subject) => {
      const versions = await r.subjects.versions(subject, { deleted: true });
      return {
        subject,
        live: await r.subjects.versions(subject).catch((e: Error) => e.message),
        versions: await Promise.all(versions.map((v) => r.subjects.version(subject, String(v), true))),
        level: await r.settings.subjectLevel(subject, false).catch((e: Error) => e.message),
        mode: await r.settings.subjectMode(subject, false).catch((e: Error) => e.message),
      };
    }),
  );
  const ids = await Promise.all(
    Array.from({ length: 8 }, (_, i) => r.schemas.byId(String(i + 1)).catch((e: Error) => e.message)),
  );
  return {
    perSubject,
    ids,
    globalLevel: await r.settings.globalLevel(),
    globalMode: await r.settings.globalMode(),
  };
}

async function busyHistory(): Promise<Awaited<ReturnType<typeof startedRegistry>>> {
  const r = await startedRegistry();
  await r.settings.setLevel(null, 'FULL');
  await r.registration.register('users-value', USER_V1);
  await r.registration.register('users-value', USER_V2);
  await r.registration.register('copy-value', USER_V2);
  await r.settings.setLevel('scratch-value', 'NONE');
  await r.registration.register('scratch-value', USER_V1);
  await r.registration.register('scratch-value', USER_NO_DEFAULT);
  await r.deletion.deleteVersion('scratch-value', '1', false);
  await r.deletion.deleteVersion('scratch-value', '1', true);
  await r.registration.register('gone-value', recordInput('Gone', [{ name: 'g', type: 'int' }]));
  await r.deletion.deleteSubject('gone-value', false);
  await r.deletion.deleteSubject('gone-value', true);
  await r.registration.register('soft-value', recordInput('Soft', [{ name: 's', type: 'int' }]));
  await r.deletion.deleteSubject('soft-value', false);
  await r.settings.setMode('users-value', 'READONLY', false);
  return r;
}

describe('rebuilding state from the log', () => {
  it('replaying the recorded log into a fresh registry yields the same state and the same next id', async () => {
    const original = await busyHistory();
    const replayed = await startedRegistry(new InMemorySchemaLog(original.log.records()));
    const seen = await observe(original);
    expect(await observe(replayed)).toEqual(seen);
    // The history is rich enough to matter: hard deletes, soft deletes and settings all show.
    expect(seen.ids).toContain('Schema 4 not found');
    expect(seen.perSubject.map((s) => s.subject)).toEqual([
      'copy-value',
      'scratch-value',
      'soft-value',
      'users-value',
    ]);
    const next = recordInput('Next', [{ name: 'n', type: 'int' }]);
    const fromOriginal = await original.registration.register('next-value', next);
    const fromReplay = await replayed.registration.register('next-value', next);
    expect(fromReplay).toEqual(fromOriginal);
    expect(fromOriginal).toEqual({ id: 6 });
  });

  it('writes Confluent key and value JSON, keys in keytype, subject, version, magic order', async () => {
    const r = await startedRegistry();
    await r.registration.register('users-value', { schema: '"string"' });
    await r.deletion.deleteSubject('users-value', false);
    await r.settings.setMode(null, 'READONLY', false);
    expect(r.log.records()).toEqual([
      {
        key: '{"keytype":"SCHEMA","subject":"users-value","version":1,"magic":1}',
        value: '{"subject":"users-value","version":1,"id":1,"schema":"\\"string\\"","deleted":false}',
      },
      {
        key: '{"keytype":"DELETE_SUBJECT","subject":"users-value","magic":0}',
        value: '{"subject":"users-value","version":1}',
      },
      { key: '{"keytype":"MODE","subject":null,"magic":0}', value: '{"mode":"READONLY"}' },
    ]);
  });

  it('reads a log written by Confluent, skipping records it does not understand', async () => {
    const confluentLog = new InMemorySchemaLog([
      { key: '{"keytype":"NOOP","magic":0}', value: null },
      { key: '{"keytype":"CONFIG","subject":null,"magic":0}', value: '{"compatibilityLevel":"NONE"}' },
      {
        key: '{"keytype":"SCHEMA","subject":"t-value","version":1,"magic":1}',
        value: '{"subject":"t-value","version":1,"id":21,"schema":"{\\"type\\":\\"int\\"}","deleted":false}',
      },
      {
        key: '{"keytype":"SCHEMA","subject":"p-value","version":1,"magic":1}',
        value:
          '{"subject":"p-value","version":1,"id":22,"schemaType":"PROTOBUF","schema":"syntax = \\"proto3\\";","deleted":false}',
      },
      { key: '{"keytype":"SCHEMA","subject":"broken","version":1,"magic":1}', value: '{"id":"x"}' },
      {
        key: '{"keytype":"DELETE_SUBJECT","subject":"t-value","magic":0}',
        value: '{"subject":"t-value","version":1}',
      },
    ]);
    const r = await startedRegistry(confluentLog);
    await expect(r.settings.globalLevel()).resolves.toBe('NONE');
    await expect(r.subjects.subjects()).resolves.toEqual(['p-value']);
    await expect(r.subjects.subjects({ deletedOnly: true })).resolves.toEqual(['t-value']);
    await expect(r.schemas.byId('22')).resolves.toEqual({
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3";',
    });
    // `{"type":"int"}` and `"int"` are the same schema, so the old id comes back under a new subject.
    await expect(r.registration.register('n-value', { schema: '"int"' })).resolves.toEqual({ id: 21 });
    await expect(r.registration.register('m-value', { schema: '"long"' })).resolves.toEqual({ id: 23 });
  });

  it('skips a record it cannot even decode instead of failing the log reader', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const log = new InMemorySchemaLog([
      {
        key: '{"keytype":"SCHEMA","subject":"deep","version":1,"magic":1}',
        value: JSON.stringify({ subject: 'deep', version: 1, id: 1, schema: deep, deleted: false }),
      },
      {
        key: '{"keytype":"SCHEMA","subject":"fine","version":1,"magic":1}',
        value: '{"subject":"fine","version":1,"id":2,"schema":"\\"int\\"","deleted":false}',
      },
    ]);
    const r = await startedRegistry(log);
    await expect(r.subjects.subjects()).resolves.toEqual(['fine']);
  });
});
