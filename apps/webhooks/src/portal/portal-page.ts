/**
 * What the portal serves besides its compiled scripts: the page shell (no data: everything comes
 * from the admin API once the operator has signed in with the admin token), the icon, and the
 * headers every portal response carries. The policy allows scripts, styles and fetches from this
 * origin only: no inline script or style, no eval, no frames, and no form submission at all (the
 * forms are handled by script; should a script fail, a form must not put the token in a URL).
 */

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PORTAL_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidated on each load, so a new build is picked up at once (the files are small).
  'cache-control': 'no-cache',
};

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
