/**
 * Bad input against the operations API (recover, replay, test events, jobs, retry) of the built
 * app, one table. Each case must be a 4xx application/problem+json whose `errors` name the
 * expected pointers, and must write nothing: no job, no message, no delivery.
 */
import { webhooksOperationsBadInput } from '@app/testing';
import { ADMIN_TOKEN, Receiver, WebhooksPipeline } from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

const { CASES } = webhooksOperationsBadInput;

describe('operations API bad input (built app)', () => {
  const pipeline = new WebhooksPipeline();
  const receiver = new Receiver();
  let endpointId = '';

  const counts = async (): Promise<unknown> =>
    pipeline.query(
      `SELECT (SELECT count(*) FROM webhooks.jobs)::int AS jobs, (SELECT count(*) FROM webhooks.messages)::int AS messages,
              (SELECT count(*) FROM webhooks.deliveries)::int AS deliveries`,
    );

  beforeAll(async () => {
    await pipeline.setUp(1);
    await pipeline.startApp();
    await receiver.start();
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: receiver.url,
      types: [pipeline.type],
    });
    endpointId = created.body.id;
  }, 120_000);
  afterAll(async () => {
    await receiver.stop();
    await pipeline.tearDown();
  }, 60_000);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await counts();
    const fill = (text: string) => text.replace('{id}', endpointId).replace('{type}', pipeline.type);
    const body =
      c.body === undefined
        ? undefined
        : typeof c.body === 'string' && c.contentType !== undefined
          ? c.body
          : fill(JSON.stringify(c.body));
    const token = c.token === undefined ? ADMIN_TOKEN : c.token;
    const response = await fetch(`${pipeline.url}${fill(c.url)}`, {
      method: c.method ?? 'GET',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }),
      },
      body,
    });
    const problem = (await response.json()) as { status: number; errors: { path: string }[] };
    expect({ status: response.status, type: response.headers.get('content-type')?.split(';')[0] }).toEqual({
      status: c.status,
      type: 'application/problem+json',
    });
    expect(problem.status).toBe(c.status);
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining([...(c.paths ?? [])]));
    expect(await counts()).toEqual(before);
  });
});
