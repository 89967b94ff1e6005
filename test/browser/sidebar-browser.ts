import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { ZAF_SDK_URL } from '../../src/apps/zendesk/sidebar-page';
import { ROOT } from '../helpers/test-service';

/**
 * Headless Chromium (playwright-core with the system's /usr/bin/chromium) opening the Zendesk sidebar
 * the way Zendesk does: a form POST of the signed token to /apps/zendesk/sidebar. The ZAF SDK is
 * replaced by zaf-stand-in.js, which records the page's get/set/invoke/on calls; every request that
 * is not to the service under test is aborted.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT = path.join(ROOT, 'test-output');
const STAND_IN = readFileSync(path.join(__dirname, 'zaf-stand-in.js'), 'utf8');

export interface ZafCall {
  kind: 'get' | 'set' | 'invoke' | 'on';
  name: string;
  arg: unknown;
}

export interface SidebarOptions {
  ticketId: string;
  user: { id: number; name: string; role: 'agent' | 'admin' };
  useRichText?: boolean;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/**
 * A page that records console errors and page errors, and reaches `origin` alone (any other request
 * is aborted, as a closed network would).
 */
export async function openCheckedPage(browser: Browser, origin: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  return { page, errors };
}

/** Closes a suite's browser, service and stand-ins, in that order (each may not have started). */
export async function closeSuite(...parts: ({ close(): Promise<unknown> } | { stop(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const part of parts) {
    if (!part) continue;
    await ('close' in part ? part.close() : part.stop());
  }
}

export class Sidebar {
  /** requests the page tried to make elsewhere than the service (aborted) */
  readonly blocked: string[] = [];

  private constructor(readonly page: Page) {}

  /** Opens the sidebar with a signed token, as Zendesk's iframe does, and waits for the page to settle. */
  static async open(browser: Browser, serviceUrl: string, token: string, options: SidebarOptions): Promise<Sidebar> {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    const sidebar = new Sidebar(page);
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === ZAF_SDK_URL) await route.fulfill({ status: 200, contentType: 'application/javascript', body: STAND_IN });
      else if (url.startsWith(serviceUrl) || url.startsWith('data:') || url === 'about:blank') await route.continue();
      else {
        sidebar.blocked.push(url);
        await route.abort();
      }
    });
    await page.addInitScript((config) => {
      (globalThis as any).__zafConfig = config;
    }, { ticketId: Number(options.ticketId), currentUser: options.user, useRichText: options.useRichText !== false });
    await page.setContent(`<form id="f" method="post" action="${serviceUrl}/apps/zendesk/sidebar"><input type="hidden" name="token" value="${token}"></form>`);
    await Promise.all([page.waitForURL(`${serviceUrl}/apps/zendesk/sidebar`), page.evaluate(() => (globalThis as any).document.getElementById('f').submit())]);
    await page.waitForSelector('#dp-decision, #dp-empty, #dp-load-error');
    return sidebar;
  }

  calls(): Promise<ZafCall[]> {
    return this.page.evaluate(() => (globalThis as any).__zaf.calls);
  }

  composer(): Promise<string> {
    return this.page.evaluate(() => (globalThis as any).__zaf.composer);
  }

  setComposer(text: string): Promise<void> {
    return this.page.evaluate((t) => (globalThis as any).__zaf.setComposer(t), text);
  }

  /** ticket.save then ticket.submit.done, as Zendesk fires them when the agent submits. */
  async submitTicket(): Promise<void> {
    const saved = await this.page.evaluate(() => (globalThis as any).__zaf.trigger('ticket.save'));
    if (saved !== true) throw new Error(`ticket.save answered ${JSON.stringify(saved)}, not true`);
    await this.page.evaluate(() => (globalThis as any).__zaf.trigger('ticket.submit.done'));
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
