/**
 * The registry's answer to requests Fastify's router refuses before any route runs, in
 * Confluent's `{"error_code", "message"}` format like every other registry error.
 */
import type { HttpAppOptions, RouterError } from '@app/platform';
import { MAX_SUBJECT_LENGTH } from '../registry';
import { REGISTRY_CONTENT_TYPE } from './registry-media-types';

/**
 * The router measures a parameter still percent-encoded: one character of a subject name is
 * at most 4 UTF-8 bytes of 3 characters each. Any name the registry can store therefore routes,
 * and gets the registry's own 42208/40401 answers instead of a router error.
 */
export const REGISTRY_MAX_PARAM_LENGTH = MAX_SUBJECT_LENGTH * 12;

export const REGISTRY_HTTP_OPTIONS: HttpAppOptions = {
  maxParamLength: REGISTRY_MAX_PARAM_LENGTH,
  routerErrorBody: (error: RouterError) => ({
    contentType: REGISTRY_CONTENT_TYPE,
    body: { error_code: error.status, message: `${error.title}: ${error.detail}` },
  }),
};
