/**
 * What every panel of the dashboard is: something that fetches its figures for a range and
 * renders them into its section's body. A panel re-renders only when its figures changed, so
 * an open <details> or a reader's place in a table survives the refresh.
 */
import type { Range } from './api.js';
import { fill, h, type Child } from './dom.js';

export abstract class Panel {
  private shown = '';

  constructor(protected readonly body: HTMLElement) {}

  abstract refresh(range: Range, signal: AbortSignal): Promise<void>;

  /** Renders `children` unless `figures` (what they were made from) is what is shown already. */
  protected show(figures: unknown, render: () => Child[]): void {
    const key = JSON.stringify(figures);
    if (key === this.shown) return;
    this.shown = key;
    fill(this.body, ...render());
  }

  /** Shown in the panel when its figures could not be fetched; the other panels go on. */
  failed(message: string): void {
    this.shown = '';
    fill(this.body, h('p', { class: 'unavailable' }, `Unavailable: ${message}`));
  }
}
