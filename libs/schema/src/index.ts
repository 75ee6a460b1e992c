export * from './codec';
export * from './json';
