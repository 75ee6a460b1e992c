/**
 * Bad input against the endpoints admin API, one table: bad URLs, patterns, tenants, versions,
 * body formats, rate limits, texts, metadata, sizes, content types, JSON, Unicode, ids, cursors, tokens. Each
 * case must be a 4xx application/problem+json with a non-empty `errors` list of JSON pointers
 * (naming the expected fields), and must write nothing: the row counts stay, and the endpoint the
 * PATCH and rotate cases aim at is unchanged.
 */
import { webhooksEndpointsBadInput } from '@app/testing';
import { endpointBody, startEndpointsApi, type EndpointsApi } from './webhooks-api-kit';

const { CASES } = webhooksEndpointsBadInput;

describe('endpoints API bad input (in-process, real PostgreSQL)', () => {
  let api: EndpointsApi;
  let target: string;
  let targetBefore: unknown;

  beforeAll(async () => {
    api = await startEndpointsApi();
    const created = await api.request('POST', '/v1/endpoints', {
      body: endpointBody({ versions: { 'orders.order.shipped': 1 }, metadata: { team: 'erp' } }),
    });
    expect(created.status).toBe(201);
    target = created.endpoint().id;
    targetBefore = (await api.request('GET', `/v1/endpoints/${target}`)).body;
  });

  afterAll(async () => {
    await api.close();
  });

  it('has more than 60 cases', () => {
    expect(CASES.length).toBeGreaterThan(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('$name → $status', async (c) => {
    const before = await api.counts();
    const answer = await api.request(c.method ?? 'POST', (c.url ?? '/v1/endpoints').replace('{id}', target), {
      ...(c.body !== undefined && { body: c.body }),
      ...(c.headers !== undefined && { headers: c.headers }),
      ...(c.token !== undefined && { token: c.token }),
    });

    expect({ status: answer.status, text: answer.text.slice(0, 400) }).toEqual({
      status: c.status,
      text: expect.any(String) as unknown,
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(answer.body).toMatchObject({
      type: 'about:blank',
      status: c.status,
      title: expect.any(String) as unknown,
    });
    expect(answer.problem().errors.length).toBeGreaterThan(0);
    for (const error of answer.problem().errors) {
      expect(error).toEqual({
        path: expect.stringMatching(/^\//) as unknown,
        message: expect.any(String) as unknown,
      });
    }
    const paths = answer.problem().errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([...(c.paths ?? [])]) as unknown);

    expect(await api.counts()).toEqual(before);
    expect((await api.request('GET', `/v1/endpoints/${target}`)).body).toEqual(targetBefore);
  });
});
