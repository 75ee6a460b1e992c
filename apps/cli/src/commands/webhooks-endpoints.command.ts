/**
 * `herald webhooks endpoints create|list|get|update|delete|rotate-secret`: the webhooks app's
 * endpoints API (docs/webhooks.md) from the shell. Options map one to one to the API's fields;
 * the app validates them and its refusals are printed with their pointers (exit 2).
 */
import { Command, Option } from 'commander';
import { endpointsTable, endpointText, type EndpointJson, type PageJson } from '../webhooks/webhooks-text';
import { positiveInteger } from './argument-parsers';
import { writeOut } from './command-support';
import {
  adminClient,
  duration,
  keyValue,
  list,
  printAnswer,
  runWebhooks,
  withCommonOptions,
  type CommonOptions,
} from './webhooks-support';

interface SettingsOptions extends CommonOptions {
  url?: string;
  target?: string;
  types?: string[];
  tenant?: string | false;
  pin?: Record<string, string>;
  format?: string;
  rateLimit?: number | false;
  ordered?: boolean;
  description?: string;
  metadata?: Record<string, string>;
  enable?: boolean;
}

/** The create/update body: only what was given (absent means unchanged on update). */
function settingsBody(options: SettingsOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.target !== undefined) body['url'] = options.target;
  if (options.types !== undefined) body['types'] = options.types;
  if (options.tenant !== undefined) body['tenant'] = options.tenant === false ? null : options.tenant;
  if (options.pin !== undefined) {
    body['versions'] = Object.fromEntries(
      Object.entries(options.pin).map(([type, v]) => [type, /^\d+$/.test(v) ? Number(v) : v]),
    );
  }
  if (options.format !== undefined) body['format'] = options.format;
  if (options.rateLimit !== undefined)
    body['rateLimit'] = options.rateLimit === false ? null : options.rateLimit;
  if (options.ordered !== undefined) body['ordered'] = options.ordered;
  if (options.description !== undefined) body['description'] = options.description;
  if (options.metadata !== undefined) body['metadata'] = options.metadata;
  if (options.enable !== undefined) body['enabled'] = options.enable;
  return body;
}

function withSettings(command: Command): Command {
  return command
    .option(
      '--types <patterns>',
      'event types taken: exact types, <domain>.* or * (comma-separated, repeatable)',
      list,
    )
    .option('--tenant <tenant>', 'only events of this tenant')
    .option('--pin <type=version>', 'deliver this type in this schema version (repeatable)', keyValue)
    .addOption(new Option('--format <format>', 'the body').choices(['standard', 'cloudevents']))
    .option('--rate-limit <n>', 'deliveries per second at most', positiveInteger)
    .option('--ordered', 'one delivery at a time, in partition order')
    .option('--description <text>', 'a description')
    .option('--metadata <key=value>', 'metadata (repeatable; replaces it whole)', keyValue);
}

const path = (id: string) => `/v1/endpoints/${encodeURIComponent(id)}`;

export function webhookEndpointsCommand(): Command {
  const endpoints = new Command('endpoints').description(
    'webhook endpoints: create, list, get, update, delete, rotate-secret',
  );

  withSettings(withCommonOptions(endpoints.command('create')))
    .description('create an endpoint; prints its signing secret, shown only once')
    .argument('<target>', 'where deliveries are POSTed (an http or https URL)')
    .action((target: string, options: SettingsOptions) =>
      runWebhooks('endpoints create', async () => {
        options.target = target;
        if (options.types === undefined) options.types = ['*'];
        const created = await adminClient(options).post<EndpointJson>('/v1/endpoints', settingsBody(options));
        await printAnswer(created, options, endpointText);
        return 0;
      }),
    );

  withCommonOptions(endpoints.command('list'))
    .description('endpoints in creation order')
    .option('--limit <n>', 'endpoints per page (1-100)', positiveInteger)
    .option('--cursor <cursor>', 'the page after this one (nextCursor)')
    .option('--all', 'every page', false)
    .action((options: CommonOptions & { limit?: number; cursor?: string; all: boolean }) =>
      runWebhooks('endpoints list', async () => {
        const client = adminClient(options);
        const items: EndpointJson[] = [];
        let cursor = options.cursor;
        let page: PageJson<EndpointJson>;
        do {
          const query = new URLSearchParams();
          if (options.limit !== undefined) query.set('limit', String(options.limit));
          if (cursor !== undefined) query.set('cursor', cursor);
          page = await client.get<PageJson<EndpointJson>>(`/v1/endpoints?${query.toString()}`);
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (options.all && page.hasMore);
        const answer = options.all ? { items, nextCursor: null, hasMore: false } : page;
        await printAnswer(
          answer,
          options,
          (p) => endpointsTable(p.items) + (p.hasMore ? `more: --cursor ${p.nextCursor}\n` : ''),
        );
        return 0;
      }),
    );

  withCommonOptions(endpoints.command('get'))
    .description('one endpoint')
    .argument('<id>', 'ep_…')
    .action((id: string, options: CommonOptions) =>
      runWebhooks('endpoints get', async () => {
        await printAnswer(await adminClient(options).get<EndpointJson>(path(id)), options, endpointText);
        return 0;
      }),
    );

  withSettings(withCommonOptions(endpoints.command('update')))
    .description('change fields of an endpoint (only those given); enable or disable it')
    .argument('<id>', 'ep_…')
    .option('--target <url>', 'a new destination URL')
    .option('--no-tenant', 'every tenant')
    .option('--no-rate-limit', 'unlimited')
    .option('--no-ordered', 'deliveries in parallel')
    .option('--enable', 'enable it (clears the failure clock)')
    .option('--disable', 'disable it: deliveries wait')
    .action((id: string, options: SettingsOptions & { disable?: boolean }) =>
      runWebhooks('endpoints update', async () => {
        if (options.disable === true) options.enable = false;
        const updated = await adminClient(options).patch<EndpointJson>(path(id), settingsBody(options));
        await printAnswer(updated, options, endpointText);
        return 0;
      }),
    );

  withCommonOptions(endpoints.command('delete'))
    .description('delete an endpoint with its secrets, deliveries and attempts')
    .argument('<id>', 'ep_…')
    .action((id: string, options: CommonOptions) =>
      runWebhooks('endpoints delete', async () => {
        await adminClient(options).delete(path(id));
        await writeOut(options.json ? `${JSON.stringify({ deleted: id })}\n` : `deleted ${id}\n`);
        return 0;
      }),
    );

  withCommonOptions(endpoints.command('rotate-secret'))
    .description('a new signing secret (shown once); the old one keeps signing for the overlap')
    .argument('<id>', 'ep_…')
    .option(
      '--overlap <duration>',
      "how long the old secret keeps signing (e.g. 0, 1h, 24h; default: the app's)",
      duration,
    )
    .action((id: string, options: CommonOptions & { overlap?: number }) =>
      runWebhooks('endpoints rotate-secret', async () => {
        const rotated = await adminClient(options).post<{ secret: string; previousSecretExpiresAt: string }>(
          `${path(id)}/secret/rotate`,
          options.overlap === undefined ? {} : { overlapMs: options.overlap },
        );
        await printAnswer(
          rotated,
          options,
          (r) =>
            `secret: ${r.secret}   (shown only now: keep it)\nthe previous secret signs until ${r.previousSecretExpiresAt}\n`,
        );
        return 0;
      }),
    );
  return endpoints;
}
