import path from 'node:path';
import type { Browser } from 'playwright-core';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { startTestService, TestService } from '../helpers/test-service';
import { closeSuite, launchChromium, openCheckedPage, OUTPUT } from './sidebar-browser';

/**
 * The queue board (Bull Board) at /dashboard/queues in Chromium, on PostgreSQL + BullMQ: behind the
 * dashboard's sign-in, drawn from draftpilot's origin alone (no web font, no CDN), showing the thread
 * queue with the job a webhook made; read-only. In the embedded mode the page says there is no board.
 */
const TOKEN = 'test-admin-token-0123456789';
let browser: Browser;
jest.setTimeout(60_000);

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => closeSuite(browser));

describeWithPostgresAndRedis('the queue board on PostgreSQL + BullMQ', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ store: 'postgres', queue: 'bullmq' });
    expect((await t.postZendesk(zendeskComment({ ticketId: '5151', text: 'How long does delivery take?' }))).status).toBe(202);
    await t.waitIdle(30_000);
  }, 60_000);
  afterAll(() => closeSuite(t));

  it('redirects to the login without a sign-in, and after it shows the thread queue read-only', async () => {
    const res = await fetch(`${t.url}/dashboard/queues`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Fqueues');
    const { page, errors } = await openCheckedPage(browser, t.url);
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${t.url}/dashboard/login?next=%2Fdashboard%2Fqueues`);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard\/queues/), page.click('button[type=submit]')]);
    // the board's own API answers through the cookie: the queue is listed with its completed job
    await page.waitForSelector('text=threads', { timeout: 20_000 });
    expect(await page.locator('body').textContent()).toContain('draftpilot queue');
    await page.screenshot({ path: path.join(OUTPUT, 'queue-board.png'), fullPage: true });
    const api = await page.evaluate(async () => (await fetch('api/queues?activeQueue=threads&status=completed&page=1')).json());
    const queue = (api as { queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] }).queues.find((q) => q.name === 'threads')!;
    expect(queue.readOnlyMode).toBe(true);
    expect(queue.counts.completed).toBeGreaterThanOrEqual(1);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the queue board in the embedded mode', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({});
  });
  afterAll(() => closeSuite(t));

  it('says there is no BullMQ queue to show', async () => {
    const res = await fetch(`${t.url}/dashboard/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('The queue board shows the BullMQ queue of the PostgreSQL + Redis mode');
  });
});
