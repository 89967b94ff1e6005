import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { mintAppSession } from '../../src/apps/app-session';
import { seedReportWeek, WEEK } from '../helpers/report-fixture';
import { ROOT, startTestService, TestService } from '../helpers/test-service';
import { ZendeskAppKeys } from '../helpers/zendesk-app-keys';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { closeSuite, launchChromium, openCheckedPage, OUTPUT } from './sidebar-browser';

/**
 * The dashboard as the Zendesk app's navigation-bar location, in headless Chromium: Zendesk's signed
 * first load (a form POST with the token, as Zendesk sends it), Zendesk asked whether the user is an
 * admin, the overview and the report pages of the admin's own account only, navigated by form POSTs
 * carrying the app session (no cookie), and agents, forged and expired sessions refused.
 */
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
const ZENDESK_TOKEN = 'zd-stand-in-token';
const ALICE = 9000000123; // an agent
const ADA = 9000000789; // an admin
const NOW = new Date('2026-11-26T12:00:00Z'); // Thursday of the seeded week 2026-W48
const standIn = new ZendeskStandIn({ botUserId: 9000000001, token: ZENDESK_TOKEN, articles: [] });
let app: ZendeskAppKeys;
let t: TestService;
let browser: Browser;
jest.setTimeout(60_000);

beforeAll(async () => {
  app = await ZendeskAppKeys.create();
  standIn.appKey = app.appKey;
  await standIn.start();
  standIn.users.set(String(ADA), 'admin');
  t = await startTestService({ now: () => NOW, env: { ZENDESK_ACCESS_TOKEN: ZENDESK_TOKEN, ZENDESK_BASE_URL: standIn.baseUrl, ZENDESK_APP_ID: app.appId } });
  // a week of drafts, reviews and handoffs for zendesk:acme and intercom:ws1
  await seedReportWeek(t.service.store.db);
  browser = await launchChromium();
}, 60_000);
afterAll(() => closeSuite(browser, t, standIn));

const openPage = () => openCheckedPage(browser, t.url);

/** What Zendesk does when the app's icon is clicked: POST the location URL with a signed token. */
async function zendeskLoad(page: Page, userId: number): Promise<void> {
  const token = await app.sign(NOW, { sub: String(userId) });
  await page.setContent(`<form method="post" action="${t.url}/apps/zendesk/dashboard"><input type="hidden" name="token" value="${token}"></form>`);
  await Promise.all([page.waitForURL(`${t.url}/apps/zendesk/dashboard`), page.evaluate('document.forms[0].submit()')]);
}

const api = async (p: string) => (await fetch(`${t.url}${p}`, { headers: ADMIN })).json() as Promise<any>;
const post = (p: string, form: Record<string, string>) => fetch(`${t.url}${p}`, { method: 'POST', body: new URLSearchParams(form) });

