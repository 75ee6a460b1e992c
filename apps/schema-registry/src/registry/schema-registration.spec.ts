import type { SchemaLog } from './schema-log.port';
import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import {
  recordInput,
  registryOn,
  startedRegistry,
  USER_NO_DEFAULT,
  USER_V1,
  USER_V2,
} from '../spec-support/registry-fixture';
import {
  IncompatibleSchemaError,
  InvalidSchemaError,
  InvalidSubjectError,
  OperationNotPermittedError,
  SchemaTooLargeError,
} from './registry-errors';

const ORDER_V1 = recordInput('Order', [{ name: 'orderId', type: 'long' }]);

describe('SchemaRegistration', () => {
  describe('ids and versions', () => {
    it('gives each new schema the next global id and each subject its own versions', async () => {
      const r = await startedRegistry();
      await expect(r.registration.register('users-value', USER_V1)).resolves.toEqual({ id: 1 });
      await expect(r.registration.register('orders-value', ORDER_V1)).resolves.toEqual({ id: 2 });
      await expect(r.registration.register('users-value', USER_V2)).resolves.toEqual({ id: 3 });
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1, 2]);
      await expect(r.subjects.versions('orders-value')).resolves.toEqual([1]);
      await expect(r.subjects.version('users-value', '2')).resolves.toMatchObject({ id: 3, version: 2 });
    });

    it('keeps the existing id when the same schema is registered under another subject', async () => {
      const r = await startedRegistry();
      await r.registration.register('a-value', USER_V1);
      await r.registration.register('a-value', USER_V2);
      await expect(r.registration.register('b-value', USER_V2)).resolves.toEqual({ id: 2 });
      await expect(r.schemas.subjectsOf('2')).resolves.toEqual(['a-value', 'b-value']);
      await expect(r.subjects.version('b-value', '1')).resolves.toMatchObject({ id: 2, version: 1 });
    });

    it('is idempotent: the same schema again answers its id without a new version or record', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      const recorded = r.log.records().length;
      await expect(r.registration.register('users-value', USER_V1)).resolves.toEqual({ id: 1 });
      expect(r.log.records()).toHaveLength(recorded);
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1]);
    });

    it('treats layout, key order and {"type":"string"} spelling as the same schema', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      const respelled = `{
        "fields": [ { "type": { "type": "string" }, "name": "id" } ],
        "namespace": "test", "name": "User", "type": "record"
      }`;
      await expect(r.registration.register('users-value', { schema: respelled })).resolves.toEqual({ id: 1 });
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1]);
    });

    it('never hands out an id again, even after every version using it is hard deleted', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      await r.deletion.deleteSubject('users-value', false);
      await r.deletion.deleteSubject('users-value', true);
      await expect(r.schemas.byId('1')).rejects.toThrow('Schema 1 not found');
      await expect(r.registration.register('users-value', USER_V1)).resolves.toEqual({ id: 2 });
      // Versions do not restart either: version 1 existed once.
      await expect(r.subjects.versions('users-value')).resolves.toEqual([2]);
    });

    it('re-registering a soft-deleted schema adds a new version with the same id', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      await r.deletion.deleteVersion('users-value', '1', false);
      await expect(r.registration.register('users-value', USER_V1)).resolves.toEqual({ id: 1 });
      await expect(r.subjects.versions('users-value', { deleted: true })).resolves.toEqual([1, 2]);
      await expect(r.subjects.versions('users-value')).resolves.toEqual([2]);
    });
  });

  describe('compatibility', () => {
    it('refuses a schema the subject level (default BACKWARD) forbids, naming the problem', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      const refusal = r.registration.register('users-value', USER_NO_DEFAULT);
      await expect(refusal).rejects.toBeInstanceOf(IncompatibleSchemaError);
      await expect(refusal).rejects.toThrow(
        /incompatible with an earlier schema for subject "users-value", details: \[\{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'.*reader field "age".*\{oldSchemaVersion: 1\}.*\{compatibility: 'BACKWARD'\}/,
      );
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1]);
    });

    it('checks only the newest version at BACKWARD but every version at BACKWARD_TRANSITIVE', async () => {
      const v1 = recordInput('Event', [{ name: 'a', type: 'string' }]);
      const v2 = recordInput('Event', [{ name: 'b', type: 'string', default: '' }]);
      // Reads v2 data (b has a default there) but needs "b" from v1 data, which lacks it.
      const v3 = recordInput('Event', [{ name: 'b', type: 'string' }]);
      const plain = await startedRegistry();
      for (const input of [v1, v2]) await plain.registration.register('s', input);
      await expect(plain.registration.register('s', v3)).resolves.toEqual({ id: 3 });

      const transitive = await startedRegistry();
      await transitive.settings.setLevel('s', 'BACKWARD_TRANSITIVE');
      for (const input of [v1, v2]) await transitive.registration.register('s', input);
      await expect(transitive.registration.register('s', v3)).rejects.toThrow(/oldSchemaVersion: 1/);
    });

    it('uses the subject level before the global one', async () => {
      const r = await startedRegistry();
      await r.settings.setLevel(null, 'FULL');
      await r.settings.setLevel('users-value', 'NONE');
      await r.registration.register('users-value', USER_V1);
      await expect(r.registration.register('users-value', USER_NO_DEFAULT)).resolves.toEqual({ id: 2 });
      await r.registration.register('other-value', USER_V1);
      await expect(r.registration.register('other-value', USER_NO_DEFAULT)).rejects.toThrow(
        /compatibility: 'FULL'/,
      );
    });

    it('ignores soft-deleted versions when checking', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      await r.deletion.deleteVersion('users-value', '1', false);
      await expect(r.registration.register('users-value', USER_NO_DEFAULT)).resolves.toEqual({ id: 2 });
    });
  });

  describe('refusals', () => {
    it('refuses invalid Avro with avsc’s reason', async () => {
      const r = await startedRegistry();
      const refusal = r.registration.register('s', {
        schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"strin"}]}',
      });
      await expect(refusal).rejects.toBeInstanceOf(InvalidSchemaError);
      await expect(refusal).rejects.toThrow(/^Invalid schema: not a valid Avro schema: .*strin/);
    });

    it('refuses text that is not JSON, an empty schema, other schema types and references', async () => {
      const r = await startedRegistry();
      await expect(r.registration.register('s', { schema: '{"type":' })).rejects.toThrow(/not valid JSON/);
      await expect(r.registration.register('s', { schema: '' })).rejects.toThrow(/^Empty schema/);
      await expect(r.registration.register('s', {})).rejects.toThrow(/^Empty schema/);
      await expect(r.registration.register('s', { ...USER_V1, schemaType: 'PROTOBUF' })).rejects.toThrow(
        /schemaType PROTOBUF is not supported/,
      );
      await expect(
        r.registration.register('s', { ...USER_V1, references: [{ name: 'x', subject: 'y', version: 1 }] }),
      ).rejects.toThrow(/references are not supported/);
      expect(r.log.records()).toEqual([]);
    });

    it('refuses schemas nested deeper than the registry can check', async () => {
      const r = await startedRegistry();
      const nested = (depth: number) =>
        '{"type":"array","items":'.repeat(depth) + '"int"' + '}'.repeat(depth);
      await expect(r.registration.register('s', { schema: nested(150) })).resolves.toEqual({ id: 1 });
      await expect(r.registration.register('t', { schema: nested(2_000) })).rejects.toThrow(
        new InvalidSchemaError('Invalid schema: nested more than 300 levels deep'),
      );
    });

    it('refuses schemas over 1 MiB', async () => {
      const r = await startedRegistry();
      const schema = JSON.stringify({ type: 'string', doc: 'x'.repeat(1024 * 1024) });
      await expect(r.registration.register('s', { schema })).rejects.toBeInstanceOf(SchemaTooLargeError);
    });

    it('refuses subject names with control characters', async () => {
      const r = await startedRegistry();
      await expect(r.registration.register('bad\u0000name', USER_V1)).rejects.toBeInstanceOf(
        InvalidSubjectError,
      );
      await expect(r.registration.register('', USER_V1)).rejects.toBeInstanceOf(InvalidSubjectError);
      await expect(r.registration.register('x'.repeat(1_001), USER_V1)).rejects.toBeInstanceOf(
        InvalidSubjectError,
      );
      await expect(r.registration.register('x'.repeat(1_000), USER_V1)).resolves.toEqual({ id: 1 });
    });
  });

  describe('modes', () => {
    it('refuses new schemas in READONLY mode but still answers already registered ones', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      await r.settings.setMode('users-value', 'READONLY', false);
      await expect(r.registration.register('users-value', USER_V2)).rejects.toThrow(
        new OperationNotPermittedError('Subject users-value is in read-only mode'),
      );
      await expect(r.registration.register('users-value', USER_V1)).resolves.toEqual({ id: 1 });
    });

    it('in IMPORT mode keeps the given id and version and skips the compatibility check', async () => {
      const r = await startedRegistry();
      await r.settings.setMode(null, 'IMPORT', false);
      await expect(
        r.registration.register('users-value', { ...USER_V1, id: 100, version: 5 }),
      ).resolves.toEqual({
        id: 100,
      });
      await expect(
        r.registration.register('users-value', { ...USER_NO_DEFAULT, id: 7, version: 6 }),
      ).resolves.toEqual({ id: 7 });
      await expect(r.subjects.versions('users-value')).resolves.toEqual([5, 6]);
      await expect(r.registration.register('x', { ...USER_V2, id: 100 })).rejects.toThrow(
        'Overwrite new schema with id 100 is not permitted.',
      );
      await expect(r.registration.register('x', USER_V2)).rejects.toThrow(
        'Subject x is not in read-write mode',
      );
      await r.settings.setMode(null, 'READWRITE', false);
      // New ids continue above the highest imported one.
      await expect(r.registration.register('x', USER_V2)).resolves.toEqual({ id: 101 });
      await expect(r.registration.register('y', { ...USER_V1, id: 1 })).rejects.toThrow(
        'Subject y is not in import mode',
      );
    });
  });

  it('when the same schema holds two ids (imported), the survivor is reused after the other is gone', async () => {
    const r = await startedRegistry();
    await r.registration.register('a-value', USER_V1);
    await r.settings.setMode('b-value', 'IMPORT', false);
    await r.registration.register('b-value', { ...USER_V1, id: 50, version: 1 });
    await r.settings.deleteMode('b-value');
    await r.deletion.deleteSubject('a-value', false);
    await r.deletion.deleteSubject('a-value', true);
    await expect(r.registration.register('c-value', USER_V1)).resolves.toEqual({ id: 50 });
  });

  it('serialises concurrent writes so no id is handed out twice', async () => {
    const memory = new InMemorySchemaLog();
    // Appends that take a while leave room for a second write to decide before the first lands.
    const slow: SchemaLog = {
      start: (apply) => memory.start(apply),
      get appliedOffset() {
        return memory.appliedOffset;
      },
      append: async (key, value) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return memory.append(key, value);
      },
      waitUntilCaughtUp: () => memory.waitUntilCaughtUp(),
      stop: () => memory.stop(),
    };
    const r = registryOn(slow);
    await r.store.start();
    const inputs = Array.from({ length: 8 }, (_, i) => recordInput(`T${i}`, [{ name: 'a', type: 'int' }]));
    const results = await Promise.all(inputs.map((input, i) => r.registration.register(`s${i}`, input)));
    expect(results.map((x) => x.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
