/**
 * The dashboard's entry module: finds the panels of the page shell, refreshes them every few
 * seconds (the catalog every minute) for the chosen range, and lets the reader pause the updates
 * (WCAG 2.2.2) or change the range. A panel whose figures cannot be fetched says so in its place;
 * the others go on. Refreshes do not overlap; a hidden tab does not poll.
 */
import { rangeOf } from './api.js';
import { CatalogPanel } from './catalog-panel.js';
import { LagPanel } from './lag-panel.js';
import { LatencyPanel } from './latency-panel.js';
import { MetricsPanel } from './metrics-panel.js';
import type { Panel } from './panel.js';
import { ThroughputPanel } from './throughput-panel.js';
import { WebhooksPanel } from './webhooks-panel.js';

const REFRESH_MS = 5_000;
const CATALOG_EVERY = 12; // refreshes: once a minute

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
};

const body = (id: string): HTMLElement => element(`${id}-body`);

const panels: Panel[] = [
  new ThroughputPanel(body('throughput')),
  new MetricsPanel(body('metrics')),
  new LatencyPanel(body('latency')),
  new LagPanel(body('lag')),
  new WebhooksPanel(body('webhooks')),
];
const catalog = new CatalogPanel(body('catalog'));

const rangeSelect = element<HTMLSelectElement>('range');
const liveButton = element<HTMLButtonElement>('live');
const updated = element<HTMLElement>('updated');

let live = true;
let round = 0;
let running: AbortController | undefined;
let timer: number | undefined;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function refresh(): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const range = rangeOf(rangeSelect.value);
  const due = round % CATALOG_EVERY === 0 ? [...panels, catalog] : panels;
  round += 1;
  await Promise.all(
    due.map((panel) =>
      panel.refresh(range, controller.signal).catch((error: unknown) => {
        if (!controller.signal.aborted) panel.failed(describe(error));
      }),
    ),
  );
  if (!controller.signal.aborted) updated.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
}

function schedule(): void {
  window.clearTimeout(timer);
  if (!live) return;
  timer = window.setTimeout(() => {
    if (document.hidden) return schedule();
    void refresh().finally(schedule);
  }, REFRESH_MS);
}

liveButton.addEventListener('click', () => {
  live = !live;
  liveButton.setAttribute('aria-pressed', String(live));
  liveButton.textContent = live ? 'Pause live updates' : 'Resume live updates';
  element('status').textContent = live ? 'Live updates resumed.' : 'Live updates paused.';
  if (live) void refresh().finally(schedule);
  else window.clearTimeout(timer);
});

rangeSelect.addEventListener('change', () => {
  void refresh().finally(schedule);
});

void refresh().finally(schedule);
