/**
 * Everything the app module registers for the registry API: controllers, the use cases built
 * on one RegistryStore over the SCHEMA_LOG binding, and the HTTP edge (body parsing, write
 * auth, leader forwarding, the exception filter, the log's start and readiness).
 */
import type { Provider, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  CompatibilityTester,
  DEFAULT_STORE_OPTIONS,
  REGISTRY_LEADERSHIP,
  REGISTRY_OBSERVER,
  RegistrySettings,
  RegistryStore,
  SCHEMA_LOG,
  SchemaDeletion,
  SchemaQueries,
  SchemaRegistration,
  SubjectQueries,
  type RegistryLeadership,
  type RegistryObserver,
  type RegistryStoreOptions,
} from '../registry';
import type { SchemaLog } from '../registry/schema-log.port';
import { CompatibilityController } from './compatibility.controller';
import { ConfigController } from './config.controller';
import { LEADER_FETCH, LeaderForwarder, type LeaderFetch } from './leader-forwarding.interceptor';
import { ModeController } from './mode.controller';
import { RegistryBodyParsers } from './registry-body.parser';
import { RegistryExceptionFilter } from './registry-exception.filter';
import { RegistryLifecycle } from './registry-lifecycle';
import { RootController } from './root.controller';
import { SchemasController } from './schemas.controller';
import { SubjectVersionsController } from './subject-versions.controller';
import { SubjectsController } from './subjects.controller';
import { WRITE_CREDENTIALS, type WriteCredentials } from './write-auth.guard';

export interface RegistryApiOptions {
  readonly writeCredentials: WriteCredentials;
  readonly store?: RegistryStoreOptions;
}

export const REGISTRY_CONTROLLERS: Type[] = [
  RootController,
  SubjectsController,
  SubjectVersionsController,
  SchemasController,
  ConfigController,
  ModeController,
  CompatibilityController,
];

const USE_CASES = [SchemaDeletion, RegistrySettings, CompatibilityTester] as const;
/** The use cases whose outcomes the REGISTRY_OBSERVER binding hears (metrics). */
const OBSERVED_USE_CASES = [SchemaRegistration, SubjectQueries, SchemaQueries] as const;

const globalFetch: LeaderFetch = (url, init) => fetch(url, init);

export function registryApiProviders(options: RegistryApiOptions): Provider[] {
  return [
    {
      provide: RegistryStore,
      useFactory: (log: SchemaLog, leadership: RegistryLeadership) =>
        new RegistryStore(log, options.store ?? DEFAULT_STORE_OPTIONS, leadership),
      inject: [SCHEMA_LOG, REGISTRY_LEADERSHIP],
    },
    ...USE_CASES.map((useCase): Provider => ({
      provide: useCase,
      useFactory: (store: RegistryStore) => new useCase(store),
      inject: [RegistryStore],
    })),
    ...OBSERVED_USE_CASES.map((useCase): Provider => ({
      provide: useCase,
      useFactory: (store: RegistryStore, observer: RegistryObserver) => new useCase(store, observer),
      inject: [RegistryStore, REGISTRY_OBSERVER],
    })),
    { provide: WRITE_CREDENTIALS, useValue: options.writeCredentials },
    { provide: LEADER_FETCH, useValue: globalFetch },
    LeaderForwarder,
    RegistryBodyParsers,
    RegistryLifecycle,
    { provide: APP_FILTER, useClass: RegistryExceptionFilter },
  ];
}
