/**
 * What the portal's browser tests need beside the pipeline kit and @app/testing's WatchedPage:
 * where screenshots go (test-artifacts/portal/), a few reads of the page's state, and a loopback
 * receiver whose answers (status, headers, body) the test scripts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '@app/config';
import { waitFor } from '@app/testing';

export const ARTIFACTS = join(projectRoot(), 'test-artifacts', 'portal');

/** The element that has the focus, and whether its focus ring shows. */
export function focused(page: Page): Promise<{ id: string; tag: string; text: string; outline: string }> {
  // Browser code as text: this program is typed for Node, without the DOM library.
  return page.evaluate(`(() => {
    const element = document.activeElement;
    return {
      id: element?.id ?? '',
      tag: element?.tagName ?? '',
      text: element?.textContent?.trim() ?? '',
      outline: element === null ? '' : getComputedStyle(element).outlineStyle,
    };
  })()`);
}

/** What the page reads from the clipboard (the context must grant clipboard-read). */
export function clipboardText(page: Page): Promise<string> {
  return page.evaluate<string>('navigator.clipboard.readText()');
}

/** A page-global value (`window[name]`), to see that no hostile markup ran. */
export function pageGlobal(page: Page, name: string): Promise<unknown> {
  return page.evaluate<unknown>(`window[${JSON.stringify(name)}]`);
}

export function sessionStorageLength(page: Page): Promise<number> {
  return page.evaluate<number>('sessionStorage.length');
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A loopback receiver answering `answer` (204 by default) and recording each request. */
export class ScriptedReceiver {
  readonly requests: Received[] = [];
  answer: ScriptedAnswer = { status: 204 };
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.answer.status, this.answer.headers).end(this.answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** The request carrying event `eventId` (its webhook-id), once it arrived. */
  async received(eventId: string, timeoutMs = 30_000): Promise<Received> {
    return waitFor(() => this.requests.find((r) => r.headers['webhook-id'] === eventId), {
      timeoutMs,
      description: `a delivery of event ${eventId}`,
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
