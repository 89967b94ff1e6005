import nock from 'nock';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { signIntercom } from '../../src/edge/intercom/verify';
import { freshIntercom, zendeskComment } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * Several accounts in one deployment, installed while it runs: two Zendesk accounts through the
 * authorization-code install (each gets its own webhook and signing secret) and an Intercom workspace
 * through Intercom's OAuth flow. Each account's deliveries are written with its own token, and an
 * uninstall stops them, without a restart. The helpdesks are nock interceptors on their real hosts.
 */
const KEY = Buffer.alloc(32, 9).toString('base64');
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' };
const PUBLIC_URL = 'https://draftpilot.example.com';

interface Written {
  host: string;
  authorization: string | undefined;
  path: string;
  body: any;
}

/** One Zendesk account: its install calls, then its ticket reads and writes (recorded). */
function zendeskAccount(subdomain: string, userId: number, written: Written[]) {
  const host = `https://${subdomain}.zendesk.com`;
  const token = `${subdomain}-access-token`;
  const secret = `${subdomain}-signing-secret-0123456789`;
  nock(host)
    .post('/oauth/tokens', (b) => b.grant_type === 'authorization_code' && b.code === `${subdomain}-code`)
    .reply(200, { access_token: token, token_type: 'bearer', expires_in: 1800, refresh_token: `${subdomain}-refresh`, refresh_token_expires_in: 2_592_000, scope: 'read write' });
  const api = nock(host).matchHeader('authorization', `Bearer ${token}`);
  api.get('/api/v2/users/me.json').reply(200, { user: { id: userId, role: 'admin' } });
  api.get('/api/v2/webhooks').query(true).reply(200, { webhooks: [], meta: { has_more: false } });
  api
    .post('/api/v2/webhooks', (b) => b.webhook.endpoint === `${PUBLIC_URL}/webhooks/zendesk`)
    .reply(201, (_uri, b: any) => ({ webhook: { id: `wh-${subdomain}`, ...b.webhook } }));
  api.get(`/api/v2/webhooks/wh-${subdomain}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret } });
  // what the deliveries need: the ticket read and the update, with this account's token only
  api.get(/\/api\/v2\/tickets\/\d+\.json/).query(true).reply(200, (uri) => ({ ticket: { id: Number(uri.match(/tickets\/(\d+)/)![1]), updated_at: '2026-12-01T10:00:00Z', tags: [], status: 'open', subject: 'Where is my order?' } })).persist();
  api
    .put(/\/api\/v2\/tickets\/\d+\.json/)
    .query(true)
    .reply(function (uri, body) {
      written.push({ host, authorization: this.req.headers.authorization as string | undefined, path: uri, body });
      return [200, { ticket: { id: 1, updated_at: '2026-12-01T10:01:00Z' }, audit: { id: 1, events: [{ id: 2, type: 'Comment' }] } }];
    })
    .persist();
  return { host, token, secret };
}

async function install(t: TestService, subdomain: string): Promise<string> {
  const start = await fetch(`${t.url}/oauth/zendesk/start?subdomain=${subdomain}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const done = await fetch(`${t.url}/oauth/zendesk/callback?code=${subdomain}-code&state=${encodeURIComponent(state)}`);
  const page = await done.text();
  expect([done.status, page]).toEqual([200, expect.stringContaining(`draftpilot is installed for ${subdomain}`)]);
  return page;
}

function postSigned(t: TestService, body: unknown, secret: string): Promise<Response> {
  const raw = JSON.stringify(body);
  return t.post('zendesk', raw, signZendesk(raw, secret));
}

async function draftsOf(t: TestService): Promise<{ tenant: string; thread_id: string; delivery?: unknown }[]> {
  const answer = (await (await fetch(`${t.url}/api/drafts?limit=50`, { headers: ADMIN })).json()) as { drafts: { tenant: string; thread_id: string }[] };
  return answer.drafts;
}

describe('many accounts in one deployment', () => {
  let t: TestService;
  const written: Written[] = [];

  beforeAll(async () => {
    t = await startTestService({
      env: {
        ZENDESK_SUBDOMAIN: '', // no account named by the environment: every Zendesk account is an install
        ZENDESK_OAUTH_CLIENT_ID: 'draftpilot-global',
        ZENDESK_OAUTH_CLIENT_SECRET: 'global-client-secret',
        INTERCOM_OAUTH_CLIENT_ID: 'ic-client-id',
        INTERCOM_OAUTH_CLIENT_SECRET: 'ic-client-secret',
        APP_ENCRYPTION_KEY: KEY,
        PUBLIC_URL,
      },
      settings: (s) => {
        s.accounts.refresh_ms = 200;
      },
    });
  });
  afterAll(async () => {
    nock.cleanAll();
    await t.close();
  });

  it('installs two Zendesk accounts while running; each one\'s deliveries are its tenant\'s and written with its own token', async () => {
    const alpha = zendeskAccount('alpha', 7001, written);
    const beta = zendeskAccount('beta', 7002, written);
    expect(await install(t, 'alpha')).toContain('Its webhook is created');
    await install(t, 'beta');

    const listed = (await (await fetch(`${t.url}/api/accounts`, { headers: ADMIN })).json()) as { accounts: { tenant: string; status: string; own_user_id: string; webhook: string }[] };
    expect(listed.accounts.map((a) => [a.tenant, a.status, a.own_user_id])).toEqual([
      ['zendesk:alpha', 'active', '7001'],
      ['zendesk:beta', 'active', '7002'],
    ]);
    expect(JSON.stringify(listed)).not.toContain('signing-secret');
    expect(JSON.stringify(listed)).not.toContain('access-token');

    // each account's webhook signs with its own secret; no ZENDESK_WEBHOOK_SECRETS entry is needed
    // the first delivery may come before this process read the install: it is answered 401, and Zendesk retries
    await until('the first delivery of alpha accepted', async () => ((await postSigned(t, zendeskComment({ ticketId: '5101', text: 'Where is my parcel?' }), alpha.secret)).status === 202 ? true : undefined), 5000);
    expect((await postSigned(t, zendeskComment({ ticketId: '5201', text: 'Where is my parcel?' }), beta.secret)).status).toBe(202);
    expect((await postSigned(t, zendeskComment({ ticketId: '5301', text: 'Where is my parcel?' }), 'a-secret-nobody-has-0123456789')).status).toBe(401);
    await t.waitIdle(30_000);

    const drafts = await draftsOf(t);
    expect(drafts.filter((d) => d.thread_id === '5101').map((d) => d.tenant)).toEqual(['zendesk:alpha']);
    expect(drafts.filter((d) => d.thread_id === '5201').map((d) => d.tenant)).toEqual(['zendesk:beta']);
    const byHost = (host: string) => written.filter((w) => w.host === host);
    expect(byHost(alpha.host).map((w) => [w.path.split('?')[0], w.authorization])).toEqual([['/api/v2/tickets/5101.json', `Bearer ${alpha.token}`]]);
    expect(byHost(beta.host).map((w) => [w.path.split('?')[0], w.authorization])).toEqual([['/api/v2/tickets/5201.json', `Bearer ${beta.token}`]]);
    // a draft write is never public
    for (const w of written) expect(w.body.ticket.comment.public).toBe(false);
  }, 60_000);

  it('installs an Intercom workspace through Intercom\'s OAuth flow; its notes are written with its token as the admin who installed', async () => {
    const replies: { authorization: string | undefined; body: any }[] = [];
    nock('https://api.intercom.io').post('/auth/eagle/token', (b) => b.code === 'ic-code' && b.client_secret === 'ic-client-secret').reply(200, { token_type: 'Bearer', token: 'ic-workspace-token', access_token: 'ic-workspace-token' });
    const ic = nock('https://api.intercom.io').matchHeader('authorization', 'Bearer ic-workspace-token');
    ic.get('/me').reply(200, { type: 'admin', id: '4242', app: { id_code: 'x7k2pq9a' } });
    ic.get('/tags').reply(200, { type: 'list', data: [] }).persist();
    ic.get(/\/conversations\/\d+/).query(true).reply(404, { type: 'error.list', errors: [{ code: 'not_found' }] }).persist();
    ic.post(/\/conversations\/\d+\/reply/)
      .reply(function (_uri, body) {
        replies.push({ authorization: this.req.headers.authorization as string | undefined, body });
        return [200, { type: 'conversation', id: '215469330102875' }];
      })
      .persist();
    ic.post(/\/tags$/).reply(200, (_u, b: any) => ({ type: 'tag', id: `t-${b.name}`, name: b.name })).persist();
    ic.post(/\/conversations\/\d+\/(tags|parts)/).reply(200, {}).persist();

    const start = await fetch(`${t.url}/oauth/intercom/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://app.intercom.com/oauth');
    expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/oauth/intercom/callback`);
    const done = await fetch(`${t.url}/oauth/intercom/callback?code=ic-code&state=${encodeURIComponent(location.searchParams.get('state')!)}`);
    expect([done.status, await done.text()]).toEqual([200, expect.stringContaining('draftpilot is installed for workspace x7k2pq9a')]);

    // the webhook is signed with the app's client secret, the same for every workspace; app_id names it
    const body = freshIntercom('conversation-user-created');
    const raw = JSON.stringify(body);
    expect((await t.post('intercom', raw, signIntercom(raw, t.intercomSecret))).status).toBe(202);
    await until('the note in the installed workspace', async () => (replies.length > 0 ? true : undefined), 20_000);
    await t.waitIdle(30_000);
    expect(replies[0]!.authorization).toBe('Bearer ic-workspace-token');
    expect(replies[0]!.body).toMatchObject({ message_type: 'note', type: 'admin', admin_id: '4242' });
    expect((await draftsOf(t)).find((d) => d.thread_id === String(body.data.item.id))?.tenant).toBe('intercom:x7k2pq9a');
  }, 60_000);

  it('an uninstall stops serving the account without a restart: its webhook no longer verifies and its tokens are gone', async () => {
    const alphaSecret = 'alpha-signing-secret-0123456789';
    const gone = await fetch(`${t.url}/api/accounts/${encodeURIComponent('zendesk:alpha')}`, { method: 'DELETE', headers: ADMIN });
    expect([gone.status, await gone.json()]).toEqual([200, { tenant: 'zendesk:alpha', status: 'uninstalled' }]);
    expect((await fetch(`${t.url}/api/accounts/${encodeURIComponent('zendesk:alpha')}`, { method: 'DELETE', headers: ADMIN })).status).toBe(404);
    expect((await fetch(`${t.url}/api/accounts/not-a-tenant`, { method: 'DELETE', headers: ADMIN })).status).toBe(422);
    await until('alpha refused', async () => ((await postSigned(t, zendeskComment({ ticketId: '5102', text: 'Still there?' }), alphaSecret)).status === 401 ? true : undefined), 5000);
    const tokens = await t.service.store.db.selectFrom('oauth_tokens').select('account').execute();
    expect(tokens.map((r) => r.account).sort()).toEqual(['intercom:x7k2pq9a', 'zendesk:beta']);
    // beta is untouched
    expect((await postSigned(t, zendeskComment({ ticketId: '5202', text: 'And my other order?' }), 'beta-signing-secret-0123456789')).status).toBe(202);
    await t.waitIdle(30_000);
  }, 30_000);
});
