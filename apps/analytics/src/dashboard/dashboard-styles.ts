/**
 * The dashboard's stylesheet, served as /dashboard/dashboard.css (the policy allows no inline
 * style). Plain CSS, system fonts, contrast above WCAG AA, a focus ring on everything that takes
 * focus; uPlot's own stylesheet is served beside it.
 */
export const DASHBOARD_CSS = `
:root {
  --ink: #1b1f24; --muted: #4f5965; --line: #c9d1da; --paper: #ffffff; --wash: #f3f5f8;
  --accent: #1f4e8c; --accent-ink: #ffffff; --ok: #1d6b33; --bad: #a1260d; --focus: #c94f00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--wash); line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.top { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; padding: .6rem 1.25rem; background: var(--accent); color: var(--accent-ink); }
.top h1 { font-size: 1.25rem; margin: 0; }
.controls { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; }
.controls label { font-weight: 600; }
.controls select, .controls button { font: inherit; padding: .25rem .5rem; border-radius: 4px; border: 1px solid var(--line); background: var(--paper); color: var(--ink); }
.controls button { cursor: pointer; }
.updated { font-size: .9rem; }
.status { min-height: 1.6rem; padding: .2rem 1.25rem; font-size: .95rem; }
.status.error { color: var(--bad); font-weight: 600; }
main { max-width: 80rem; margin: 0 auto; padding: .25rem 1.25rem 3rem; }
h2 { font-size: 1.3rem; margin: .6rem 0 .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
section.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem 1rem; margin: 1rem 0; }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 .6rem; }
.unavailable { color: var(--bad); font-weight: 600; }
figure.chart { margin: .5rem 0 1rem; min-height: 240px; }
figure.chart figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; margin: .4rem 0 .8rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--wash); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.wrap { overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details { border-top: 1px solid var(--line); padding: .4rem 0; }
details > summary { cursor: pointer; font-weight: 600; }
.ok { color: var(--ok); }
.bad { color: var(--bad); }
`;
