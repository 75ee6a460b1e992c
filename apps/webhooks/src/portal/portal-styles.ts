/**
 * The portal's stylesheet, served as /portal/portal.css (a file of its own: the policy allows no
 * inline style). Plain CSS, system fonts, contrast above WCAG AA, and a focus ring on everything
 * that takes focus.
 */
export const PORTAL_CSS = `
:root {
  --ink: #1b1f24; --muted: #4f5965; --line: #c9d1da; --paper: #ffffff; --wash: #f3f5f8;
  --accent: #1f4e8c; --accent-ink: #ffffff; --ok: #1d6b33; --bad: #a1260d; --warn: #7a5200;
  --focus: #c94f00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--wash); line-height: 1.45;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus { outline: none; }
.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.25rem; background: var(--accent); }
.top a, .top .brand a { color: var(--accent-ink); }
.top .brand { margin: 0; font-weight: 700; }
.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.top #sign-out { margin-left: auto; }
.status { min-height: 1.6rem; padding: .2rem 1.25rem; font-size: .95rem; }
.status.error { color: var(--bad); font-weight: 600; }
main { max-width: 76rem; margin: 0 auto; padding: .5rem 1.25rem 3rem; }
h1, h2, h3 { line-height: 1.2; }
h2 { font-size: 1.4rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 0 1rem; }
section.panel, details.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem 1rem; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; background: var(--paper); font-size: .93rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--wash); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.wrap { overflow-wrap: anywhere; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
pre { background: var(--wash); border: 1px solid var(--line); padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 22rem; overflow: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
form.stack { display: grid; gap: .75rem; max-width: 44rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
.field { display: grid; gap: .2rem; }
.field.check { display: flex; gap: .5rem; align-items: center; }
label { font-weight: 600; }
.hint { color: var(--muted); font-size: .85rem; }
.field-error { color: var(--bad); font-size: .88rem; }
input, select, textarea, button { font: inherit; }
input[type=text], input[type=url], input[type=password], input[type=number], input[type=datetime-local], select, textarea {
  padding: .35rem .5rem; border: 1px solid #7b8794; border-radius: 4px; background: var(--paper); color: var(--ink); min-width: 14rem;
  min-height: 2.3rem;
}
button { min-height: 2.3rem; }
textarea { min-height: 4.5rem; }
[aria-invalid=true] { border-color: var(--bad); border-width: 2px; }
button { padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; }
button.secondary { background: var(--paper); color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .6; cursor: default; }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin: .75rem 0; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.warn { color: var(--warn); } .badge.muted { color: var(--muted); }
.secret { border: 2px solid var(--warn); background: #fff8e6; }
.secret input { width: 100%; font-family: ui-monospace, monospace; }
.alert { color: var(--bad); border-left: 4px solid var(--bad); padding: .3rem .7rem; background: #fdf0ed; }
.alert ul { margin: .3rem 0 0; padding-left: 1.2rem; }
details.panel { padding: .6rem 1rem; }
details.panel > summary { cursor: pointer; }
details.panel > summary h4 { display: inline; margin: 0; }
progress { width: 16rem; height: 1rem; }
dialog { border: 1px solid var(--line); border-radius: 6px; max-width: 32rem; }
dialog::backdrop { background: rgba(0, 0, 0, .35); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