describe('the dashboard in Zendesk’s navigation bar', () => {
  it('opens for an admin on the signed load, shows their account only, and navigates by posting the session', async () => {
    const { page, errors } = await openPage();
    await zendeskLoad(page, ADA);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    expect(await page.locator('header').textContent()).toContain('zendesk:acme');
    // one account: no tenant picker, and no sign-out (the session ends with Zendesk's frame)
    expect(await page.locator('select#tenant').count()).toBe(0);
    expect(await page.locator('text=Sign out').count()).toBe(0);
    // every chart is a drawn SVG (the seeded week has drafts of each decision)
    const charts = page.locator('figure svg');
    expect(await charts.count()).toBeGreaterThan(0);
    for (const svg of await charts.all()) expect(await svg.locator('path, rect').count()).toBeGreaterThan(1);
    // the decision mix counts acme's drafts of the week, not intercom:ws1's
    const acmeDrafts = await t.service.store.db.selectFrom('drafts').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant', '=', 'zendesk:acme').executeTakeFirstOrThrow();
    const allDrafts = await t.service.store.db.selectFrom('drafts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(acmeDrafts.n)).toBeLessThan(Number(allDrafts.n));
    const totals = await page.locator('section[aria-labelledby="decisions"] tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.lastElementChild?.textContent)));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(Number(acmeDrafts.n));
    await page.screenshot({ path: path.join(OUTPUT, 'zendesk-nav-bar-overview.png'), fullPage: true });
    mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    copyFileSync(path.join(OUTPUT, 'zendesk-nav-bar-overview.png'), path.join(ROOT, 'docs/images/zendesk-nav-bar-dashboard.png'));

    // the navigation is a form POST with the session: the Unanswered page, for acme
    await Promise.all([page.waitForURL(`${t.url}/apps/zendesk/dashboard/reports/unanswered`), page.click('header nav button:has-text("Unanswered")')]);
    expect(await page.locator('h1').textContent()).toBe(`Unanswered questions, ${WEEK}`);
    const acme = await api(`/api/reports/unanswered?week=${WEEK}&tenant=zendesk:acme`);
    const all = await api(`/api/reports/unanswered?week=${WEEK}`);
    expect(acme.escalations).toBeLessThan(all.escalations);
    expect(await page.textContent('section[aria-labelledby="clusters"]')).toContain(`${acme.escalations} escalations for a missing article or low confidence on ${acme.tickets} tickets`);
    // the week filter posts too; another week has nothing
    await page.fill('#week', '2026-W40');
    await Promise.all([page.waitForLoadState('load'), page.click('form.filters button[type=submit]')]);
    expect(await page.locator('h1').textContent()).toBe('Unanswered questions, 2026-W40');
    await Promise.all([page.waitForURL(`${t.url}/apps/zendesk/dashboard/reports/readiness`), page.click('header nav button:has-text("Readiness")')]);
    expect(await page.locator('h1').textContent()).toBe(`Category readiness, ${WEEK}`);
    expect(await page.locator('main').textContent()).not.toContain('intercom:ws1');
    // keyboard: the navigation's buttons are reachable with Tab
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.tagName')).toBe('BUTTON');
    // nothing was kept in a cookie: a cookie of draftpilot's would be a third-party one in Zendesk's frame
    expect(await page.context().cookies()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses an agent with 403, on Zendesk’s word', async () => {
    const { page, errors } = await openPage();
    const token = await app.sign(NOW, { sub: String(ALICE) });
    await page.setContent(`<form method="post" action="${t.url}/apps/zendesk/dashboard"><input type="hidden" name="token" value="${token}"></form>`);
    const [response] = await Promise.all([page.waitForResponse(`${t.url}/apps/zendesk/dashboard`), page.evaluate('document.forms[0].submit()')]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState('load');
    expect(await page.textContent('[role=alert]')).toBe('the draftpilot dashboard is for Zendesk admins; Zendesk does not report this user as an admin');
    expect(errors).toEqual([expect.stringContaining('403')]);
    await page.close();
  });

  it('refuses a GET, a bad token, a forged or expired session, and an agent’s sidebar session; ignores a posted tenant', async () => {
    const get = await fetch(`${t.url}/apps/zendesk/dashboard`);
    expect(get.status).toBe(401);
    expect(get.headers.get('content-security-policy')).toContain('frame-ancestors \'self\' https://*.zendesk.com');
    expect(await get.text()).toContain('navigation bar');
    expect((await post('/apps/zendesk/dashboard', { token: 'not.a.jwt' })).status).toBe(401);
    expect((await post('/apps/zendesk/dashboard', {})).status).toBe(401);
    const secret = t.config.appSession.secret;
    const forged = await mintAppSession({ tenant: 'zendesk:acme', provider: 'zendesk', agentId: String(ADA), admin: true }, 'another-secret-of-at-least-32-chars!!', 3600, NOW);
    expect((await post('/apps/zendesk/dashboard', { session: forged })).status).toBe(401);
    const expired = await mintAppSession({ tenant: 'zendesk:acme', provider: 'zendesk', agentId: String(ADA), admin: true }, secret, 60, new Date(NOW.getTime() - 3_600_000));
    const late = await post('/apps/zendesk/dashboard/reports/handoff', { session: expired });
    expect(late.status).toBe(401);
    expect(await late.text()).toContain('open draftpilot from the navigation bar again');
    const agent = await mintAppSession({ tenant: 'zendesk:acme', provider: 'zendesk', agentId: String(ALICE) }, secret, 3600, NOW);
    expect((await post('/apps/zendesk/dashboard', { session: agent })).status).toBe(403);
    const admin = await mintAppSession({ tenant: 'zendesk:acme', provider: 'zendesk', agentId: String(ADA), admin: true }, secret, 3600, NOW);
    const other = await post('/apps/zendesk/dashboard/reports/unanswered', { session: admin, tenant: 'intercom:ws1', week: WEEK });
    expect(other.status).toBe(200);
    const html = await other.text();
    const acme = await api(`/api/reports/unanswered?week=${WEEK}&tenant=zendesk:acme`);
    expect(html).toContain(`${acme.escalations} escalations for a missing article`);
    expect(html).not.toContain('intercom:ws1');
    const bad = await post('/apps/zendesk/dashboard/reports/unanswered', { session: admin, week: '2026-48' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('week: expected YYYY-Www');
  });
});
