/**
 * How `herald webhooks` prints the admin API's answers without --json: an endpoint or a delivery
 * as aligned `field: value` lines (a delivery with each attempt's request and response), lists as
 * tables, a job as one line of state and progress. The shapes are the API's (docs/webhooks.md).
 */

export interface EndpointJson {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly types: readonly string[];
  readonly tenant: string | null;
  readonly versions: Readonly<Record<string, number>>;
  readonly format: string;
  readonly rateLimit: number | null;
  readonly ordered: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly createdAt: string;
  readonly secret?: string;
}

export interface AttemptJson {
  readonly attemptedAt: string;
  readonly request: {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    readonly bodyTruncated: boolean;
  } | null;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly outcome: string;
  readonly error: string | null;
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  readonly responseBody: string | null;
}

export interface DeliveryJson {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly origin: string;
  readonly jobId: string | null;
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly attemptList?: readonly AttemptJson[];
}

export interface JobJson {
  readonly id: string;
  readonly kind: string;
  readonly endpointId: string;
  readonly state: string;
  readonly since: string;
  readonly until: string | null;
  readonly progress: { readonly done: number; readonly total: number | null };
  readonly result: Readonly<Record<string, unknown>> | null;
  readonly error?: string;
}

export interface PageJson<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

function fields(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${`${name}:`.padEnd(width + 2)}${value}\n`).join('');
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  return all
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .map((line) => `${line.trimEnd()}\n`)
    .join('');
}

const entries = (record: Readonly<Record<string, unknown>>): string =>
  Object.keys(record).length === 0
    ? '(none)'
    : Object.entries(record)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ');

export function endpointText(endpoint: EndpointJson): string {
  const rows: Array<[string, string]> = [
    ['id', endpoint.id],
    ['url', endpoint.url],
    ['types', endpoint.types.join(', ')],
    ['tenant', endpoint.tenant ?? '(every tenant)'],
    ['versions', entries(endpoint.versions)],
    ['format', endpoint.format],
    ['rate limit', endpoint.rateLimit === null ? 'unlimited' : `${endpoint.rateLimit}/s`],
    ['ordered', String(endpoint.ordered)],
    ['enabled', endpoint.enabled ? 'yes' : `no (${endpoint.disabledReason ?? 'disabled'})`],
    ['description', endpoint.description === '' ? '(none)' : endpoint.description],
    ['metadata', entries(endpoint.metadata)],
    ['created', endpoint.createdAt],
  ];
  if (endpoint.secret !== undefined) rows.push(['secret', `${endpoint.secret}   (shown only now: keep it)`]);
  return fields(rows);
}

export function endpointsTable(endpoints: readonly EndpointJson[]): string {
  if (endpoints.length === 0) return 'No endpoints.\n';
  return table(
    ['id', 'enabled', 'types', 'url'],
    endpoints.map((e) => [e.id, e.enabled ? 'yes' : 'no', e.types.join(','), e.url]),
  );
}

export function deliveriesTable(deliveries: readonly DeliveryJson[]): string {
  if (deliveries.length === 0) return 'No deliveries.\n';
  return table(
    ['id', 'status', 'origin', 'attempts', 'last', 'type', 'event'],
    deliveries.map((d) => [
      d.id,
      d.status,
      d.origin,
      String(d.attempts),
      d.lastStatus === null ? (d.lastError === null ? '-' : 'error') : String(d.lastStatus),
      d.type,
      d.eventId,
    ]),
  );
}

export function deliveryText(delivery: DeliveryJson): string {
  const rows: Array<[string, string]> = [
    ['id', delivery.id],
    ['endpoint', delivery.endpointId],
    ['event', `${delivery.eventId} (${delivery.type})`],
    ['origin', delivery.jobId === null ? delivery.origin : `${delivery.origin} (${delivery.jobId})`],
    ['status', delivery.status],
    ['attempts', String(delivery.attempts)],
  ];
  if (delivery.nextAttemptAt !== null) rows.push(['next attempt', delivery.nextAttemptAt]);
  if (delivery.lastError !== null) rows.push(['last error', delivery.lastError]);
  rows.push(['created', delivery.createdAt]);
  const attempts = (delivery.attemptList ?? []).map((attempt, index) => attemptText(attempt, index + 1));
  return [fields(rows), ...attempts].join('\n');
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `    ${name}: ${value}\n`)
    .join('');
}

function attemptText(attempt: AttemptJson, n: number): string {
  const answer = attempt.statusCode === null ? attempt.outcome : `${attempt.statusCode} (${attempt.outcome})`;
  let text = `attempt ${n}  ${attempt.attemptedAt}  ${answer}  ${attempt.latencyMs} ms\n`;
  if (attempt.error !== null) text += `  error: ${attempt.error}\n`;
  if (attempt.request !== null) {
    text += `  request: POST ${attempt.request.url}\n${headerLines(attempt.request.headers)}`;
    text += `    ${attempt.request.body}${attempt.request.bodyTruncated ? ' …(first 8 KiB)' : ''}\n`;
  }
  if (attempt.responseHeaders !== null) {
    text += `  response:\n${headerLines(attempt.responseHeaders)}`;
    if (attempt.responseBody !== null && attempt.responseBody !== '') text += `    ${attempt.responseBody}\n`;
  }
  return text;
}

export function jobText(job: JobJson): string {
  const { done, total } = job.progress;
  const unit = job.kind === 'recover' ? 'deliveries made due' : 'records read';
  const progress = `${done}${total === null ? '' : ` of ${total}`} ${unit}`;
  const result = job.result === null ? '' : `; ${resultText(job.kind, job.result)}`;
  const error = job.error === undefined ? '' : `: ${job.error}`;
  return `${job.kind} ${job.id} (${job.endpointId}): ${job.state}${error}, ${progress}${result}\n`;
}

function resultText(kind: string, result: Readonly<Record<string, unknown>>): string {
  const parts =
    kind === 'recover'
      ? [`${String(result['recovered'])} recovered`]
      : [`${String(result['deliveries'])} deliveries of ${String(result['events'])} events`];
  if (typeof result['skipped'] === 'number' && result['skipped'] > 0)
    parts.push(`${result['skipped']} undecodable skipped`);
  if (typeof result['withdrawn'] === 'number') parts.push(`${result['withdrawn']} withdrawn`);
  if (result['more'] === true) {
    const next = typeof result['nextSince'] === 'string' ? `; go on with --since ${result['nextSince']}` : '';
    parts.push(`the limit (${String(result['limit'])}) left more${next}`);
  }
  return parts.join(', ');
}

export function jobsTable(jobs: readonly JobJson[]): string {
  if (jobs.length === 0) return 'No jobs.\n';
  return table(
    ['id', 'kind', 'state', 'done', 'endpoint'],
    jobs.map((j) => [j.id, j.kind, j.state, `${j.progress.done}/${j.progress.total ?? '?'}`, j.endpointId]),
  );
}
