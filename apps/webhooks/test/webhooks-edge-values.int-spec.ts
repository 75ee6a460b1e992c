/**
 * The edge-value corpus through the webhooks pipeline (built app, real Kafka, PostgreSQL,
 * registry, loopback receiver): each event, produced as Avro under a catalog type of its own,
 * arrives signed with `data` byte-identical to the JSON text the schema core's mapping gives for
 * the produced value — U+0000, noncharacters, astral code points, int64 limits as strings, ±2^53,
 * every byte value, fixed, decimals, odd map keys, a 256 KiB string.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { AvroCodec } from '@app/schema';
import { waitFor } from '@app/testing';
import { EDGE_SCHEMA, edgeCorpus, edgeMapping, mapped } from './webhooks-edge-corpus';
import { Receiver, WebhooksPipeline } from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

const mapping = edgeMapping();

describe('webhooks delivery of edge values (built app, real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const type = `${pipeline.domain}.edge.recorded`;
  const receiver = new Receiver();
  const codec = new AvroCodec({ schemaById: (id) => pipeline.client.schemaById(id) });
  let catalogDir = '';
  let schemaId = 0;

  /** Produces avsc values of the edge type as the gateway writes them; returns their event ids. */
  async function produce(values: readonly unknown[]): Promise<string[]> {
    const messages = values.map((value) => {
      const id = randomUUID();
      return {
        value: codec.encode(schemaId, mapping.type, value),
        headers: { ce_specversion: '1.0', ce_id: id, ce_type: type, ce_source: 'edge-test' },
      };
    });
    await pipeline.producer.send({ topic: type, acks: -1, messages });
    return messages.map((m) => m.headers.ce_id);
  }

  beforeAll(async () => {
    await pipeline.setUp();
    // A catalog of the edge type alone (the app's SCHEMAS_DIR), its topic and its schema as v1.
    catalogDir = await mkdtemp(join(tmpdir(), 'herald-webhooks-edge-'));
    const dir = join(catalogDir, pipeline.domain, type);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'v1.avsc'), JSON.stringify(EDGE_SCHEMA, null, 2));
    await writeFile(
      join(dir, 'event.yaml'),
      'description: Webhooks edge-value test events.\nowner: webhooks-tests\nkey: edge_key\ntenant: tenant\npartitions: 1\n',
    );
    await pipeline.admin.createTopics({ topics: [{ topic: type, numPartitions: 1 }], waitForLeaders: true });
    schemaId = await pipeline.client.register(`${type}-value`, EDGE_SCHEMA);
    await receiver.start();
    await pipeline.startApp({ SCHEMAS_DIR: catalogDir });
  }, 120_000);
  afterAll(async () => {
    await pipeline.stopApp();
    await pipeline.admin.deleteTopics({ topics: [type] }).catch(() => undefined);
    await pipeline.tearDown();
    await receiver.stop();
    await rm(catalogDir, { recursive: true, force: true });
  }, 60_000);

  it('delivers every corpus event with data byte-identical to the mapping of the produced value', async () => {
    const created = await pipeline.api('POST', '/v1/endpoints', { url: receiver.url, types: [type] });
    expect(created.status).toBe(201);
    // The fan-out sees the endpoint within the directory's refresh: probe until one arrives.
    const probe = mapped(mapping, edgeCorpus()[0]!.data).value;
    await waitFor(async () => receiver.requests.length > 0 || void (await produce([probe])), {
      timeoutMs: 30_000,
      intervalMs: 300,
      description: 'the endpoint to receive a probe',
    });

    const corpus = edgeCorpus().map((event) => ({ ...event, ...mapped(mapping, event.data) }));
    // The corpus is written in the mapping's output form: what a producer meant is what it gives.
    for (const { name, data, text } of corpus)
      expect({ name, text }).toEqual({ name, text: JSON.stringify(data) });
    const ids = await produce(corpus.map((event) => event.value));
    const requests = await waitFor(
      () => {
        const byId = new Map(receiver.requests.map((r) => [String(r.headers['webhook-id']), r]));
        const found = ids.map((id) => byId.get(id));
        return found.every((r) => r !== undefined) && found;
      },
      { timeoutMs: 30_000, description: 'every corpus event at the receiver' },
    );

    for (const [i, request] of requests.entries()) {
      const { name, text } = corpus[i]!;
      const verified = new Webhook(created.body.secret).verify(request.body, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }) as { id: string; type: string; version: number; data: unknown };
      expect({ name, id: verified.id, type: verified.type, version: verified.version }).toEqual({
        name,
        id: ids[i],
        type,
        version: 1,
      });
      // The body's text ends with the mapping's JSON text of the data, verbatim.
      expect({ name, tail: request.body.endsWith(`"data":${text}}`) }).toEqual({ name, tail: true });
      expect({ name, data: JSON.stringify(verified.data) }).toEqual({ name, data: text });
    }
  });
});
