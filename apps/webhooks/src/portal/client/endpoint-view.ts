/**
 * One endpoint: its settings and health, and what an operator does with it: edit, disable or
 * enable, rotate the secret, delete (after a confirmation), send a test event, recover failed
 * deliveries and replay history.
 */
import { apiPath } from './api.js';
import type { Endpoint, EndpointStats, RotatedSecret } from './api-types.js';
import { button, facts, fill, h, heading, milliseconds, percent, route, time } from './dom.js';
import { endpointForm } from './endpoint-form.js';
import { lastError, state } from './endpoints-view.js';
import { jobsPanel } from './jobs-panel.js';
import { testEventForm } from './test-event-form.js';
import { announce, announceAfterNavigation, run, secretPanel } from './ui.js';
import type { View, ViewContext } from './view.js';

export const endpointView: View = async (context) => {
  const { api, root, signal } = context;
  const id = context.params['id'] ?? '';
  const [endpoint, stats] = await Promise.all([
    api.get<Endpoint>(apiPath('endpoints', id), {}, signal),
    api.get<EndpointStats>(apiPath('endpoints', id, 'stats'), {}, signal),
  ]);
  let current = endpoint;
  const title = heading(2, '');
  const settings = h('div');
  const secretSlot = h('div');
  const toggle = button('', (b) => void run(toggleEnabled, b), { class: 'secondary' });
  const render = (): void => {
    fill(title, 'Endpoint ', h('span', { class: 'wrap' }, name(current)));
    fill(settings, settingsFacts(current));
    toggle.textContent = current.enabled ? 'Disable endpoint' : 'Enable endpoint';
  };

  async function toggleEnabled(): Promise<void> {
    current = await api.patch<Endpoint>(apiPath('endpoints', id), { enabled: !current.enabled }, signal);
    render();
    announce(
      current.enabled ? 'The endpoint is enabled.' : 'The endpoint is disabled: nothing is delivered to it.',
    );
  }

  async function rotate(): Promise<void> {
    const rotated = await api.post<RotatedSecret>(
      apiPath('endpoints', id, 'secret', 'rotate'),
      undefined,
      signal,
    );
    const until = rotated.previousSecretExpiresAt;
    fill(
      secretSlot,
      secretPanel(
        rotated.secret,
        'The new signing secret, shown only now. ',
        ...(until === null
          ? ['The previous secret no longer signs.']
          : ['Deliveries are signed with the previous secret too until ', time(until), '.']),
      ),
    );
    secretSlot.querySelector<HTMLElement>('#secret-title')?.focus();
    announce('The secret is rotated. Copy the new one now: it is not shown again.');
  }

  render();
  fill(
    root,
    title,
    secretSlot,
    h(
      'div',
      { class: 'actions' },
      route(['deliveries'], 'Deliveries of this endpoint', { endpoint: id }),
      toggle,
      button('Rotate secret', (b) => void run(rotate, b), { class: 'secondary' }),
      button('Delete endpoint…', () => confirmDelete(context, current), { class: 'danger' }),
    ),
    h(
      'div',
      { class: 'columns' },
      section('Settings', settings),
      section('Health over the last 24 hours', healthFacts(stats)),
    ),
    section(
      'Edit settings',
      endpointForm({
        endpoint: current,
        submitLabel: 'Save changes',
        onSubmit: async (body) => {
          current = await api.patch<Endpoint>(apiPath('endpoints', id), body, signal);
          render();
          announce('Changes saved.');
        },
      }),
    ),
    section('Send a test event', testEventForm(context, current)),
    jobsPanel(context, id),
  );
};

function name(endpoint: Endpoint): string {
  return endpoint.description.trim() === '' ? endpoint.url : endpoint.description;
}

function section(title: string, ...content: Node[]): HTMLElement {
  const titleId = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, title),
    ...content,
  );
}

function pairs(record: Readonly<Record<string, string | number>>): string {
  const list = Object.entries(record).map(([key, value]) => `${key}=${value}`);
  return list.length === 0 ? 'None' : list.join(', ');
}

function settingsFacts(e: Endpoint): HTMLDListElement {
  return facts([
    ['ID', h('code', {}, e.id)],
    ['URL', h('code', { class: 'wrap' }, e.url)],
    ['Description', e.description === '' ? 'None' : e.description],
    ['State', state(e)],
    ['Event types', e.types.join(', ')],
    ['Tenant', e.tenant ?? 'Every tenant'],
    ['Body format', e.format],
    ['Version pins', pairs(e.versions)],
    ['Rate limit', e.rateLimit === null ? 'Unlimited' : `${e.rateLimit} per second`],
    ['Ordered', e.ordered ? 'Yes: one delivery at a time, in partition order' : 'No'],
    ['Metadata', pairs(e.metadata)],
    ['Created', time(e.createdAt)],
    ['Updated', time(e.updatedAt)],
  ]);
}

function healthFacts(stats: EndpointStats): HTMLDListElement {
  const { p50, p90, p99 } = stats.latencyMs;
  return facts([
    ['Success rate', `${percent(stats.successRate)} of ${stats.attemptsLast24h} attempts`],
    ['Latency', `p50 ${milliseconds(p50)}, p90 ${milliseconds(p90)}, p99 ${milliseconds(p99)}`],
    [
      'Deliveries',
      `${stats.deliveries.delivered} delivered, ${stats.deliveries.pending} pending, ${stats.deliveries.failed} failed`,
    ],
    ['Backlog', `${stats.backlog.due} due now, ${stats.backlog.scheduled} scheduled`],
    ['Last error', lastError(stats)],
  ]);
}

function confirmDelete({ api, signal }: ViewContext, endpoint: Endpoint): void {
  const cancel = button('Cancel', () => dialog.close(), { class: 'secondary', autofocus: true });
  const confirm = button(
    'Delete',
    (b) =>
      void run(async () => {
        await api.delete(apiPath('endpoints', endpoint.id), signal);
        dialog.close();
        announceAfterNavigation('The endpoint is deleted.');
        window.location.hash = '#/';
      }, b),
    { class: 'danger' },
  );
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'delete-title', 'aria-describedby': 'delete-detail' },
    h('h3', { id: 'delete-title' }, 'Delete this endpoint?'),
    h(
      'p',
      { id: 'delete-detail' },
      h('span', { class: 'wrap' }, name(endpoint)),
      ' is deleted with its secrets, deliveries and attempts. This cannot be undone.',
    ),
    h('div', { class: 'actions' }, confirm, cancel),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
