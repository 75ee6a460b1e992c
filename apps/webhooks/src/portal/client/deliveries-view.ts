/** Deliveries, newest first, filtered by endpoint, status and event type (kept in the address). */
import { ApiError } from './api.js';
import { DELIVERY_STATUSES, type Delivery, type Endpoint, type Page } from './api-types.js';
import { badge, button, fill, h, heading, route, routeHref, time, type Tone } from './dom.js';
import { announce, field, input, onSubmit, run, select, showFormErrors } from './ui.js';
import type { View } from './view.js';

export const STATUS_TONES: Record<Delivery['status'], Tone> = {
  delivered: 'ok',
  pending: 'warn',
  failed: 'bad',
};

export const deliveriesView: View = async ({ api, root, signal, query }) => {
  const endpoints = await api.get<Page<Endpoint>>('/v1/endpoints', { limit: '100' }, signal);
  const names = new Map(
    endpoints.items.map((e) => [e.id, e.description.trim() === '' ? e.url : e.description]),
  );
  const chosen = query.get('endpoint') ?? '';
  if (chosen !== '' && !names.has(chosen)) names.set(chosen, chosen);
  const controls = {
    endpoint: select('endpoint', [['', 'Every endpoint'], ...names.entries()], chosen),
    status: select(
      'status',
      [['', 'Any status'], ...DELIVERY_STATUSES.map((s) => [s, s] as const)],
      query.get('status') ?? '',
    ),
    type: input('type', 'text', query.get('type') ?? '', { spellcheck: 'false' }),
  };
  const form = h(
    'form',
    { class: 'inline', novalidate: true, 'aria-label': 'Filter deliveries' },
    field('filter-endpoint', 'Endpoint', controls.endpoint),
    field('filter-status', 'Status', controls.status),
    field('filter-type', 'Event type', controls.type),
    h('button', { type: 'submit' }, 'Show deliveries'),
  );
  const rows = h('tbody');
  const table = deliveriesTable(rows);
  const summary = h('p', { class: 'hint' });
  const more = button('Load more deliveries', (b) => void run(load, b), { class: 'secondary' });
  let cursor: string | undefined;
  const filter = () => ({
    endpoint: controls.endpoint.value,
    status: controls.status.value,
    type: controls.type.value.trim(),
  });

  async function load(): Promise<void> {
    const page = await api.get<Page<Delivery>>('/v1/deliveries', { ...filter(), cursor }, signal);
    for (const delivery of page.items) rows.append(row(delivery, names));
    cursor = page.nextCursor ?? undefined;
    more.hidden = !page.hasMore;
    summary.textContent =
      rows.childElementCount === 0 ? 'No delivery matches.' : `${rows.childElementCount} shown.`;
  }

  async function reload(): Promise<void> {
    rows.replaceChildren();
    cursor = undefined;
    try {
      await load();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.problem.errors.length === 0)
        throw error;
      showFormErrors(form, error.problem);
      summary.textContent = '';
      more.hidden = true;
    }
  }

  onSubmit(form, async () => {
    // The filters go in the address (no new history entry), so a reload or a shared link shows the same.
    history.replaceState(null, '', routeHref(['deliveries'], filter()));
    await reload();
    announce(summary.textContent ?? '');
  });
  await reload();
  fill(
    root,
    heading(2, 'Deliveries'),
    form,
    h(
      'div',
      { class: 'actions' },
      button(
        'Refresh',
        (b) =>
          void run(async () => {
            await reload();
            announce(`Refreshed: ${summary.textContent ?? ''}`);
          }, b),
        { class: 'secondary' },
      ),
      summary,
    ),
    table,
    more,
  );
};

function deliveriesTable(rows: HTMLTableSectionElement): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Deliveries, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Delivery', 'Event type', 'Endpoint', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col', class: 'num' }, 'Attempts'),
        ...['Last response', 'Origin', 'Updated'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    rows,
  );
}

function row(delivery: Delivery, names: ReadonlyMap<string, string>): HTMLTableRowElement {
  const last = delivery.lastStatus !== null ? `HTTP ${delivery.lastStatus}` : (delivery.lastError ?? '—');
  return h(
    'tr',
    {},
    h('td', {}, route(['deliveries', delivery.id], h('code', {}, delivery.id))),
    h('td', { class: 'wrap' }, delivery.type),
    h(
      'td',
      { class: 'wrap' },
      route(['endpoints', delivery.endpointId], names.get(delivery.endpointId) ?? delivery.endpointId),
    ),
    h('td', {}, badge(delivery.status, STATUS_TONES[delivery.status])),
    h('td', { class: 'num' }, delivery.attempts),
    h('td', { class: 'wrap' }, last),
    h('td', {}, delivery.origin),
    h('td', {}, time(delivery.updatedAt)),
  );
}
