export * from './database';
export * from './persistence.module';
export * from './group-commit';
export * from './pg-arrays';
export * from './consumer-positions';
export * from './postgres-errors';
