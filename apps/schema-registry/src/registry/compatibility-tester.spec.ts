import { recordInput, startedRegistry, USER_V1 } from '../spec-support/registry-fixture';
import { SubjectNotFoundError, VersionNotFoundError, InvalidSchemaError } from './registry-errors';
import { arrayContaining } from '../spec-support/matchers';

const V1 = recordInput('Event', [{ name: 'a', type: 'string' }]);
const V2 = recordInput('Event', [{ name: 'b', type: 'string', default: '' }]);
const V3 = recordInput('Event', [{ name: 'b', type: 'string' }]);

describe('CompatibilityTester', () => {
  it('checks against one version only, or against the subject exactly as registration would', async () => {
    const r = await startedRegistry();
    await r.settings.setLevel('s', 'BACKWARD_TRANSITIVE');
    await r.registration.register('s', V1);
    await r.registration.register('s', V2);
    await expect(r.compatibility.againstVersion('s', '2', V3)).resolves.toEqual({
      compatible: true,
      messages: [],
    });
    await expect(r.compatibility.againstVersion('s', 'latest', V3)).resolves.toMatchObject({
      compatible: true,
    });
    const againstV1 = await r.compatibility.againstVersion('s', '1', V3);
    expect(againstV1.compatible).toBe(false);
    expect(againstV1.messages[0]).toMatch(/^\{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'.*"b"/);
    const againstAll = await r.compatibility.againstSubject('s', V3);
    expect(againstAll).toEqual({
      compatible: false,
      messages: arrayContaining(['{oldSchemaVersion: 1}']),
    });
  });

  it('reports every direction FULL checks', async () => {
    const r = await startedRegistry();
    await r.settings.setLevel(null, 'FULL');
    await r.registration.register('u', USER_V1);
    const intId = recordInput('User', [{ name: 'id', type: 'int' }]);
    const verdict = await r.compatibility.againstVersion('u', 'latest', intId);
    expect(verdict.messages.join('\n')).toMatch(/the new schema cannot read data written with version 1/);
    expect(verdict.messages.join('\n')).toMatch(/version 1 cannot read data written with the new schema/);
    expect(verdict.messages.at(-1)).toBe("{compatibility: 'FULL'}");
  });

  it('calls the first version of a subject compatible, but a named missing version not found', async () => {
    const r = await startedRegistry();
    await expect(r.compatibility.againstVersion('new', 'latest', USER_V1)).resolves.toEqual({
      compatible: true,
      messages: [],
    });
    await expect(r.compatibility.againstSubject('new', USER_V1)).resolves.toMatchObject({ compatible: true });
    await expect(r.compatibility.againstVersion('new', '1', USER_V1)).rejects.toBeInstanceOf(
      SubjectNotFoundError,
    );
    await r.registration.register('new', USER_V1);
    await expect(r.compatibility.againstVersion('new', '2', USER_V1)).rejects.toBeInstanceOf(
      VersionNotFoundError,
    );
    await expect(r.compatibility.againstVersion('new', '1', { schema: '{' })).rejects.toBeInstanceOf(
      InvalidSchemaError,
    );
  });
});
