export * from '@app/config';
export * from './health';
export * from './metrics';
export * from './platform.module';
export * from './bootstrap';
export * from './cluster';
export * from './browser-page';
