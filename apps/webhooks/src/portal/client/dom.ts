/**
 * Building the page from data that is not ours: endpoint descriptions, metadata, response bodies
 * and headers are written by whoever controls a receiver or an endpoint. Every text goes in as a
 * text node and every attribute through setAttribute with a fixed name; nothing here parses
 * HTML, and links are built only to the portal's own routes.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'href') throw new Error('links are made with route()');
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A link to one of the portal's routes: `#/` and path segments, each percent-encoded. */
export function route(
  segments: readonly string[],
  text: Child,
  query?: Readonly<Record<string, string | undefined>>,
): HTMLAnchorElement {
  const anchor = document.createElement('a');
  anchor.setAttribute('href', routeHref(segments, query));
  append(anchor, text);
  return anchor;
}

export function routeHref(
  segments: readonly string[],
  query?: Readonly<Record<string, string | undefined>>,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(name, value);
  }
  const encoded = search.toString();
  const tail = encoded === '' ? '' : `?${encoded}`;
  return `#/${segments.map(encodeURIComponent).join('/')}${tail}`;
}

export function button(
  label: string,
  onClick: (button: HTMLButtonElement) => void,
  attributes: Attributes = {},
): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', () => onClick(element));
  return element;
}

export function heading(level: 2 | 3, text: Child, ...more: Child[]): HTMLHeadingElement {
  // Focusable by script (not by Tab), so a new view can take the focus to its title.
  return h(level === 2 ? 'h2' : 'h3', level === 2 ? { tabindex: -1 } : {}, text, ...more);
}

/** `<dl>` of label → value pairs; a value of undefined leaves its pair out. */
export function facts(pairs: ReadonlyArray<readonly [string, Child | Child[]]>): HTMLDListElement {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of pairs) {
    if (value === undefined) continue;
    append(list, h('dt', {}, label), h('dd', {}, ...(Array.isArray(value) ? value : [value])));
  }
  return list;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted';

export function badge(text: string, tone: Tone): HTMLSpanElement {
  return h('span', { class: `badge ${tone}` }, text);
}

export function time(iso: string | null | undefined): Child {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

export function milliseconds(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} ms`;
}
