/**
 * The event catalog: one disclosure per event type (native <details>, so keyboard and screen
 * readers get it for free) with its owner, documentation and each version's fields. Everything
 * shown here is written by the owners of the types, and goes in as text.
 */
import { getJson, type EventCatalog, type Range } from './api.js';
import { facts, h, table } from './dom.js';
import { Panel } from './panel.js';

type EventType = EventCatalog['eventTypes'][number];

function versionTable(type: EventType, version: EventType['versions'][number]): HTMLTableElement {
  return table(
    `Fields of ${type.type} v${version.version}`,
    [
      { label: 'Field', cell: (f) => h('code', {}, f.name) },
      { label: 'Type', cell: (f) => h('code', { class: 'wrap' }, f.type) },
      { label: 'Optional', cell: (f) => (f.optional ? 'yes' : 'no') },
      { label: 'Documentation', cell: (f) => h('span', { class: 'wrap' }, f.doc ?? '') },
    ],
    version.fields,
  );
}

function eventType(type: EventType): HTMLDetailsElement {
  const [latest, ...older] = type.versions;
  return h(
    'details',
    { class: 'event-type' },
    h('summary', {}, h('span', { class: 'wrap' }, type.type), ` — v${type.latestVersion}`),
    type.description ? h('p', { class: 'wrap' }, type.description) : null,
    facts([
      ['Owner', type.owner ?? '—'],
      ['Versions', type.versions.map((v) => `v${v.version}`).join(', ')],
      ['Partition key', type.keyField ?? '—'],
      ['Tenant field', type.tenantField ?? '—'],
    ]),
    latest ? versionTable(type, latest) : null,
    ...older.map((v) => h('details', {}, h('summary', {}, `Fields of v${v.version}`), versionTable(type, v))),
  );
}

export class CatalogPanel extends Panel {
  async refresh(_range: Range, signal: AbortSignal): Promise<void> {
    const catalog = await getJson<EventCatalog>('/v1/event-catalog', {}, signal);
    const types = [...catalog.eventTypes].sort((a, b) => a.type.localeCompare(b.type));
    this.show([catalog.available, catalog.reason, types], () => {
      if (!catalog.available)
        return [h('p', { class: 'unavailable' }, `Unavailable: ${catalog.reason ?? 'no answer'}`)];
      if (types.length === 0) return [h('p', {}, 'The catalog has no event types.')];
      return [h('p', {}, `${types.length} event types.`), ...types.map(eventType)];
    });
  }
}
