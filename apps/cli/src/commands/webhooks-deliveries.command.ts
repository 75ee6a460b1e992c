/**
 * `herald webhooks deliveries list|get|retry|recover`, `herald webhooks replay`, `herald webhooks
 * test` and `herald webhooks jobs list|get|cancel`: the deliveries and operations API from the
 * shell. Recover and replay start a job and follow its progress until it ends (exit 0 when it
 * succeeded, 1 otherwise); --no-wait prints the queued job and returns.
 */
import { Command, Option } from 'commander';
import {
  deliveriesTable,
  deliveryText,
  jobsTable,
  jobText,
  type DeliveryJson,
  type JobJson,
  type PageJson,
} from '../webhooks/webhooks-text';
import { eventType, positiveInteger, timePoint } from './argument-parsers';
import {
  adminClient,
  followJob,
  printAnswer,
  runWebhooks,
  withCommonOptions,
  type CommonOptions,
} from './webhooks-support';

interface WindowOptions extends CommonOptions {
  since: Date;
  until?: Date;
  wait: boolean;
}

const id = (value: string) => encodeURIComponent(value);

function withWindow(command: Command): Command {
  return command
    .requiredOption(
      '--since <time>',
      'from this time: RFC 3339 with an offset, or a duration before now (2h, 1d)',
      timePoint,
    )
    .option('--until <time>', 'up to this time (default: now)', timePoint)
    .option('--no-wait', 'print the queued job and return instead of following it');
}

async function startJob(
  kind: 'recover' | 'replay',
  endpointId: string,
  options: WindowOptions,
): Promise<number> {
  const client = adminClient(options);
  const job = await client.post<JobJson>(`/v1/endpoints/${id(endpointId)}/${kind}`, {
    since: options.since.toISOString(),
    ...(options.until === undefined ? {} : { until: options.until.toISOString() }),
  });
  if (!options.wait) {
    await printAnswer(job, options, jobText);
    return 0;
  }
  return followJob(client, job, options);
}

function page<T>(path: string, query: Record<string, string | number | undefined>) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  return {
    path: `${path}?${params.toString()}`,
    more: (p: PageJson<T>) => (p.hasMore ? `more: --cursor ${p.nextCursor}\n` : ''),
  };
}

export function webhookDeliveriesCommand(): Command {
  const deliveries = new Command('deliveries').description('webhook deliveries: list, get, retry, recover');

  withCommonOptions(deliveries.command('list'))
    .description('deliveries, newest first')
    .option('--endpoint <id>', "only this endpoint's")
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'delivered', 'failed']))
    .option('--type <type>', 'only this event type', eventType)
    .option('--limit <n>', 'deliveries per page (1-100)', positiveInteger)
    .option('--cursor <cursor>', 'the page after this one (nextCursor)')
    .action(
      (
        options: CommonOptions & {
          endpoint?: string;
          status?: string;
          type?: string;
          limit?: number;
          cursor?: string;
        },
      ) =>
        runWebhooks('deliveries list', async () => {
          const { path, more } = page<DeliveryJson>('/v1/deliveries', {
            endpoint: options.endpoint,
            status: options.status,
            type: options.type,
            limit: options.limit,
            cursor: options.cursor,
          });
          const answer = await adminClient(options).get<PageJson<DeliveryJson>>(path);
          await printAnswer(answer, options, (p) => deliveriesTable(p.items) + more(p));
          return 0;
        }),
    );

  withCommonOptions(deliveries.command('get'))
    .description('one delivery with every attempt: the request sent and the response')
    .argument('<id>', 'dlv_…')
    .action((deliveryId: string, options: CommonOptions) =>
      runWebhooks('deliveries get', async () => {
        const delivery = await adminClient(options).get<DeliveryJson>(`/v1/deliveries/${id(deliveryId)}`);
        await printAnswer(delivery, options, deliveryText);
        return 0;
      }),
    );

  withCommonOptions(deliveries.command('retry'))
    .description('attempt a delivery again now, whatever its state')
    .argument('<id>', 'dlv_…')
    .action((deliveryId: string, options: CommonOptions) =>
      runWebhooks('deliveries retry', async () => {
        const delivery = await adminClient(options).post<DeliveryJson>(
          `/v1/deliveries/${id(deliveryId)}/retry`,
        );
        await printAnswer(
          delivery,
          options,
          (d) => `${d.id}: ${d.status}, due ${d.nextAttemptAt ?? 'now'}\n`,
        );
        return 0;
      }),
    );

  withWindow(withCommonOptions(deliveries.command('recover')))
    .description("make an endpoint's failed deliveries of a time window due again (a job)")
    .argument('<endpoint>', 'ep_…')
    .action((endpointId: string, options: WindowOptions) =>
      runWebhooks('deliveries recover', () => startJob('recover', endpointId, options)),
    );
  return deliveries;
}

