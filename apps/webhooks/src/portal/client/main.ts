/**
 * The portal's entry module: the sign-in gate and a hash router (`#/endpoints/<id>`, ...: ids and
 * filters, never the token) over the views. Leaving a view aborts its requests and polling; a
 * new view takes the focus to its title, so keyboard and screen-reader users land on it.
 */
import { AdminApi, isAbort } from './api.js';
import { deliveriesView } from './deliveries-view.js';
import { deliveryView } from './delivery-view.js';
import { fill, h, heading, route } from './dom.js';
import { createEndpointView } from './endpoint-create-view.js';
import { endpointView } from './endpoint-view.js';
import { endpointsView } from './endpoints-view.js';
import { forgetToken, storedToken } from './session.js';
import { signInView } from './sign-in-view.js';
import { announceAfterNavigation, describeError, resetStatus } from './ui.js';
import type { View } from './view.js';

const ROUTES: ReadonlyArray<readonly [readonly string[], View]> = [
  [[], endpointsView],
  [['endpoints', 'new'], createEndpointView],
  [['endpoints', ':id'], endpointView],
  [['deliveries'], deliveriesView],
  [['deliveries', ':id'], deliveryView],
];

let current: AbortController | undefined;

function location(): { segments: string[]; query: URLSearchParams } | undefined {
  const hash = window.location.hash.startsWith('#/') ? window.location.hash.slice(2) : '';
  const mark = hash.indexOf('?');
  const path = mark === -1 ? hash : hash.slice(0, mark);
  try {
    const segments = path
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent);
    return { segments, query: new URLSearchParams(mark === -1 ? '' : hash.slice(mark + 1)) };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

function match(segments: readonly string[]): { view: View; params: Record<string, string> } | undefined {
  for (const [pattern, view] of ROUTES) {
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      return part.startsWith(':') || part === segment;
    });
    if (matches) return { view, params };
  }
  return undefined;
}

function setSignedIn(signedIn: boolean): void {
  for (const id of ['nav', 'sign-out']) {
    const element = document.getElementById(id);
    if (element !== null) element.hidden = !signedIn;
  }
}

function tokenRefused(): void {
  forgetToken();
  announceAfterNavigation('The admin token was refused (401): sign in again.', 'error');
  void show();
}

async function show(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const main = document.getElementById('main');
  if (main === null) return;
  resetStatus();
  const token = storedToken();
  setSignedIn(token !== undefined);
  if (token === undefined) {
    signInView(main, () => void show());
    return;
  }
  const root = h('div');
  fill(main, root);
  const here = location();
  const found = here === undefined ? undefined : match(here.segments);
  if (here === undefined || found === undefined) {
    fill(root, heading(2, 'Not found'), h('p', {}, 'The portal has no such page. '), route([], 'Endpoints'));
  } else {
    try {
      await found.view({
        api: new AdminApi(token, tokenRefused),
        root,
        signal: controller.signal,
        params: found.params,
        query: here.query,
      });
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      fill(
        root,
        heading(2, 'This page could not be loaded'),
        h('p', { class: 'alert' }, describeError(error)),
      );
    }
  }
  if (!controller.signal.aborted) root.querySelector<HTMLElement>('h2')?.focus();
}

document.getElementById('sign-out')?.addEventListener('click', () => {
  forgetToken();
  announceAfterNavigation('Signed out: the admin token is forgotten.');
  if (window.location.hash === '' || window.location.hash === '#/') void show();
  else window.location.hash = '#/';
});
window.addEventListener('hashchange', () => void show());
void show();
