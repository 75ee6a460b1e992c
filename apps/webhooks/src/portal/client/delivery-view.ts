/**
 * One delivery: what was sent where, every attempt with the receiver's answer (status, headers,
 * body: the receiver's text, shown as text), and retrying it now.
 */
import { apiPath } from './api.js';
import type { Attempt, Delivery, DeliveryDetail, Endpoint } from './api-types.js';
import { badge, button, facts, fill, h, heading, milliseconds, route, time, type Child } from './dom.js';
import { STATUS_TONES } from './deliveries-view.js';
import { announce, run } from './ui.js';
import { pause, type View } from './view.js';

/** How long a retry is followed on the page before the operator refreshes by hand. */
const FOLLOW_MS = 30_000;

export const deliveryView: View = async ({ api, root, signal, params }) => {
  const id = params['id'] ?? '';
  const load = () => api.get<DeliveryDetail>(apiPath('deliveries', id), {}, signal);
  let delivery = await load();
  const endpoint = await api.get<Endpoint>(apiPath('endpoints', delivery.endpointId), {}, signal);
  const summary = h('div');
  const attempts = h('div');
  const render = (): void => {
    fill(summary, deliveryFacts(delivery, endpoint));
    fill(attempts, ...attemptSections(delivery, endpoint));
  };

  async function retry(): Promise<void> {
    const before = delivery.attemptList.length;
    const due = await api.post<Delivery>(apiPath('deliveries', id, 'retry'), undefined, signal);
    delivery = { ...delivery, ...due };
    render();
    announce('Retry asked: the delivery is due now.');
    const deadline = Date.now() + FOLLOW_MS;
    while (Date.now() < deadline && !signal.aborted) {
      await pause(500, signal);
      if (signal.aborted) return;
      delivery = await load();
      render();
      const latest = delivery.attemptList[delivery.attemptList.length - 1];
      if (delivery.attemptList.length > before && latest !== undefined) {
        announce(
          `Attempt ${delivery.attemptList.length}: ${latest.outcome}; the delivery is ${delivery.status}.`,
        );
        return;
      }
    }
  }

  render();
  fill(
    root,
    heading(2, 'Delivery ', h('code', {}, id)),
    h(
      'div',
      { class: 'actions' },
      button('Retry now', (b) => void run(retry, b)),
      button(
        'Refresh',
        (b) =>
          void run(async () => {
            delivery = await load();
            render();
            announce(`Refreshed: the delivery is ${delivery.status}.`);
          }, b),
        { class: 'secondary' },
      ),
      route(['endpoints', endpoint.id], 'The endpoint'),
      route(['deliveries'], 'Deliveries of this endpoint', { endpoint: endpoint.id }),
    ),
    summary,
    h('h3', {}, 'Attempts'),
    attempts,
  );
};

function deliveryFacts(d: DeliveryDetail, endpoint: Endpoint): HTMLDListElement {
  return facts([
    ['Status', badge(d.status, STATUS_TONES[d.status])],
    ['Event type', d.type],
    ['Event id (webhook-id)', h('code', {}, d.eventId)],
    [
      'Endpoint',
      [
        route(['endpoints', endpoint.id], h('code', {}, endpoint.id)),
        ' ',
        h('span', { class: 'wrap' }, endpoint.url),
      ],
    ],
    ['Origin', d.jobId === null ? d.origin : [d.origin, ' (job ', h('code', {}, d.jobId), ')']],
    ['Attempts', String(d.attempts)],
    ['Next attempt', d.status === 'pending' ? time(d.nextAttemptAt) : undefined],
    ['Last response', d.lastStatus === null ? '—' : `HTTP ${d.lastStatus}`],
    ['Last error', d.lastError ?? 'None'],
    ['Created', time(d.createdAt)],
    ['Updated', time(d.updatedAt)],
  ]);
}

function attemptSections(d: DeliveryDetail, endpoint: Endpoint): HTMLElement[] {
  if (d.attemptList.length === 0) return [h('p', {}, 'No attempt yet (or their records were pruned).')];
  const last = d.attemptList.length;
  return d.attemptList
    .map((attempt, i) => attemptSection(attempt, i + 1, i + 1 === last, d, endpoint))
    .reverse();
}

/** Newest first; the newest is open, the older ones show their title until opened. */
function attemptSection(
  attempt: Attempt,
  n: number,
  open: boolean,
  d: DeliveryDetail,
  endpoint: Endpoint,
): HTMLElement {
  const ok = attempt.outcome === 'delivered';
  return h(
    'details',
    { class: 'panel attempt', open },
    h(
      'summary',
      {},
      h(
        'h4',
        {},
        `Attempt ${n}: `,
        badge(attempt.outcome, ok ? 'ok' : 'bad'),
        ' ',
        time(attempt.attemptedAt),
      ),
    ),
    facts([
      ['HTTP status', attempt.statusCode === null ? 'No response' : String(attempt.statusCode)],
      ['Latency', milliseconds(attempt.latencyMs)],
      ['Error', attempt.error ?? undefined],
    ]),
    h('h5', {}, 'Request'),
    ...requestPart(attempt, n, d, endpoint),
    h('h5', {}, 'Response'),
    attempt.statusCode === null
      ? h('p', {}, 'No response: ', attempt.error ?? attempt.outcome)
      : h(
          'div',
          {},
          h('p', { class: 'hint' }, 'Headers'),
          block(`Response headers of attempt ${n}`, headerLines(attempt.responseHeaders)),
          h('p', { class: 'hint' }, 'Body'),
          block(
            `Response body of attempt ${n}`,
            attempt.responseBody === null || attempt.responseBody === '' ? '(empty)' : attempt.responseBody,
          ),
        ),
  );
}

function requestPart(attempt: Attempt, n: number, d: DeliveryDetail, endpoint: Endpoint): HTMLElement[] {
  const request = attempt.request;
  if (request === null) {
    return [
      h(
        'p',
        { class: 'hint' },
        'Not recorded (nothing was sent, or the attempt predates the record): the delivery goes to',
      ),
      facts([
        ['Method and URL', h('code', { class: 'wrap' }, `POST ${endpoint.url}`)],
        ['webhook-id', h('code', {}, d.eventId)],
      ]),
    ];
  }
  return [
    facts([['Method and URL', h('code', { class: 'wrap' }, `POST ${request.url}`)]]),
    h('p', { class: 'hint' }, 'Headers'),
    block(`Request headers of attempt ${n}`, headerLines(request.headers)),
    h('p', { class: 'hint' }, request.bodyTruncated ? 'Body (its first 8 KiB)' : 'Body'),
    block(`Request body of attempt ${n}`, request.body),
  ];
}

function headerLines(headers: Attempt['responseHeaders']): string {
  if (headers === null) return '(none recorded)';
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return lines.length === 0 ? '(none)' : lines.join('\n');
}

/** Text the receiver wrote, as text; focusable, since it may scroll. */
function block(label: string, text: Child): HTMLPreElement {
  return h('pre', { tabindex: 0, 'aria-label': label }, text);
}
