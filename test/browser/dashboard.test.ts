import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { zendeskComment } from '../helpers/fixtures';
import { hasPostgres } from '../helpers/services';
import { ROOT, startTestService, TestService } from '../helpers/test-service';
import { launchChromium, openCheckedPage, OUTPUT } from './sidebar-browser';

/**
 * The admin dashboard through the running service: refused without a sign-in (a redirect to the login
 * form for pages), signed in through the form in headless Chromium (a Secure, HttpOnly, SameSite=Strict
 * cookie), and the overview drawn from seeded drafts and reviews: every chart a non-empty SVG with its
 * table, no console error, reachable by keyboard. Screenshots go to test-output/.
 */
const TOKEN = 'test-admin-token-0123456789';
const NOW = new Date('2026-12-02T12:00:00Z'); // Wednesday of 2026-W49
const stores = (['pglite', 'postgres'] as const).filter((s) => s === 'pglite' || hasPostgres || process.env.CI);
let browser: Browser;
jest.setTimeout(60_000);

const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

/** Drafts over three weeks with known decisions, and reviews with known actions. */
async function seed(t: TestService): Promise<void> {
  const db = t.service.store.db;
  const drafts: { id: string; decision: string; category: string; reasons: string[]; at: Date }[] = [];
  const add = (n: number, decision: string, category: string, reasons: string[], at: Date) => {
    for (let i = 0; i < n; i++) drafts.push({ id: `d_${drafts.length}`, decision, category, reasons, at });
  };
  add(4, 'review', 'shipping', [], day(15)); // 2026-W47
  add(2, 'escalate', 'returns', ['account_access'], day(15));
  add(5, 'review', 'shipping', [], day(8)); // 2026-W48
  add(1, 'escalate', 'orders', ['missing_source', 'negative_sentiment'], day(8));
  add(3, 'autopilot', 'shipping', [], day(1)); // 2026-W49
  add(2, 'review', 'returns', [], day(1));
  await db
    .insertInto('drafts')
    .values(
      drafts.map((d, i) => ({
        id: d.id,
        tenant: 'zendesk:acme',
        provider: 'zendesk',
        thread_id: `t${i}`,
        message_id: `m${i}`,
        requester_id: null,
        decision: d.decision,
        category: d.category,
        intent: 'question',
        confidence: 0.7,
        sentiment: JSON.stringify({ label: 'neutral', score: 0 }),
        reasons: JSON.stringify(d.reasons),
        sources: '[]',
        draft: d.decision === 'escalate' ? null : 'A draft.',
        brief: '{}',
        guard: '[]',
        model: 'offline',
        usage: null,
        created_at: d.at,
      })),
    )
    .execute();
  // W47: shipping 3 approve + 1 edit; W48: shipping 2 approve, 2 edit, 1 reject; W49: returns 1 approve, 1 reject
  const actions: [string, string, Date][] = [
    ['d_0', 'approve', day(14)], ['d_1', 'approve', day(14)], ['d_2', 'approve', day(14)], ['d_3', 'edit', day(14)],
    ['d_6', 'approve', day(7)], ['d_7', 'approve', day(7)], ['d_8', 'edit', day(7)], ['d_9', 'edit', day(7)], ['d_10', 'reject', day(7)],
    ['d_15', 'approve', day(1)], ['d_16', 'reject', day(1)],
  ];
  await db
    .insertInto('reviews')
    .values(
      actions.map(([draft, action, at], i) => ({
        id: `r_${i}`, draft_id: draft, tenant: 'zendesk:acme', provider: 'zendesk', action, reason: action === 'reject' ? 'wrong_information' : null,
        text: null, sent_text: null, agent_id: '7001', agent_name: 'Ann Agent', draft_version: null, edit_distance: action === 'edit' ? 12 : null, seconds_to_review: 60, source: 'api', created_at: at,
      })),
    )
    .execute();
}

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** The cells of a section's table, row by row. */
function cells(page: Page, section: string): Promise<(string | null)[][]> {
  return page.locator(`section[aria-labelledby="${section}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
}

describe.each(stores)('the dashboard on %s', (store) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ store, now: () => NOW });
    await seed(t);
    // one real webhook, so the queue has a delivery to show
    expect((await t.postZendesk(zendeskComment({ ticketId: '4242', text: 'How long does delivery take?' }), { at: NOW })).status).toBe(202);
    await t.waitIdle();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const openPage = () => openCheckedPage(browser, t.url);

  describe('dashboard access', () => {
    it('redirects a page asked for without a sign-in to the login form, and refuses a wrong bearer', async () => {
      const res = await fetch(`${t.url}/dashboard?weeks=4`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%3Fweeks%3D4');
      const wrong = await fetch(`${t.url}/dashboard`, { headers: { authorization: 'Bearer nope' }, redirect: 'manual' });
      expect(wrong.status).toBe(401);
      const forged = await fetch(`${t.url}/dashboard`, { headers: { cookie: 'draftpilot_dashboard=eyJhbGciOiJIUzI1NiJ9.e30.x' }, redirect: 'manual' });
      expect(forged.status).toBe(303);
    });

    it('serves the overview to the admin token as a bearer, with no script allowed', async () => {
      const res = await fetch(`${t.url}/dashboard`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).not.toContain('<script');
      expect(html.match(/<svg /g)?.length).toBe(5);
    });

    it('answers a bad filter with 422 and what to fix', async () => {
      const res = await fetch(`${t.url}/dashboard?weeks=99`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('weeks must be from 1 to 52');
    });

    it('signs in through the form, sets a Secure HttpOnly SameSite=Strict cookie, and signs out', async () => {
      const { page, errors } = await openPage();
      await page.goto(`${t.url}/dashboard`);
      expect(new URL(page.url()).pathname).toBe('/dashboard/login');
      await page.fill('#token', 'not-the-token');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
      expect(await page.textContent('[role=alert]')).toContain('not the admin token');
      // the refused sign-in is answered 401, which the browser logs: that one and no other
      expect(errors.splice(0)).toEqual([expect.stringContaining('401')]);
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(`${t.url}/dashboard`), page.click('button[type=submit]')]);
      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({ name: 'draftpilot_dashboard', httpOnly: true, secure: true, sameSite: 'Strict', path: '/dashboard' });
      await Promise.all([page.waitForURL(/\/dashboard\/login$/), page.click('text=Sign out')]);
      await page.goto(`${t.url}/dashboard`);
      expect(new URL(page.url()).pathname).toBe('/dashboard/login');
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('the report pages', () => {
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      ({ page, errors } = await openPage());
      await page.goto(`${t.url}/dashboard/login?next=%2Fdashboard%2Freports%2Funanswered`);
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(`${t.url}/dashboard/reports/unanswered`), page.click('button[type=submit]')]);
    });
    afterAll(async () => {
      expect(errors).toEqual([]);
      await page.close();
    });

    it('draws each report for a week from the same records, reachable from the navigation', async () => {
      // the week of the seeded escalations for a missing article
      await page.goto(`${t.url}/dashboard/reports/unanswered?week=2026-W48`);
      expect(await page.locator('h1').textContent()).toBe('Unanswered questions, 2026-W48');
      expect(await page.textContent('section[aria-labelledby="clusters"]')).toContain('1 escalations for a missing article or low confidence on 1 tickets (1 missing_source, 0 low_confidence)');
      await page.goto(`${t.url}/dashboard/reports/low-confidence?week=2026-W49`);
      // the week's two reviews (one clean) of drafts at 70%: one band, drawn and tabled
      expect(await cells(page, 'calibration')).toEqual([['60–80%', '2', '70%', '50%']]);
      expect(await page.locator('section[aria-labelledby="calibration"] svg path, section[aria-labelledby="calibration"] svg rect').count()).toBeGreaterThan(3);
      await page.screenshot({ path: path.join(OUTPUT, `dashboard-low-confidence-${store}.png`), fullPage: true });
      for (const [name, heading] of [['content', 'Content gaps, 2026-W49'], ['handoff', 'Handoff quality, 2026-W49'], ['readiness', 'Category readiness, 2026-W49']] as const) {
        await page.click(`header nav a[href="/dashboard/reports/${name}"]`);
        await page.waitForURL(`${t.url}/dashboard/reports/${name}`);
        expect(await page.locator('h1').textContent()).toBe(heading);
      }
      // the shop's returns category is sensitive; shipping has 7 clean approvals of 10 reviews, far from ready
      const readiness = Object.fromEntries((await cells(page, 'tenant-0')).map((row) => [row[0], row]));
      expect(readiness['Returns and refunds']![2]).toBe('stay sensitive');
      expect(readiness['Shipping and delivery']!.slice(1, 3)).toEqual(['review', 'hold']);
    });

    it('answers an unknown report 404 and a bad week 422 with what to fix; signed out, a report page redirects to the login', async () => {
      const admin = { authorization: `Bearer ${TOKEN}` };
      const unknown = await fetch(`${t.url}/dashboard/reports/nope`, { headers: admin });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('There is no report');
      const bad = await fetch(`${t.url}/dashboard/reports/content?week=2026-W99`, { headers: admin });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('YYYY-Www');
      const anonymous = await fetch(`${t.url}/dashboard/reports/content`, { redirect: 'manual' });
      expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/dashboard/login?next=%2Fdashboard%2Freports%2Fcontent']);
    });
  });

  describe('the overview', () => {
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      ({ page, errors } = await openPage());
      await page.goto(`${t.url}/dashboard/login`);
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(`${t.url}/dashboard`), page.click('button[type=submit]')]);
    });
    afterAll(async () => {
      await page.screenshot({ path: path.join(OUTPUT, `dashboard-overview-${store}.png`), fullPage: true });
      mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
      copyFileSync(path.join(OUTPUT, `dashboard-overview-${store}.png`), path.join(ROOT, 'docs/images/dashboard-overview.png'));
      expect(errors).toEqual([]);
      await page.close();
    });

    it('draws every chart as a non-empty SVG, each with a table', async () => {
      for (const id of ['decisions', 'reasons', 'approval', 'clean', 'queue']) {
        const section = page.locator(`section[aria-labelledby="${id}"]`);
        const shapes = await section.locator('svg path, svg rect').count();
        expect(shapes).toBeGreaterThan(3);
        expect(await section.locator('table tbody tr').count()).toBeGreaterThan(0);
      }
    });

    it('shows the decisions, reasons and rates the records hold', async () => {
      const decisions = await cells(page, 'decisions');
      expect(decisions).toEqual([
        ['2026-W47', '0', '4', '2', '6'],
        ['2026-W48', '0', '5', '1', '6'],
        ['2026-W49', '3', '3', '0', '6'], // with the webhook's own draft
      ]);
      const reasons = await cells(page, 'reasons');
      expect(reasons).toEqual([
        ['2026-W47', '2', '0', '0'],
        ['2026-W48', '0', '1', '1'],
      ]);
      const clean = await cells(page, 'clean');
      // shipping: W47 3 clean of 4, W48 2 of 5; returns: W49 1 of 2
      expect(clean).toEqual([
        ['returns', '–', '–', '50% (2)'],
        ['shipping', '75% (4)', '40% (5)', '–'],
      ]);
      const approval = await cells(page, 'approval');
      expect(approval).toEqual([
        ['returns', '–', '–', '50% (2)'],
        ['shipping', '100% (4)', '80% (5)', '–'],
      ]);
      const queue = await cells(page, 'queue');
      expect(queue).toEqual([['done', '1']]);
    });

    it('is usable by keyboard: a skip link first, then the navigation', async () => {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('href'))).toBe('/dashboard');
      expect(await page.locator('h1').textContent()).toBe('Overview');
      expect(await page.locator('h2').allTextContents()).toEqual(['Decision mix', 'Escalations by reason', 'Approval rate per category', 'Clean approval rate per category', 'Queue health']);
    });
  });
});
