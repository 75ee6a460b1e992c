/** The endpoints, in creation order, each with its health over the last 24 hours. */
import { apiPath, isAbort } from './api.js';
import type { Endpoint, EndpointStats, Page } from './api-types.js';
import { badge, button, fill, h, heading, percent, route, time, type Child } from './dom.js';
import { run } from './ui.js';
import type { View } from './view.js';

export const endpointsView: View = async ({ api, root, signal }) => {
  const body = h('tbody');
  const more = button('Load more endpoints', (b) => void run(load, b), { class: 'secondary' });
  let cursor: string | undefined;

  async function load(): Promise<void> {
    const page = await api.get<Page<Endpoint>>('/v1/endpoints', { cursor }, signal);
    const stats = await Promise.all(
      page.items.map((endpoint) =>
        api.get<EndpointStats>(apiPath('endpoints', endpoint.id, 'stats'), {}, signal).catch((error) => {
          if (isAbort(error)) throw error;
          return undefined; // deleted meanwhile: the row still shows
        }),
      ),
    );
    page.items.forEach((endpoint, i) => body.append(row(endpoint, stats[i])));
    cursor = page.nextCursor ?? undefined;
    more.hidden = !page.hasMore;
  }

  await load();
  fill(
    root,
    heading(2, 'Endpoints'),
    h('p', { class: 'actions' }, route(['endpoints', 'new'], 'Create an endpoint')),
    body.childElementCount === 0
      ? h('p', {}, 'No endpoint yet.')
      : h(
          'table',
          {},
          h('caption', { class: 'visually-hidden' }, 'Endpoints and their health over the last 24 hours'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Endpoint', 'Event types', 'State'].map((title) => h('th', { scope: 'col' }, title)),
              h('th', { scope: 'col', class: 'num' }, 'Success (24 h)'),
              h('th', { scope: 'col', class: 'num' }, 'Backlog'),
              h('th', { scope: 'col' }, 'Last error'),
            ),
          ),
          body,
        ),
    more,
  );
};

function row(endpoint: Endpoint, stats: EndpointStats | undefined): HTMLTableRowElement {
  const name = endpoint.description.trim() === '' ? endpoint.url : endpoint.description;
  return h(
    'tr',
    {},
    h(
      'td',
      { class: 'wrap' },
      route(['endpoints', endpoint.id], name),
      name === endpoint.url ? null : h('div', { class: 'hint' }, endpoint.url),
    ),
    h('td', { class: 'wrap' }, endpoint.types.join(', ')),
    h('td', {}, ...state(endpoint)),
    h('td', { class: 'num' }, stats === undefined ? '—' : percent(stats.successRate)),
    h(
      'td',
      { class: 'num' },
      stats === undefined ? '—' : `${stats.backlog.due} due, ${stats.backlog.scheduled} scheduled`,
    ),
    h('td', { class: 'wrap' }, ...lastError(stats)),
  );
}

export function state(endpoint: Endpoint): Child[] {
  if (endpoint.enabled) return [badge('Enabled', 'ok')];
  return [
    badge('Disabled', 'bad'),
    endpoint.disabledReason === null ? null : h('div', { class: 'hint' }, endpoint.disabledReason),
  ];
}

export function lastError(stats: EndpointStats | undefined): Child[] {
  if (stats === undefined) return ['—'];
  if (stats.lastError === null) return ['None'];
  const { at, outcome, error } = stats.lastError;
  return [time(at), ' ', h('code', {}, outcome), error === null ? null : h('div', { class: 'hint' }, error)];
}
