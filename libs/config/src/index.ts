/**
 * @app/config: typed, fail-fast configuration from the environment. Its own library (re-exported
 * by @app/platform) so the `herald` CLI can validate its environment without loading Nest.
 */
export * from './config';
export * from './project-root';
export * from './connections';
