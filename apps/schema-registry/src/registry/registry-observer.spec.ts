import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import type { SchemaLog } from './schema-log.port';
import { recordInput, USER_NO_DEFAULT, USER_V1, USER_V2 } from '../spec-support/registry-fixture';
import type {
  LookupKind,
  LookupOutcome,
  RegistrationOutcome,
  RegistryObserver,
} from './registry-observer.port';
import { RegistrySettings } from './registry-settings';
import { RegistryStore } from './registry-store';
import { SchemaQueries } from './schema-queries';
import { SchemaRegistration } from './schema-registration';
import { SubjectQueries } from './subject-queries';

class RecordingObserver implements RegistryObserver {
  readonly registrations: RegistrationOutcome[] = [];
  readonly lookups: string[] = [];
  registration(outcome: RegistrationOutcome): void {
    this.registrations.push(outcome);
  }
  lookup(kind: LookupKind, outcome: LookupOutcome): void {
    this.lookups.push(`${kind}:${outcome}`);
  }
}

async function observedRegistry(log: SchemaLog = new InMemorySchemaLog()) {
  const observer = new RecordingObserver();
  const store = new RegistryStore(log);
  await store.start();
  return {
    observer,
    registration: new SchemaRegistration(store, observer),
    subjects: new SubjectQueries(store, observer),
    schemas: new SchemaQueries(store, observer),
    settings: new RegistrySettings(store),
  };
}

describe('what the registry reports to its observer', () => {
  it('tells a written registration from one that answered an existing id', async () => {
    const r = await observedRegistry();
    await r.registration.register('users-value', USER_V1);
    await r.registration.register('users-value', USER_V1);
    await r.registration.register('others-value', USER_V1);
    await r.registration.register('users-value', USER_V2);
    expect(r.observer.registrations).toEqual(['registered', 'existing', 'registered', 'registered']);
  });

  it('separates incompatible schemas, other refusals and store failures', async () => {
    const memory = new InMemorySchemaLog();
    let appendFails = false;
    const log: SchemaLog = {
      start: (apply) => memory.start(apply),
      append: (key, value) =>
        appendFails ? Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) : memory.append(key, value),
      get appliedOffset() {
        return memory.appliedOffset;
      },
      waitUntilCaughtUp: () => memory.waitUntilCaughtUp(),
      stop: () => memory.stop(),
    };
    const r = await observedRegistry(log);
    await r.registration.register('users-value', USER_V1);
    await expect(r.registration.register('users-value', USER_NO_DEFAULT)).rejects.toThrow();
    await expect(r.registration.register('users-value', { schema: '{"type": "nope"}' })).rejects.toThrow();
    await r.settings.setMode(null, 'READONLY', false);
    await expect(r.registration.register('users-value', USER_V2)).rejects.toThrow();
    await r.settings.setMode(null, 'READWRITE', false);
    appendFails = true;
    await expect(r.registration.register('users-value', USER_V2)).rejects.toThrow();
    expect(r.observer.registrations).toEqual([
      'registered',
      'incompatible',
      'rejected',
      'rejected',
      'failed',
    ]);
  });

  it('counts lookups by id, by version and by schema, found or not', async () => {
    const r = await observedRegistry();
    await r.registration.register('users-value', USER_V1);
    await r.schemas.byId('1');
    await expect(r.schemas.byId('2')).rejects.toThrow();
    await r.subjects.version('users-value', 'latest');
    await expect(r.subjects.version('users-value', '7')).rejects.toThrow();
    await expect(r.subjects.version('users-value', 'newest')).rejects.toThrow();
    await r.subjects.lookup('users-value', USER_V1);
    await expect(r.subjects.lookup('users-value', recordInput('Other', []))).rejects.toThrow();
    expect(r.observer.lookups).toEqual([
      'id:found',
      'id:not_found',
      'version:found',
      'version:not_found',
      'version:rejected',
      'schema:found',
      'schema:not_found',
    ]);
  });
});
