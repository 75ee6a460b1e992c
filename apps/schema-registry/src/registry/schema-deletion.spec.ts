import { startedRegistry, USER_V1, USER_V2 } from '../spec-support/registry-fixture';
import {
  OperationNotPermittedError,
  SubjectNotFoundError,
  SubjectNotSoftDeletedError,
  SubjectSoftDeletedError,
  VersionNotFoundError,
  VersionNotSoftDeletedError,
  VersionSoftDeletedError,
  InvalidVersionError,
} from './registry-errors';
import { anyString } from '../spec-support/matchers';

async function twoVersions() {
  const r = await startedRegistry();
  await r.registration.register('users-value', USER_V1);
  await r.registration.register('users-value', USER_V2);
  return r;
}

describe('SchemaDeletion', () => {
  describe('subjects', () => {
    it('soft deletes every live version, hiding them from reads but not from id lookups', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteSubject('users-value', false)).resolves.toEqual([1, 2]);
      await expect(r.subjects.subjects()).resolves.toEqual([]);
      await expect(r.subjects.subjects({ deleted: true })).resolves.toEqual(['users-value']);
      await expect(r.subjects.subjects({ deletedOnly: true })).resolves.toEqual(['users-value']);
      await expect(r.subjects.versions('users-value')).rejects.toBeInstanceOf(SubjectNotFoundError);
      await expect(r.subjects.versions('users-value', { deleted: true })).resolves.toEqual([1, 2]);
      await expect(r.schemas.byId('1')).resolves.toEqual({ schema: anyString() });
      await expect(r.schemas.subjectsOf('1')).resolves.toEqual([]);
      await expect(r.schemas.subjectsOf('1', true)).resolves.toEqual(['users-value']);
    });

    it('needs a soft delete before a permanent one, and then removes every version for good', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteSubject('users-value', true)).rejects.toBeInstanceOf(
        SubjectNotSoftDeletedError,
      );
      await r.deletion.deleteSubject('users-value', false);
      await expect(r.deletion.deleteSubject('users-value', false)).rejects.toBeInstanceOf(
        SubjectSoftDeletedError,
      );
      await expect(r.deletion.deleteSubject('users-value', true)).resolves.toEqual([1, 2]);
      await expect(r.subjects.subjects({ deleted: true })).resolves.toEqual([]);
      await expect(r.schemas.byId('2')).rejects.toThrow('Schema 2 not found');
      await expect(r.deletion.deleteSubject('users-value', true)).rejects.toBeInstanceOf(
        SubjectNotFoundError,
      );
    });

    it('drops the subject’s own level and mode when it is soft deleted', async () => {
      const r = await twoVersions();
      await r.settings.setLevel('users-value', 'NONE');
      await r.settings.setMode('users-value', 'IMPORT', true);
      await r.deletion.deleteSubject('users-value', false);
      await expect(r.settings.subjectLevel('users-value', false)).rejects.toThrow(
        /subject-level compatibility/,
      );
      await expect(r.settings.subjectMode('users-value', false)).rejects.toThrow(/subject-level mode/);
    });

    it('refuses in READONLY mode', async () => {
      const r = await twoVersions();
      await r.settings.setMode(null, 'READONLY', false);
      await expect(r.deletion.deleteSubject('users-value', false)).rejects.toBeInstanceOf(
        OperationNotPermittedError,
      );
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1, 2]);
    });
  });

  describe('versions', () => {
    it('soft deletes one version; a second soft delete or a read of it is refused', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteVersion('users-value', '1', false)).resolves.toBe(1);
      await expect(r.subjects.versions('users-value')).resolves.toEqual([2]);
      await expect(r.subjects.version('users-value', '1')).rejects.toBeInstanceOf(VersionNotFoundError);
      await expect(r.subjects.version('users-value', '1', true)).resolves.toMatchObject({
        version: 1,
        id: 1,
      });
      await expect(r.deletion.deleteVersion('users-value', '1', false)).rejects.toThrow(
        new VersionSoftDeletedError('users-value', 1),
      );
    });

    it('deletes permanently only a soft-deleted version', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteVersion('users-value', '2', true)).rejects.toThrow(
        new VersionNotSoftDeletedError('users-value', 2),
      );
      await r.deletion.deleteVersion('users-value', '2', false);
      await expect(r.deletion.deleteVersion('users-value', '2', true)).resolves.toBe(2);
      await expect(r.subjects.versions('users-value', { deleted: true })).resolves.toEqual([1]);
      // Version 2 is gone, so the next one is 3, not 2 again.
      await r.registration.register('users-value', USER_V2);
      await expect(r.subjects.versions('users-value')).resolves.toEqual([1, 3]);
    });

    it('resolves latest to the newest live version, or the newest at all when permanent', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteVersion('users-value', 'latest', false)).resolves.toBe(2);
      await expect(r.deletion.deleteVersion('users-value', '-1', false)).resolves.toBe(1);
      await expect(r.deletion.deleteVersion('users-value', 'latest', true)).resolves.toBe(2);
    });

    it('answers 40401 / 40402 / 42202 for an unknown subject, unknown version and bad version', async () => {
      const r = await twoVersions();
      await expect(r.deletion.deleteVersion('nobody', '1', false)).rejects.toBeInstanceOf(
        SubjectNotFoundError,
      );
      await expect(r.deletion.deleteVersion('users-value', '9', false)).rejects.toThrow(
        new VersionNotFoundError(9),
      );
      await expect(r.deletion.deleteVersion('users-value', '0', false)).rejects.toBeInstanceOf(
        InvalidVersionError,
      );
    });

    it('drops the subject settings when its last live version is soft deleted', async () => {
      const r = await startedRegistry();
      await r.registration.register('users-value', USER_V1);
      await r.settings.setLevel('users-value', 'FULL');
      await r.deletion.deleteVersion('users-value', '1', false);
      await expect(r.settings.subjectLevel('users-value', true)).resolves.toBe('BACKWARD');
    });
  });
});
