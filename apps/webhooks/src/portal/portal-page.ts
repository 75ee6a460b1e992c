/**
 * What the portal serves besides its stylesheet and compiled scripts: the page shell (no data:
 * everything comes from the admin API once the operator has signed in with the admin token) and
 * the icon. The shell loads nothing inline, as @app/platform's BROWSER_PAGE_CSP requires; its
 * `form-action 'none'` also means a form can never be submitted by the browser itself (the forms
 * are handled by script; should a script fail, no form can put the token in a URL).
 */

/** Where the compiled scripts are served (portal.module.ts) and where the page loads them from. */
export const ASSET_PREFIX = '/portal/';

export const PORTAL_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Herald webhooks</title>
    <link rel="icon" href="${ASSET_PREFIX}favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="${ASSET_PREFIX}portal.css">
    <script type="module" src="${ASSET_PREFIX}main.js"></script>
  </head>
  <body>
    <header class="top">
      <p class="brand"><a href="#/">Herald webhooks</a></p>
      <nav id="nav" aria-label="Portal" hidden>
        <ul>
          <li><a href="#/">Endpoints</a></li>
          <li><a href="#/deliveries">Deliveries</a></li>
        </ul>
      </nav>
      <button type="button" id="sign-out" hidden>Sign out</button>
    </header>
    <div id="status" class="status" role="status" aria-live="polite" aria-atomic="true"></div>
    <main id="main" tabindex="-1">
      <noscript>The portal needs JavaScript; the admin API is documented at <a href="/docs">/docs</a>.</noscript>
    </main>
  </body>
</html>
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f4e8c"/><path d="M4 4v8M12 4v8M4 8h8" stroke="#fff" stroke-width="2"/></svg>
`;
