import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { zendeskComment } from '../helpers/fixtures';
import { ROOT, startTestService, TestService } from '../helpers/test-service';
import { ZendeskAppKeys } from '../helpers/zendesk-app-keys';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { closeSuite, launchChromium, Sidebar } from './sidebar-browser';

/**
 * The Zendesk sidebar in headless Chromium, loaded through the real server with a signed token and a
 * stand-in ZAF client: approve, edit, reject (blocked without a reason), escalate with brief
 * feedback, two agents on one ticket, and draft text that tries to inject HTML.
 */
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
const ZENDESK_TOKEN = 'zd-stand-in-token';
const ALICE = { id: 9000000123, name: 'Alice Agent', role: 'agent' as const };
const BOB = { id: 9000000456, name: 'Bob Agent', role: 'agent' as const };
const ADA = { id: 9000000789, name: 'Ada Admin', role: 'admin' as const };
const REVIEW_QUESTION = 'Hello, how long does standard delivery take? I would like to order a kettle today.';

const SHIPPING = {
  id: 801,
  title: 'Shipping times and tracking',
  html_url: 'https://help.demo-shop.example/articles/shipping',
  body: '<p>Orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery takes 2 to 4 working days; express delivery takes 1 working day.</p><p>You get a tracking link by email as soon as the carrier collects the parcel.</p>',
};
const standIn = new ZendeskStandIn({ botUserId: 9000000001, token: ZENDESK_TOKEN, articles: [SHIPPING] });
let app: ZendeskAppKeys;
let t: TestService;
let browser: Browser;
const open: Sidebar[] = [];
jest.setTimeout(60_000);

beforeAll(async () => {
  app = await ZendeskAppKeys.create();
  standIn.appKey = app.appKey;
  await standIn.start();
  t = await startTestService({
    env: { ZENDESK_ACCESS_TOKEN: ZENDESK_TOKEN, ZENDESK_BASE_URL: standIn.baseUrl, ZENDESK_APP_ID: app.appId, ZENDESK_ESCALATION_GROUP_ID: '360002' },
  });
  standIn.installations.set('42', { draftpilot_url: t.url });
  standIn.users.set(String(ADA.id), 'admin');
  browser = await launchChromium();
}, 60_000);
afterAll(() => closeSuite(browser, t, standIn));
afterEach(async () => {
  for (const s of open.splice(0)) {
    expect(s.blocked).toEqual([]);
    await s.close();
  }
});

const api = async (p: string) => (await fetch(`${t.url}${p}`, { headers: ADMIN })).json() as Promise<any>;

