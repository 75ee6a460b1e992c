/**
 * Building the page from data that is not ours: event types, descriptions, owners, field docs,
 * group values and consumer-group names are written by other people. Every text goes in as a
 * text node and every attribute through setAttribute with a fixed name; nothing here parses HTML.
 */

export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces everything inside `parent`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

export interface Column<R> {
  readonly label: string;
  readonly numeric?: boolean;
  readonly cell: (row: R) => Child;
}

/** A table with a caption, a header row and one row per item; numeric columns right-aligned. */
export function table<R>(
  caption: string,
  columns: ReadonlyArray<Column<R>>,
  rows: readonly R[],
  id?: string,
): HTMLTableElement {
  const cls = (c: Column<R>) => (c.numeric === true ? 'num' : undefined);
  return h(
    'table',
    { id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: cls(c) }, c.label)))),
    h(
      'tbody',
      {},
      ...rows.map((row) => h('tr', {}, ...columns.map((c) => h('td', { class: cls(c) }, c.cell(row))))),
    ),
  );
}

export function facts(pairs: ReadonlyArray<readonly [string, Child]>): HTMLDListElement {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of pairs) list.append(h('dt', {}, label), h('dd', {}, value));
  return list;
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

export function amount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : decimal.format(value);
}

export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${decimal.format(value)} ms`;
}

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`;
}
