/**
 * The headline measures of each benchmark, read from the result JSON it writes: which figure is
 * Herald's, which is the baseline measured in the same run, and the target the issue or
 * docs/benchmarks.md states. A measure the JSON lacks is left out rather than guessed.
 */
import { atLeast, atMost, median, numberAt, rowsOf, type Json, type Row, type RowInput } from './report-rows';

function codecRows(json: Json): Row[] {
  const measure = (key: string, label: string, target: number | undefined): RowInput => ({
    measure: label,
    herald: numberAt(json, `${key}.heraldPerSec`),
    unit: 'msg/s',
    baseline: { what: 'avsc Type', value: numberAt(json, `${key}.avscPerSec`) },
    ratio: numberAt(json, `${key}.ratio`),
    target: atLeast(target),
  });
  return rowsOf('codec', [
    measure('encode', 'encode', 0.9),
    measure('decodeBatchOf1000', 'decode, batch of 1000', 0.9),
    measure('decodeOneAwaitEach', 'decode one, await each', undefined),
  ]);
}

function schemaCheckRows(json: Json): Row[] {
  return rowsOf('schema-check', [
    {
      measure: 'load + full check, 200 subjects × 10 versions (time)',
      herald: numberAt(json, 'fullCheckSeconds'),
      unit: 's',
      baseline: {
        what: 'avsc Type.forSchema of the 2,000 schemas',
        value: numberAt(json, 'baselineAvscParseSeconds'),
      },
      ratio: numberAt(json, 'ratioToBaseline'),
      target: atMost(numberAt(json, 'targetSeconds')),
    },
    {
      measure: '`herald schemas check` as a process, median (time)',
      herald: numberAt(json, 'cliSchemasCheckSeconds.median'),
      unit: 's',
      target: atMost(numberAt(json, 'targetSeconds')),
    },
  ]);
}

function registryRows(json: Json): Row[] {
  return rowsOf('registry', [
    {
      measure: '`GET /schemas/ids/{id}`',
      herald: numberAt(json, 'registryRequestsPerSec'),
      unit: 'req/s',
      baseline: { what: 'bare Fastify', value: numberAt(json, 'bareFastifyRequestsPerSec') },
      ratio: numberAt(json, 'ratio'),
      target: atLeast(numberAt(json, 'target')),
    },
  ]);
}

