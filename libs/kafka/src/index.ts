export * from './kafka-client';
export * from './kafka.module';
export * from './consumer';
export * from './topic-admin';
