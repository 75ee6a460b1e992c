/**
 * The dashboard's page shell: headings and empty panels, no data (the scripts fill the panels
 * from the analytics API and refresh them). Its scripts and styles are files of their own under
 * /dashboard/, since the policy (BROWSER_PAGE_CSP) allows nothing inline.
 */

/** Where the dashboard's assets are served (dashboard.module.ts) and where the page loads them from. */
export const ASSET_PREFIX = '/dashboard/';

const panel = (id: string, title: string, intro: string): string => `
      <section class="panel" id="${id}" aria-labelledby="${id}-title">
        <h2 id="${id}-title">${title}</h2>
        <p class="hint">${intro}</p>
        <div class="body" id="${id}-body"><p class="hint">Loading…</p></div>
      </section>`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Herald analytics</title>
    <link rel="icon" href="${ASSET_PREFIX}favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="${ASSET_PREFIX}uplot.css">
    <link rel="stylesheet" href="${ASSET_PREFIX}dashboard.css">
    <script type="module" src="${ASSET_PREFIX}main.js"></script>
  </head>
  <body>
    <header class="top">
      <h1>Herald analytics</h1>
      <div id="controls" class="controls" role="group" aria-label="Dashboard controls">
        <label for="range">Range</label>
        <select id="range" name="range">
          <option value="hour">Last hour, per minute</option>
          <option value="day">Last 24 hours, per hour</option>
        </select>
        <button type="button" id="live" aria-pressed="true">Pause live updates</button>
        <span id="updated" class="updated"></span>
      </div>
    </header>
    <div id="status" class="status" role="status" aria-live="polite" aria-atomic="true"></div>
    <main id="main">
      <noscript>The dashboard needs JavaScript; the same figures are in the API, documented at <a href="/docs">/docs</a>.</noscript>
      ${panel('throughput', 'Throughput', 'On-time events per interval of each event type, by event time.')}
      ${panel('metrics', 'Metrics', 'The metrics declared in the metrics file, one line per group.')}
      ${panel('latency', 'End-to-end latency', 'From event time to counted, in milliseconds, per event type.')}
      ${panel('lag', 'Consumer lag', 'Records not yet consumed, per consumer group, from Kafka.')}
      ${panel('webhooks', 'Webhook delivery', 'Deliveries of the webhooks app over the last 24 hours.')}
      ${panel('catalog', 'Event catalog', 'The event types, their owners, documentation and fields.')}
    </main>
  </body>
</html>
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f4e8c"/><path d="M3 12l3-4 3 2 4-6" stroke="#fff" stroke-width="2" fill="none"/></svg>
`;