function consumerRows(json: Json): Row[] {
  const runs = (json as { runs?: unknown[] }).runs;
  const last = Array.isArray(runs) ? runs[runs.length - 1] : undefined;
  const rates = (key: string): number | undefined => {
    const xs = (last as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(xs) ? median(xs.filter((x): x is number => typeof x === 'number')) : undefined;
  };
  const raw = { what: 'raw kafkajs eachBatch', value: rates('rawKafkajsPerSec') };
  return rowsOf('consumer', [
    {
      measure: 'runtime, Avro payloads',
      herald: rates('runtimePerSec'),
      unit: 'rec/s',
      baseline: raw,
      ratio: numberAt(last, 'ratio'),
      target: atLeast(0.8),
    },
    {
      measure: 'runtime, JSON payloads (the default)',
      herald: rates('runtimeJsonPayloadPerSec'),
      unit: 'rec/s',
      baseline: raw,
      ratio: numberAt(last, 'ratioJsonPayload'),
      target: atLeast(0.8),
    },
  ]);
}

function gatewayRows(json: Json): Row[] {
  const n = (path: string) => numberAt(json, path);
  const raw = { what: 'raw kafkajs producer', value: n('batch.rawKafkajsEventsPerSec') };
  const fastifyFloor = { what: 'floor: Fastify → Kafka', value: n('single.floorRequestsPerSec') };
  const latencyFloor = { what: 'floor: Fastify → Kafka, p99', value: n('latency.floor.p99Ms') };
  const p99Target = atMost(n('latency.targetP99Ms') ?? 25);
  const p99 = (path: string) => {
    const herald = n(path);
    const floor = latencyFloor.value;
    return herald === undefined || floor === undefined || floor === 0 ? undefined : herald / floor;
  };
  return rowsOf('gateway', [
    {
      measure: 'batch of 100, generated ids',
      herald: n('batch.gatewayEventsPerSec'),
      unit: 'ev/s',
      baseline: raw,
      ratio: n('batch.ratio'),
      target: atLeast(n('batch.target.ratio') ?? 0.8),
    },
    {
      measure: 'batch of 100, client ids',
      herald: n('batch.gatewayClientIdsEventsPerSec'),
      unit: 'ev/s',
      baseline: raw,
      ratio: n('batch.ratioClientIds'),
      target: atLeast(n('batch.target.ratioClientIds') ?? 0.8),
    },
    {
      measure: 'single event, generated ids',
      herald: n('single.gatewayRequestsPerSec'),
      unit: 'req/s',
      baseline: fastifyFloor,
      ratio: n('single.gatewayOfFloor'),
      target: atLeast(n('single.target.gatewayOfFloor')),
    },
    {
      measure: 'single event, client ids',
      herald: n('single.gatewayClientIdsRequestsPerSec'),
      unit: 'req/s',
      baseline: fastifyFloor,
      ratio: n('single.clientIdsOfFloor'),
      target: atLeast(n('single.target.clientIdsOfFloor')),
    },
    {
      measure: 'single event, generated ids, vs bare Fastify',
      herald: n('single.gatewayRequestsPerSec'),
      unit: 'req/s',
      baseline: { what: 'bare Fastify answering 202', value: n('single.bareFastifyRequestsPerSec') },
      ratio: n('single.ratio'),
    },
    {
      measure: 'p99 at 1,000 ev/s, generated ids',
      herald: n('latency.p99Ms'),
      unit: 'ms',
      baseline: latencyFloor,
      ratio: p99('latency.p99Ms'),
      target: p99Target,
    },
    {
      measure: 'p99 at 1,000 ev/s, client ids',
      herald: n('latency.clientIds.p99Ms'),
      unit: 'ms',
      baseline: latencyFloor,
      ratio: p99('latency.clientIds.p99Ms'),
      target: p99Target,
    },
    {
      measure: 'p99 tax over the floor, generated ids (median of rounds)',
      herald: n('latency.p99TaxMs.generated'),
      unit: 'ms',
      target: atMost(n('latency.targetP99TaxMs')),
    },
    {
      measure: 'p99 tax over the floor, client ids (median of rounds)',
      herald: n('latency.p99TaxMs.clientIds'),
      unit: 'ms',
      target: atMost(n('latency.targetP99TaxMs')),
    },
  ]);
}

function auditRows(json: Json): Row[] {
  return rowsOf('audit', [
    {
      measure: 'ingest, 50,000 events',
      herald: numberAt(json, 'ratio.auditEventsPerSec'),
      unit: 'ev/s',
      baseline: { what: 'floor: kafkajs → PostgreSQL', value: numberAt(json, 'ratio.floorEventsPerSec') },
      ratio: numberAt(json, 'ratio.ratio'),
      target: atLeast(numberAt(json, 'ratio.target')),
    },
    {
      measure: 'burst of 20,000: last ack → lag 0 (time)',
      herald: numberAt(json, 'burst.catchUpSeconds'),
      unit: 's',
    },
  ]);
}

function analyticsRows(json: Json): Row[] {
  const herald = numberAt(json, 'ratio.analyticsEventsPerSec');
  return rowsOf('analytics', [
    {
      measure: 'consumption, 50,000 events',
      herald,
      unit: 'ev/s',
      baseline: { what: 'raw kafkajs eachBatch', value: numberAt(json, 'ratio.rawFloorEventsPerSec') },
      ratio: numberAt(json, 'ratio.ratio'),
      target: atLeast(numberAt(json, 'ratio.target')),
    },
    {
      measure: 'consumption, vs a PostgreSQL floor',
      herald,
      unit: 'ev/s',
      baseline: {
        what: 'floor: kafkajs → PostgreSQL',
        value: numberAt(json, 'ratio.postgresFloorEventsPerSec'),
      },
      ratio: numberAt(json, 'ratio.ratioToPostgresFloor'),
    },
  ]);
}

function webhooksRows(json: Json): Row[] {
  const n = (path: string) => numberAt(json, path);
  return rowsOf('webhooks', [
    {
      measure: 'fan-out, 50,000 events',
      herald: n('fanout.fanOutEventsPerSec'),
      unit: 'ev/s',
      baseline: { what: "audit's floor: kafkajs → PostgreSQL", value: n('fanout.floorEventsPerSec') },
      ratio: n('fanout.ratio'),
      target: atLeast(n('fanout.target')),
    },
    {
      measure: 'deliveries, 32 in flight',
      herald: n('delivery.appDeliveriesPerSec'),
      unit: 'del/s',
      baseline: { what: 'raw undici loop', value: n('delivery.rawPerSec') },
      ratio: n('delivery.ratio'),
      target: atLeast(n('delivery.target')),
    },
    {
      measure: 'publish → delivered at 500 ev/s, p50',
      herald: n('latency.p50Ms'),
      unit: 'ms',
      target: atMost(n('latency.target.p50Ms')),
    },
    {
      measure: 'publish → delivered at 500 ev/s, p99',
      herald: n('latency.p99Ms'),
      unit: 'ms',
      target: atMost(n('latency.target.p99Ms')),
    },
  ]);
}

function gatewayClientRows(json: Json): Row[] {
  const paths = ['batch', 'batchClientIds', 'single', 'singleClientIds', 'atomic'];
  return rowsOf(
    'gateway-client',
    paths.map((path) => ({
      measure: `gateway on @platformatic/kafka, ${path}`,
      herald: numberAt(json, `summary.${path}.platformatic.eventsPerSecond`),
      unit: 'ev/s',
      baseline: {
        what: 'the gateway on kafkajs',
        value: numberAt(json, `summary.${path}.kafkajs.eventsPerSecond`),
      },
      ratio: numberAt(json, `summary.${path}.platformaticOverKafkajs.eventsPerSecond`),
    })),
  );
}

function scaleOutRows(json: Json): Row[] {
  const app = (name: string, path: string): RowInput => ({
    measure: `${name}: two instances`,
    herald: numberAt(json, `${path}.twoInstancesPerSecond`),
    unit: 'ev/s',
    baseline: { what: 'one instance', value: numberAt(json, `${path}.oneInstancePerSecond`) },
    ratio: numberAt(json, `${path}.growth`),
  });
  return rowsOf('scale-out', [
    app('gateway', 'gateway'),
    app('audit', 'consumers.audit'),
    app('analytics', 'consumers.analytics'),
    app('webhooks', 'consumers.webhooks'),
  ]);
}

const EXTRACTORS: Record<string, (json: Json) => Row[]> = {
  codec: codecRows,
  'schema-check': schemaCheckRows,
  registry: registryRows,
  consumer: consumerRows,
  gateway: gatewayRows,
  audit: auditRows,
  analytics: analyticsRows,
  webhooks: webhooksRows,
  'gateway-client': gatewayClientRows,
  'scale-out': scaleOutRows,
};

/** The headline rows of one benchmark's result JSON; [] for an unknown benchmark or shape. */
export function extractRows(bench: string, json: Json): Row[] {
  return EXTRACTORS[bench]?.(json) ?? [];
}
