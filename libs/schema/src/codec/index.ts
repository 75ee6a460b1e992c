export * from './avro-type';
export * from './codec-errors';
export * from './wire-format';
export * from './avro-codec';
