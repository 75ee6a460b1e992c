export * from './errors';
export * from './layout';
export * from './jars';
export * from './local-kafka-cluster';
export * from './secure';