export function webhookReplayCommand(): Command {
  return withWindow(withCommonOptions(new Command('replay')))
    .description(
      'deliver again, to one endpoint only, the events of a time window it takes (read back from Kafka; a job)',
    )
    .argument('<endpoint>', 'ep_…')
    .action((endpointId: string, options: WindowOptions) =>
      runWebhooks('replay', () => startJob('replay', endpointId, options)),
    );
}

export function webhookTestCommand(): Command {
  return withCommonOptions(new Command('test'))
    .description(
      'send an endpoint a test event of a type it takes, built from the schema, signed like any other',
    )
    .argument('<endpoint>', 'ep_…')
    .requiredOption('--type <type>', 'the event type', eventType)
    .option(
      '--version <n>',
      "the schema version (default: the endpoint's pin, else the latest)",
      positiveInteger,
    )
    .action((endpointId: string, options: CommonOptions & { type: string; version?: number }) =>
      runWebhooks('test', async () => {
        const sent = await adminClient(options).post<{ deliveryId: string; eventId: string }>(
          `/v1/endpoints/${id(endpointId)}/test`,
          { type: options.type, ...(options.version === undefined ? {} : { version: options.version }) },
        );
        await printAnswer(sent, options, (s) => `sent test event ${s.eventId}: delivery ${s.deliveryId}\n`);
        return 0;
      }),
    );
}

export function webhookJobsCommand(): Command {
  const jobs = new Command('jobs').description('recover and replay jobs: list, get, cancel');
  withCommonOptions(jobs.command('list'))
    .description('jobs, newest first')
    .option('--endpoint <id>', "only this endpoint's")
    .option('--limit <n>', 'jobs per page (1-100)', positiveInteger)
    .option('--cursor <cursor>', 'the page after this one (nextCursor)')
    .action((options: CommonOptions & { endpoint?: string; limit?: number; cursor?: string }) =>
      runWebhooks('jobs list', async () => {
        const { path, more } = page<JobJson>('/v1/jobs', {
          endpoint: options.endpoint,
          limit: options.limit,
          cursor: options.cursor,
        });
        const answer = await adminClient(options).get<PageJson<JobJson>>(path);
        await printAnswer(answer, options, (p) => jobsTable(p.items) + more(p));
        return 0;
      }),
    );
  withCommonOptions(jobs.command('get'))
    .description('one job: state, progress, result')
    .argument('<id>', 'job_…')
    .option('--wait', 'follow it until it ends', false)
    .action((jobId: string, options: CommonOptions & { wait: boolean }) =>
      runWebhooks('jobs get', async () => {
        const client = adminClient(options);
        const job = await client.get<JobJson>(`/v1/jobs/${id(jobId)}`);
        if (options.wait) return followJob(client, job, options);
        await printAnswer(job, options, jobText);
        return 0;
      }),
    );
  withCommonOptions(jobs.command('cancel'))
    .description('cancel a queued or running job')
    .argument('<id>', 'job_…')
    .action((jobId: string, options: CommonOptions) =>
      runWebhooks('jobs cancel', async () => {
        const job = await adminClient(options).post<JobJson>(`/v1/jobs/${id(jobId)}/cancel`);
        await printAnswer(job, options, jobText);
        return 0;
      }),
    );
  return jobs;
}
