/**
 * Headless Chromium for the tests of the apps' pages: Debian's `chromium` driven by
 * playwright-core (no browser download), a page that records every console error, uncaught
 * exception and Content-Security-Policy violation, an axe-core accessibility check, and
 * screenshots into a folder of test-artifacts/. playwright-core and axe-core are loaded on first
 * use, so importing @app/testing stays cheap for the tests that drive no browser.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the page tests drive Debian's chromium (apt-get install -y chromium)`,
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

interface AxeResult {
  readonly violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>;
}

/** A page whose console errors, uncaught errors and policy violations land in `problems`. */
export class WatchedPage {
  readonly problems: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly artifacts: string,
  ) {}

  /** `artifacts`: the folder screenshots go to (created). */
  static async open(browser: Browser, artifacts: string): Promise<WatchedPage> {
    await mkdir(artifacts, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    const watched = new WatchedPage(context, page, artifacts);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'assert') {
        watched.problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
    // Violations are logged by Chromium too; the event also names what was blocked.
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));",
    );
    return watched;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(this.artifacts, `${name}.png`), fullPage: true });
  }

  /**
   * axe-core's WCAG 2 A/AA rules on the page as it is now; returns the violations, each as
   * "rule: target (help)". axe is evaluated through the DevTools protocol, which the page's policy
   * does not govern, so the page runs under its real policy.
   */
  async accessibilityViolations(): Promise<string[]> {
    if (!(await this.page.evaluate<boolean>("'axe' in window"))) {
      await this.page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
    }
    const result = await this.page.evaluate<AxeResult>(
      "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })" +
        '.then((r) => ({ violations: r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })) }))',
    );
    return result.violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')} (${v.help})`,
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
