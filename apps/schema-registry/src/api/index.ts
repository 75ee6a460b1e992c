/** The registry's HTTP API, as the app module wires it. */
export { FORWARDED_HEADER, LEADER_FETCH, type LeaderFetch } from './leader-forwarding.interceptor';
export { REQUEST_BODY_LIMIT } from './registry-body.parser';
export { REGISTRY_CONTENT_TYPE } from './registry-media-types';
export { REGISTRY_DOCS } from './registry-openapi';
export { REGISTRY_HTTP_OPTIONS, REGISTRY_MAX_PARAM_LENGTH } from './registry-router-errors';
export {
  REGISTRY_CONTROLLERS,
  registryApiProviders,
  type RegistryApiOptions,
} from './registry-api.providers';
export type { WriteCredentials } from './write-auth.guard';
