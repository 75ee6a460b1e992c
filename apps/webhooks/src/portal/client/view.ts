/** What the router hands each view. */
import type { AdminApi } from './api.js';

export interface ViewContext {
  readonly api: AdminApi;
  /** The view's part of the page (inside <main>), empty when the view starts. */
  readonly root: HTMLElement;
  /** Aborted when the operator leaves the view: pending requests and polling stop. */
  readonly signal: AbortSignal;
  /** Path parameters (`:id`) of the route. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export type View = (context: ViewContext) => Promise<void>;

/** Resolves after `ms`, or at once when `signal` aborts (then the caller checks `signal.aborted`). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
