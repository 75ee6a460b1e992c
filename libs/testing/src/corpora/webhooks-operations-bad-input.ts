/**
 * The operations API's bad-input corpus (recover, replay, test events, jobs, retry): `{id}` stands
 * for an existing endpoint and `{type}` for an event type it takes. Used by
 * apps/webhooks/test/operations-bad-input.int-spec.ts and by the chaos fuzz run (test/chaos/fuzz.chaos-spec.ts).
 */
import { uuidv7 } from 'uuidv7';

export interface BadCase {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  /** `{id}` stands for an existing endpoint. */
  readonly url: string;
  /** An object is sent as JSON; a string as is (with `contentType`). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly token?: string | null;
  readonly status: number;
  readonly paths?: readonly string[];
}

const UNKNOWN_ENDPOINT = `ep_${uuidv7()}`;
const UNKNOWN_JOB = `job_${uuidv7()}`;
const UNKNOWN_DELIVERY = `dlv_${uuidv7()}`;
const SINCE = '2026-01-01T00:00:00Z';

const windowCases = (kind: 'recover' | 'replay'): BadCase[] => {
  const url = `/v1/endpoints/{id}/${kind}`;
  const post = (name: string, body: unknown, status: number, paths: string[]): BadCase => ({
    name: `${kind}: ${name}`,
    method: 'POST',
    url,
    body,
    status,
    paths,
  });
  return [
    { name: `${kind}: no body`, method: 'POST', url, status: 422, paths: ['/since'] },
    post('since missing', { until: SINCE }, 422, ['/since']),
    post('since not a time', { since: 'yesterday' }, 422, ['/since']),
    post('since a number', { since: 1_767_225_600 }, 422, ['/since']),
    post('since without an offset', { since: '2026-01-01T00:00:00' }, 422, ['/since']),
    post('since on February 30', { since: '2026-02-30T00:00:00Z' }, 422, ['/since']),
    post('since at hour 24', { since: '2026-01-01T24:00:00Z' }, 422, ['/since']),
    post('since null', { since: null }, 422, ['/since']),
    post('until not a time', { since: SINCE, until: 'later' }, 422, ['/until']),
    // Found by the chaos fuzz run: a time over 64 characters once reached the since/until check as no Date (500).
    post('until over 64 characters', { since: SINCE, until: 'x'.repeat(65) }, 422, ['/until']),
    post('since over 64 characters', { since: `${SINCE}${' '.repeat(60)}`, until: SINCE }, 422, ['/since']),
    post('until before since', { since: SINCE, until: '2025-12-31T23:59:59Z' }, 422, ['/until']),
    post('until equal to since', { since: SINCE, until: '2026-01-01T01:00:00+01:00' }, 422, ['/until']),
    post('an unknown field', { since: SINCE, from: SINCE }, 422, ['/from']),
    post('an array', [SINCE], 422, ['/']),
    post('a string', 'since', 422, ['/']),
    {
      name: `${kind}: text/plain`,
      method: 'POST',
      url,
      body: `{"since": "${SINCE}"}`,
      contentType: 'text/plain',
      status: 415,
      paths: ['/'],
    },
    {
      name: `${kind}: malformed JSON`,
      method: 'POST',
      url,
      body: '{"since": ',
      contentType: 'application/json',
      status: 400,
      paths: ['/'],
    },
    post('over 64 KiB', { since: SINCE, pad: 'x'.repeat(70_000) }, 413, ['/']),
    { ...post('a bad endpoint id', { since: SINCE }, 400, ['/id']), url: `/v1/endpoints/ep_123/${kind}` },
    {
      ...post('an unknown endpoint', { since: SINCE }, 404, ['/id']),
      url: `/v1/endpoints/${UNKNOWN_ENDPOINT}/${kind}`,
    },
    { ...post('a query parameter', { since: SINCE }, 400, ['/dryRun']), url: `${url}?dryRun=1` },
    { ...post('no token', { since: SINCE }, 401, ['/']), token: null },
    { ...post('a wrong token', { since: SINCE }, 401, ['/']), token: 'not-the-admin-token-0123456789' },
  ];
};

const testCase = (name: string, body: unknown, status: number, paths: string[]): BadCase => ({
  name: `test: ${name}`,
  method: 'POST',
  url: '/v1/endpoints/{id}/test',
  body,
  status,
  paths,
});

export const CASES: BadCase[] = [
  ...windowCases('recover'),
  ...windowCases('replay'),
  testCase('type missing', {}, 422, ['/type']),
  testCase('type not a type name', { type: 'Payments Received' }, 422, ['/type']),
  testCase('type not in the catalog', { type: 'nosuch.thing.happened' }, 422, ['/type']),
  testCase('version 0', { type: '{type}', version: 0 }, 422, ['/version']),
  testCase('version a string', { type: '{type}', version: '2' }, 422, ['/version']),
  testCase('version 1.5', { type: '{type}', version: 1.5 }, 422, ['/version']),
  testCase('version not in the catalog', { type: '{type}', version: 3 }, 422, ['/version']),
  testCase('an unknown field', { type: '{type}', data: {} }, 422, ['/data']),
  {
    ...testCase('an unknown endpoint', { type: '{type}' }, 404, ['/id']),
    url: `/v1/endpoints/${UNKNOWN_ENDPOINT}/test`,
  },
  { name: 'jobs: a bad job id', url: '/v1/jobs/job_123', status: 400, paths: ['/jobId'] },
  {
    name: 'jobs: an endpoint id as job id',
    url: `/v1/jobs/${UNKNOWN_ENDPOINT}`,
    status: 400,
    paths: ['/jobId'],
  },
  { name: 'jobs: an unknown job', url: `/v1/jobs/${UNKNOWN_JOB}`, status: 404, paths: ['/jobId'] },
  {
    name: 'jobs: a query parameter on one job',
    url: `/v1/jobs/${UNKNOWN_JOB}?x=1`,
    status: 400,
    paths: ['/x'],
  },
  { name: 'jobs: limit 0', url: '/v1/jobs?limit=0', status: 400, paths: ['/limit'] },
  { name: 'jobs: limit 101', url: '/v1/jobs?limit=101', status: 400, paths: ['/limit'] },
  { name: 'jobs: limit twice', url: '/v1/jobs?limit=1&limit=2', status: 400, paths: ['/limit'] },
  { name: 'jobs: a bad endpoint filter', url: '/v1/jobs?endpoint=ep_1', status: 400, paths: ['/endpoint'] },
  { name: 'jobs: a cursor not given out', url: '/v1/jobs?cursor=abc', status: 400, paths: ['/cursor'] },
  { name: 'jobs: an unknown parameter', url: '/v1/jobs?state=running', status: 400, paths: ['/state'] },
  { name: 'jobs: no token', url: '/v1/jobs', token: null, status: 401, paths: ['/'] },
  {
    name: 'cancel: a bad job id',
    method: 'POST',
    url: '/v1/jobs/nope/cancel',
    status: 400,
    paths: ['/jobId'],
  },
  {
    name: 'cancel: an unknown job',
    method: 'POST',
    url: `/v1/jobs/${UNKNOWN_JOB}/cancel`,
    status: 404,
    paths: ['/jobId'],
  },
  {
    name: 'retry: a bad delivery id',
    method: 'POST',
    url: '/v1/deliveries/dlv_1/retry',
    status: 400,
    paths: ['/deliveryId'],
  },
  {
    name: 'retry: an unknown delivery',
    method: 'POST',
    url: `/v1/deliveries/${UNKNOWN_DELIVERY}/retry`,
    status: 404,
    paths: ['/deliveryId'],
  },
  { name: 'delivery: a bad id', url: '/v1/deliveries/x', status: 400, paths: ['/deliveryId'] },
];
