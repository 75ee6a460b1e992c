import { startedRegistry, USER_V1 } from '../spec-support/registry-fixture';
import {
  InvalidCompatibilityLevelError,
  InvalidModeError,
  InvalidSubjectError,
  OperationNotPermittedError,
  SubjectCompatibilityNotConfiguredError,
  SubjectModeNotConfiguredError,
  SubjectNotFoundError,
} from './registry-errors';

describe('RegistrySettings', () => {
  describe('compatibility levels', () => {
    it('defaults to BACKWARD; a subject without its own level follows the global one on request', async () => {
      const r = await startedRegistry();
      await expect(r.settings.globalLevel()).resolves.toBe('BACKWARD');
      await expect(r.settings.subjectLevel('s', false)).rejects.toThrow(
        new SubjectCompatibilityNotConfiguredError('s'),
      );
      await expect(r.settings.subjectLevel('s', true)).resolves.toBe('BACKWARD');
      await r.settings.setLevel(null, 'FORWARD');
      await expect(r.settings.subjectLevel('s', true)).resolves.toBe('FORWARD');
      await r.settings.setLevel('s', 'full_transitive');
      await expect(r.settings.subjectLevel('s', false)).resolves.toBe('FULL_TRANSITIVE');
      await expect(r.settings.globalLevel()).resolves.toBe('FORWARD');
    });

    it('deletes a level and answers the one it replaced', async () => {
      const r = await startedRegistry();
      await r.settings.setLevel(null, 'NONE');
      await r.settings.setLevel('s', 'FULL');
      await expect(r.settings.deleteLevel('s')).resolves.toBe('FULL');
      await expect(r.settings.deleteLevel('s')).rejects.toBeInstanceOf(SubjectNotFoundError);
      await expect(r.settings.deleteLevel(null)).resolves.toBe('NONE');
      await expect(r.settings.globalLevel()).resolves.toBe('BACKWARD');
    });

    it('refuses unknown levels and invalid subjects without writing anything', async () => {
      const r = await startedRegistry();
      await expect(r.settings.setLevel(null, 'SIDEWAYS')).rejects.toBeInstanceOf(
        InvalidCompatibilityLevelError,
      );
      await expect(r.settings.setLevel(null, undefined)).rejects.toBeInstanceOf(
        InvalidCompatibilityLevelError,
      );
      await expect(r.settings.setLevel('a\u0007b', 'FULL')).rejects.toBeInstanceOf(InvalidSubjectError);
      expect(r.log.records()).toEqual([]);
    });

    it('writes Confluent CONFIG records: key with a null subject for the global level', async () => {
      const r = await startedRegistry();
      await r.settings.setLevel(null, 'FULL');
      await r.settings.setLevel('s', 'NONE');
      await r.settings.deleteLevel('s');
      expect(r.log.records()).toEqual([
        { key: '{"keytype":"CONFIG","subject":null,"magic":0}', value: '{"compatibilityLevel":"FULL"}' },
        { key: '{"keytype":"CONFIG","subject":"s","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
        { key: '{"keytype":"CONFIG","subject":"s","magic":0}', value: null },
      ]);
    });
  });

  describe('modes', () => {
    it('defaults to READWRITE; subject modes override the global one', async () => {
      const r = await startedRegistry();
      await expect(r.settings.globalMode()).resolves.toBe('READWRITE');
      await expect(r.settings.subjectMode('s', false)).rejects.toThrow(
        new SubjectModeNotConfiguredError('s'),
      );
      await r.settings.setMode(null, 'readonly', false);
      await expect(r.settings.subjectMode('s', true)).resolves.toBe('READONLY');
      await r.settings.setMode('s', 'READWRITE', false);
      await expect(r.settings.subjectMode('s', true)).resolves.toBe('READWRITE');
      await r.registration.register('s', USER_V1);
      await expect(r.registration.register('t', USER_V1)).rejects.toBeInstanceOf(OperationNotPermittedError);
      await expect(r.settings.deleteMode('s')).resolves.toBe('READWRITE');
      await expect(r.settings.deleteMode(null)).resolves.toBe('READONLY');
      await expect(r.settings.globalMode()).resolves.toBe('READWRITE');
    });

    it('refuses unknown modes', async () => {
      const r = await startedRegistry();
      await expect(r.settings.setMode(null, 'READ_SOMETIMES', false)).rejects.toBeInstanceOf(
        InvalidModeError,
      );
      await expect(r.settings.setMode(null, 42, false)).rejects.toBeInstanceOf(InvalidModeError);
    });

    it('enters IMPORT only on an empty registry or subject unless forced', async () => {
      const r = await startedRegistry();
      await r.registration.register('s', USER_V1);
      await expect(r.settings.setMode(null, 'IMPORT', false)).rejects.toThrow(
        'Cannot import since found existing subjects',
      );
      await expect(r.settings.setMode('s', 'IMPORT', false)).rejects.toBeInstanceOf(
        OperationNotPermittedError,
      );
      await expect(r.settings.setMode('empty', 'IMPORT', false)).resolves.toBe('IMPORT');
      await expect(r.settings.setMode(null, 'IMPORT', true)).resolves.toBe('IMPORT');
    });
  });
});
