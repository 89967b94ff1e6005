import { verifyAppSession } from '../../src/apps/app-session';
import { generateKeyPair } from 'jose';
import { storedTenantSettings } from '../../src/settings/settings-store';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgres } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { ZendeskAppKeys } from '../helpers/zendesk-app-keys';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * POST /apps/zendesk/sidebar, Zendesk's signed first load, against the running service: the token is
 * checked with the app's public key (served by the Zendesk stand-in), a refused token gets 401 and
 * touches nothing, an accepted one gets the page with a session that the page's API calls use.
 */
useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

const ZENDESK_TOKEN = 'zd-stand-in-token';

function loadSuite(mode: Pick<TestServiceOptions, 'store'>) {
  const standIn = new ZendeskStandIn({ botUserId: 9000000001, token: ZENDESK_TOKEN });
  let app: ZendeskAppKeys;
  let t: TestService;
  beforeAll(async () => {
    app = await ZendeskAppKeys.create();
    standIn.appKey = app.appKey;
    await standIn.start();
    t = await startTestService({ ...mode, env: { ZENDESK_ACCESS_TOKEN: ZENDESK_TOKEN, ZENDESK_BASE_URL: standIn.baseUrl, ZENDESK_APP_ID: app.appId } });
    standIn.installations.set('42', { draftpilot_url: t.url });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await standIn.stop();
  });
  beforeEach(() => standIn.reset());

  const load = (token?: string) =>
    fetch(`${t.url}/apps/zendesk/sidebar`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: token === undefined ? '' : new URLSearchParams({ token }).toString() });
  const bootOf = (html: string) =>
    JSON.parse(/<script id="dp-boot" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { session: string; tenant: string; escalationGroupId: string | null; settingsErrors: { path: string; message: string }[] | null };
  const installationReads = () => standIn.requests.filter((r) => r.kind === 'app.installation');

  it('a valid token: 200, the sidebar page with a session for the tenant; the installation settings are read', async () => {
    const res = await load(await app.sign(new Date()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('zaf_sdk.min.js');
    expect(html).toContain('/apps/zendesk/static/sidebar.js');
    const boot = bootOf(html);
    expect(boot.tenant).toBe('zendesk:acme');
    expect(boot.session.split('.')).toHaveLength(3);
    expect(installationReads().map((r) => r.url)).toEqual(['/api/v2/apps/installations/42.json']);

    // the session opens the ticket's draft for the page; nothing else does
    standIn.addTicket('8401', 'I want to speak to a real person about my parcel, now.');
    expect((await t.postZendesk(zendeskComment({ ticketId: '8401', text: 'I want to speak to a real person about my parcel, now.' }))).status).toBe(202);
    await t.waitIdle();
    let body: any;
    for (let i = 0; i < 200 && !body?.draft; i++) {
      const r = await fetch(`${t.url}/apps/zendesk/tickets/8401/draft`, { headers: { authorization: `Bearer ${boot.session}` } });
      expect(r.status).toBe(200);
      body = await r.json();
      if (!body.draft) await new Promise((r) => setTimeout(r, 25));
    }
    expect(body.draft).toMatchObject({ ticket_id: '8401', decision: 'escalate', brief: expect.objectContaining({ question: expect.any(String) }) });
    expect(body.reviews).toEqual([]);
    expect((await fetch(`${t.url}/apps/zendesk/tickets/8401/draft`)).status).toBe(401);
    expect((await fetch(`${t.url}/apps/zendesk/tickets/8401/draft`, { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
    const none = await fetch(`${t.url}/apps/zendesk/tickets/999999/draft`, { headers: { authorization: `Bearer ${boot.session}` } });
    expect(await none.json()).toEqual({ draft: null, reviews: [], brief_feedback: [] });
    const bad = await fetch(`${t.url}/apps/zendesk/tickets/abc/draft`, { headers: { authorization: `Bearer ${boot.session}` } });
    expect(bad.status).toBe(400);
  });

  it("marks the session admin only when Zendesk says the user is an admin, and not when the role cannot be read", async () => {
    const claimsOf = async (sub: string) => verifyAppSession(bootOf(await (await load(await app.sign(new Date(), { sub }))).text()).session, t.config.appSession.secret);
    standIn.users.set('9000000900', 'admin');
    expect(await claimsOf('9000000900')).toMatchObject({ agentId: '9000000900', admin: true });
    expect((await claimsOf('9000000123')).admin).toBeUndefined(); // an agent
    expect(standIn.requests.filter((r) => r.kind === 'user.show').map((r) => r.url)).toEqual(['/api/v2/users/9000000900.json', '/api/v2/users/9000000123.json']);
    standIn.hook = (r) => (r.kind === 'user.show' ? 'fail-500' : 'pass');
    expect((await claimsOf('9000000900')).admin).toBeUndefined();
    standIn.users.delete('9000000900');
  });

  it.each<[string, (app: ZendeskAppKeys) => Promise<string | undefined>]>([
    ['missing', async () => undefined],
    ['expired', (a) => a.sign(new Date(Date.now() - 10 * 60_000))],
    ['signed with another key', async (a) => a.sign(new Date(), {}, (await generateKeyPair('RS256')).privateKey)],
    ['from another account (iss)', (a) => a.sign(new Date(), { iss: 'evil.zendesk.com', aud: 'https://evil.zendesk.com/api/v2/apps/installations/42.json' })],
    ['for another audience', (a) => a.sign(new Date(), { aud: 'https://evil.zendesk.com/api/v2/apps/installations/42.json' })],
  ])('a token %s: 401 and nothing touched', async (_what, token) => {
    const res = await load(await token(app));
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('could not verify');
    expect(html).not.toContain('dp-boot');
    expect(installationReads()).toEqual([]);
    expect((await storedTenantSettings(t.service.store.db, 'zendesk:acme')).last_error).toBeNull();
  });

  it('applies valid installation settings; an invalid update keeps the last good configuration and the page carries the error with its path', async () => {
    const db = t.service.store.db;
    standIn.installations.set('42', {
      draftpilot_url: t.url,
      categories: 'categories:\n  - id: shipping\n    name: Shipping\n    description: Delivery times.\n    examples: [where is my parcel]\n    mode: review\n    sensitive: false\n',
      low_confidence_threshold: '0.6',
      delivery_mode: 'note',
      escalation_group_id: '360777',
    });
    let boot = bootOf(await (await load(await app.sign(new Date()))).text());
    expect(boot.settingsErrors).toBeNull();
    expect(boot.escalationGroupId).toBe('360777');
    const applied = await storedTenantSettings(db, 'zendesk:acme');
    expect(applied).toMatchObject({ source: 'zendesk_app', last_error: null, settings: { thresholds: { low_confidence: 0.6 }, delivery_mode: 'note', escalation: { zendesk_group_id: '360777' } } });
    expect((applied.settings!.categories as { categories: { id: string }[] }).categories.map((c) => c.id)).toEqual(['shipping']);

    // an admin breaks two settings: refused, the last good configuration stays
    standIn.installations.set('42', { draftpilot_url: t.url, categories: 'categories:\n  - id: shipping\n    mode: sometimes\n', low_confidence_threshold: '1.5', escalation_group_id: '360999' });
    boot = bootOf(await (await load(await app.sign(new Date()))).text());
    expect(boot.settingsErrors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'low_confidence_threshold' }), expect.objectContaining({ path: expect.stringMatching(/^categories: categories\.0\./) })]));
    expect(boot.escalationGroupId).toBe('360777');
    const kept = await storedTenantSettings(db, 'zendesk:acme');
    expect(kept.settings).toEqual(applied.settings);
    expect(kept.last_error?.errors.length).toBeGreaterThan(0);

    // fixed: applied again, no error
    standIn.installations.set('42', { draftpilot_url: t.url });
    boot = bootOf(await (await load(await app.sign(new Date()))).text());
    expect(boot.settingsErrors).toBeNull();
    expect((await storedTenantSettings(db, 'zendesk:acme')).settings).toEqual({});
  });

  it('GET (not the signed POST) says how the app is opened', async () => {
    const res = await fetch(`${t.url}/apps/zendesk/sidebar`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('open draftpilot from a ticket in Zendesk');
  });

  it('serves the page script and style', async () => {
    const js = await fetch(`${t.url}/apps/zendesk/static/sidebar.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${t.url}/apps/zendesk/static/sidebar.css`)).status).toBe(200);
    expect((await fetch(`${t.url}/apps/zendesk/static/nope.js`)).status).toBe(404);
  });
}

describe('Zendesk sidebar load (embedded store)', () => loadSuite({ store: 'pglite' }));
describeWithPostgres('Zendesk sidebar load (PostgreSQL)', () => loadSuite({ store: 'postgres' }));

describe('Zendesk sidebar without ZENDESK_APP_ID', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t?.close());

  it('answers 503 naming the setting', async () => {
    const res = await fetch(`${t.url}/apps/zendesk/sidebar`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=abc' });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('ZENDESK_APP_ID');
  });
});