/** A ticket with a customer message, drafted by the service; resolves with the stored draft. */
async function draftedTicket(ticketId: string, text: string): Promise<any> {
  standIn.addTicket(ticketId, text);
  expect((await t.postZendesk(zendeskComment({ ticketId, text }))).status).toBe(202);
  await t.waitIdle();
  for (let i = 0; i < 200; i++) {
    const row = (await api('/api/drafts?limit=100')).drafts.find((d: any) => d.thread_id === ticketId && d.delivered_at);
    if (row) return api(`/api/drafts/${row.id}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no draft for ticket ${ticketId}`);
}

async function openSidebar(ticketId: string, user: { id: number; name: string; role: 'agent' | 'admin' }, useRichText = true): Promise<Sidebar> {
  const s = await Sidebar.open(browser, t.url, await app.sign(new Date(), { sub: String(user.id) }), { ticketId, user, useRichText });
  open.push(s);
  return s;
}

async function reviewsOf(draftId: string): Promise<any[]> {
  return (await api(`/api/drafts/${draftId}`)).reviews;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the Zendesk sidebar in Chromium', () => {
  it('shows the decision, draft, brief, sources and confidence; Approve puts the draft in the composer as a public reply and a submit records approve', async () => {
    const draft = await draftedTicket('8301', REVIEW_QUESTION);
    expect(draft.decision).toBe('review');
    const s = await openSidebar('8301', ALICE);
    const page = s.page;
    expect(await page.textContent('#dp-decision')).toBe('review');
    expect(await page.textContent('#dp-confidence')).toBe(`${Math.round(draft.confidence * 100)}%`);
    expect(await page.textContent('#dp-draft')).toBe(draft.draft);
    expect(await page.textContent('#dp-brief')).toContain(draft.brief.question);
    if (draft.sources.length) expect(await page.textContent('#dp-sources')).toContain(draft.sources[0].title);
    const on = (await s.calls()).filter((c) => c.kind === 'on').map((c) => c.name);
    expect(on).toEqual(expect.arrayContaining(['ticket.save', 'ticket.submit.done']));
    await s.screenshot('zendesk-sidebar-review');

    await page.click('#dp-approve');
    await page.waitForSelector('#dp-notice.ok');
    const calls = await s.calls();
    expect(calls).toContainEqual({ kind: 'set', name: 'ticket.comment.type', arg: 'publicReply' });
    const appended = calls.find((c) => c.kind === 'invoke' && c.name === 'ticket.comment.appendHtml');
    expect(appended?.arg).toMatch(/^<p>/);
    expect(await reviewsOf(draft.id)).toEqual([]); // nothing is recorded before the ticket is sent

    await s.submitTicket();
    const review = await until('the approve review', async () => (await reviewsOf(draft.id))[0]);
    expect(review).toMatchObject({ action: 'approve', edit_distance: 0, source: 'zendesk_app', agent: { id: String(ALICE.id), name: ALICE.name } });
    await page.waitForSelector('#dp-reviewed');
    expect(await page.textContent('#dp-reviewed')).toContain('approved by Alice Agent');
    await s.screenshot('zendesk-sidebar-approved');
  });

  it('a changed composer text is recorded as edit, with the sent text and its distance', async () => {
    const draft = await draftedTicket('8302', REVIEW_QUESTION);
    const s = await openSidebar('8302', ALICE);
    await s.page.click('#dp-approve');
    await s.page.waitForSelector('#dp-notice.ok');
    const edited = `${await s.composer()}<p>PS: our shop is closed on Sundays.</p>`;
    await s.setComposer(edited);
    await s.submitTicket();
    const review = await until('the edit review', async () => (await reviewsOf(draft.id))[0]);
    expect(review).toMatchObject({ action: 'edit', source: 'zendesk_app' });
    expect(review.sent_text).toContain('PS: our shop is closed on Sundays.');
    expect(review.sent_text).not.toContain('<p>');
    expect(review.edit_distance).toBeGreaterThanOrEqual('PS: our shop is closed on Sundays.'.length);
  });

  it('Edit with a plain-text composer appends the text as is and records edit when sent', async () => {
    const draft = await draftedTicket('8303', REVIEW_QUESTION);
    const s = await openSidebar('8303', ALICE, false);
    await s.page.click('#dp-edit');
    await s.page.waitForSelector('#dp-notice.ok');
    const calls = await s.calls();
    expect(calls).toContainEqual({ kind: 'invoke', name: 'ticket.comment.appendText', arg: draft.draft });
    expect(calls.some((c) => c.name === 'ticket.comment.appendHtml')).toBe(false);
    await s.submitTicket();
    const review = await until('the edit review', async () => (await reviewsOf(draft.id))[0]);
    expect(review).toMatchObject({ action: 'edit', edit_distance: 0, sent_text: draft.draft });
  });

  it('Reject is blocked with a visible message until a reason is chosen ("other" needs words); with one it is stored', async () => {
    const draft = await draftedTicket('8304', REVIEW_QUESTION);
    const s = await openSidebar('8304', ALICE);
    const page = s.page;
    await page.click('#dp-reject-open');
    expect(await page.isDisabled('#dp-reject-submit')).toBe(true);
    expect(await page.isVisible('#dp-reject-hint')).toBe(true);
    expect(await page.textContent('#dp-reject-hint')).toBe('Choose a reason to reject the draft.');
    await page.selectOption('#dp-reject-reason', 'other');
    expect(await page.isDisabled('#dp-reject-submit')).toBe(true);
    expect(await page.textContent('#dp-reject-hint')).toContain('“Other” needs a few words');
    await s.screenshot('zendesk-sidebar-reject-blocked');
    // a forced submit of the form does nothing either
    await page.evaluate(() => (globalThis as any).document.getElementById('dp-reject').requestSubmit());
    await new Promise((r) => setTimeout(r, 200));
    expect(await reviewsOf(draft.id)).toEqual([]);

    await page.selectOption('#dp-reject-reason', 'wrong_tone');
    expect(await page.isDisabled('#dp-reject-submit')).toBe(false);
    expect(await page.isVisible('#dp-reject-hint')).toBe(false);
    await page.fill('#dp-reject-text', 'Too formal for us.');
    await page.click('#dp-reject-submit');
    const review = await until('the reject review', async () => (await reviewsOf(draft.id))[0]);
    expect(review).toMatchObject({ action: 'reject', reason: 'wrong_tone', text: 'Too formal for us.', source: 'zendesk_app' });
    await page.waitForSelector('#dp-reviewed');
    expect(await page.textContent('#dp-earlier')).toContain('Wrong tone');
  });

  it('two agents: the second to open the ticket sees what the first did', async () => {
    const draft = await draftedTicket('8305', REVIEW_QUESTION);
    const alice = await openSidebar('8305', ALICE);
    const bob = await openSidebar('8305', BOB);
    expect(await bob.page.$('#dp-reviewed')).toBeNull();
    await alice.page.click('#dp-reject-open');
    await alice.page.selectOption('#dp-reject-reason', 'not_relevant');
    await alice.page.click('#dp-reject-submit');
    await until('the reject review', async () => (await reviewsOf(draft.id))[0]);

    const bobLater = await openSidebar('8305', BOB);
    await bobLater.page.waitForSelector('#dp-reviewed');
    expect(await bobLater.page.textContent('#dp-reviewed')).toBe('Already rejected by Alice Agent.');
    expect(await bobLater.page.textContent('#dp-earlier')).toContain('Not relevant');
  });

  it('Escalate routes the ticket to the escalation group and asks whether the brief was useful', async () => {
    const draft = await draftedTicket('8306', 'I want to speak to a real person about my parcel, now.');
    expect(draft.decision).toBe('escalate');
    const s = await openSidebar('8306', ALICE);
    const page = s.page;
    expect(await page.isVisible('#dp-feedback')).toBe(true);
    expect(await page.$('#dp-approve')).toBeNull(); // an escalation has no reply to approve
    await page.click('#dp-escalate-open');
    await page.fill('#dp-escalate-text', 'Needs a refund decision.');
    await page.click('#dp-escalate-submit');
    const review = await until('the escalate review', async () => (await reviewsOf(draft.id))[0]);
    expect(review).toMatchObject({ action: 'escalate', text: 'Needs a refund decision.' });
    expect(await s.calls()).toContainEqual({ kind: 'set', name: 'ticket.assignee', arg: { groupId: 360002 } });

    await page.waitForSelector('#dp-notice.ok'); // the page has re-rendered after the escalation
    await page.selectOption('#dp-feedback-missing', 'missing_fields');
    await page.click('#dp-feedback-no');
    await page.waitForSelector('#dp-feedback-done');
    const session = await page.evaluate(() => JSON.parse((globalThis as any).document.getElementById('dp-boot').textContent).session as string);
    const feedback = (await (await fetch(`${t.url}/apps/zendesk/tickets/8306/draft`, { headers: { authorization: `Bearer ${session}` } })).json() as any).brief_feedback;
    expect(feedback).toEqual([expect.objectContaining({ useful: false, missing: 'missing_fields', source: 'zendesk_app' })]);
    await s.screenshot('zendesk-sidebar-escalated');
  });

  it('refused installation settings: an admin sees the error with the setting\'s path, an agent does not; the last good group stays', async () => {
    await draftedTicket('8308', REVIEW_QUESTION);
    standIn.installations.set('42', { draftpilot_url: t.url, escalation_group_id: '360555' });
    await (await openSidebar('8308', ADA)).close();
    standIn.installations.set('42', { draftpilot_url: t.url, low_confidence_threshold: '1.5', delivery_mode: 'sometimes' });
    try {
      const admin = await openSidebar('8308', ADA);
      await admin.page.waitForSelector('#dp-settings-error');
      const shown = await admin.page.textContent('#dp-settings-error');
      expect(shown).toContain('the last valid configuration stays');
      expect(shown).toContain('low_confidence_threshold');
      expect(shown).toContain('delivery_mode');
      await admin.screenshot('zendesk-sidebar-settings-error');
      await admin.page.click('#dp-escalate-open');
      expect(await admin.page.textContent('#dp-escalate-submit')).toBe('Escalate to group 360555');
      const agent = await openSidebar('8308', BOB);
      expect(await agent.page.$('#dp-settings-error')).toBeNull();
    } finally {
      standIn.installations.set('42', { draftpilot_url: t.url });
    }
  });

  it("an admin sees the categories' readiness and promotes a ready one; an agent sees none of it and is refused", async () => {
    // a category with no history yet (earlier tests reviewed 'deliveries' drafts), ready after one clean approval; returns is sensitive
    const categories = [
      'categories:',
      '  - {id: deliveries, name: Deliveries, description: Delivery times and tracking., examples: [how long does delivery take], mode: review, promotion: {min_clean_approvals: 1, window: 10, min_clean_rate: 0.5}}',
      '  - {id: returns, name: Returns, description: Returning an item and refunds., examples: [how do I return an item], mode: review, sensitive: true}',
    ].join('\n');
    standIn.installations.set('42', { draftpilot_url: t.url, categories });
    try {
      await (await openSidebar('8309', ADA)).close(); // applies the installation's categories
      const draft = await draftedTicket('8309', REVIEW_QUESTION);
      expect(draft.category).toBe('deliveries');
      const admin = await openSidebar('8309', ADA);
      await admin.page.waitForSelector('#dp-categories');
      await admin.page.click('#dp-categories summary');
      const row = (id: string) => admin.page.textContent(`#dp-category-list li[data-category="${id}"]`);
      expect(await row('returns')).toContain('held: sensitive');
      expect(await admin.page.$('#dp-category-list li[data-category="returns"] button')).toBeNull();
      expect(await admin.page.$('#dp-category-list li[data-category="deliveries"] button')).toBeNull(); // not ready yet

      const approved = await fetch(`${t.url}/api/reviews`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ draft_id: draft.id, action: 'approve', agent: { id: String(ALICE.id) } }) });
      expect(approved.status).toBe(201);
      await admin.close();
      const again = await openSidebar('8309', ADA);
      await again.page.click('#dp-categories summary');
      expect(await again.page.textContent('#dp-category-list li[data-category="deliveries"]')).toContain('review: ready');
      await again.screenshot('zendesk-sidebar-categories');
      await again.page.click('#dp-category-list li[data-category="deliveries"] button');
      await again.page.waitForSelector('#dp-category-list li[data-category="deliveries"][data-mode="autopilot"]');
      await again.page.waitForSelector('#dp-notice.ok');
      expect(await again.page.textContent('#dp-notice')).toContain('Deliveries is now in autopilot');
      const listed = (await api('/api/categories?tenant=zendesk:acme')).categories.find((c: any) => c.id === 'deliveries');
      expect(listed).toMatchObject({ mode: 'autopilot', mode_changed_by: String(ADA.id) });
      const audit = (await api('/api/categories/deliveries/audit?tenant=zendesk:acme')).changes;
      expect(audit[0]).toMatchObject({ from: 'review', to: 'autopilot', actor: String(ADA.id) });

      // an agent: no categories in the page, and the routes refuse the agent's session
      const agent = await openSidebar('8309', BOB);
      expect(await agent.page.$('#dp-categories')).toBeNull();
      const session = await agent.page.evaluate(() => JSON.parse((globalThis as any).document.getElementById('dp-boot').textContent).session);
      const refused = await fetch(`${t.url}/apps/zendesk/categories/deliveries/demote`, { method: 'POST', headers: { authorization: `Bearer ${session}` } });
      expect(refused.status).toBe(403);
      expect((await api('/api/categories?tenant=zendesk:acme')).categories.find((c: any) => c.id === 'deliveries').mode).toBe('autopilot');

      // back to review from the sidebar
      await again.page.click('#dp-category-list li[data-category="deliveries"] button');
      await again.page.waitForSelector('#dp-category-list li[data-category="deliveries"][data-mode="review"]');
      await again.page.waitForSelector('#dp-notice.ok');
      expect(await again.page.textContent('#dp-notice')).toContain('Deliveries is back in review');
    } finally {
      standIn.installations.set('42', { draftpilot_url: t.url });
    }
  });

  it('draft and brief text that carry HTML are shown as text and escaped in the composer', async () => {
    const draft = await draftedTicket('8307', REVIEW_QUESTION);
    const hostile = 'Hi <img src=x onerror="window.__pwned=1"> there <script>window.__pwned=2</script>';
    await t.service.store.db.updateTable('drafts').set({ draft: hostile }).where('id', '=', draft.id).execute();
    const s = await openSidebar('8307', ALICE);
    const page = s.page;
    expect(await page.textContent('#dp-draft')).toBe(hostile);
    expect(await page.$('#app img, #app script')).toBeNull();
    await page.click('#dp-approve');
    await page.waitForSelector('#dp-notice.ok');
    const appended = (await s.calls()).find((c) => c.name === 'ticket.comment.appendHtml')!.arg as string;
    expect(appended).not.toContain('<img');
    expect(appended).toContain('&#60;img src=x onerror=&#34;window.__pwned=1&#34;&#62;');
    expect(await page.evaluate(() => (globalThis as any).__pwned)).toBeUndefined();
  });
});

afterAll(() => {
  // The docs show the approved ticket's screenshot; refresh it when DOCS_SCREENSHOTS=1.
  const shot = path.join(ROOT, 'test-output', 'zendesk-sidebar-approved.png');
  if (process.env.DOCS_SCREENSHOTS === '1' && existsSync(shot)) {
    mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    copyFileSync(shot, path.join(ROOT, 'docs/images/zendesk-sidebar.png'));
  }
});
