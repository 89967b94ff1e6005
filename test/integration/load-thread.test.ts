import nock from 'nock';
import { accountsOf, zendeskAuthFromRaw } from '../helpers/accounts';
import { TokenCipher } from '../../src/helpdesk/zendesk/token-cipher';
import { MemoryTokenStore } from '../../src/helpdesk/zendesk/token-store';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import { ThreadLoader } from '../../src/helpdesk/load-thread';
import { markerFor } from '../../src/domain/marker';
import { threadSchema } from '../../src/domain/thread';

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const ZD_TOKEN = 'zd-oauth-token-0123456789';
const IC_TOKEN = 'ic-token-0123456789';
const BOT_USER = '9000000001';
const OUR_ADMIN = '9000002';

const loaderEnv = {
  ZENDESK_SUBDOMAIN: 'acme',
  ZENDESK_ACCESS_TOKEN: ZD_TOKEN,
  ZENDESK_BOT_USER_ID: BOT_USER,
  INTERCOM_ACCESS_TOKEN: IC_TOKEN,
  INTERCOM_ADMIN_ID: OUR_ADMIN,
};
const loader = ThreadLoader.forAccounts(accountsOf(loaderEnv), { zendeskAuth: zendeskAuthFromRaw(loaderEnv) });

describe('loading a Zendesk ticket', () => {
  const zd = () => nock('https://acme.zendesk.com').matchHeader('authorization', `Bearer ${ZD_TOKEN}`);
  const users = {
    requester: { id: 9160112233, name: 'Dana Reyes', email: 'dana@example.org', role: 'end-user' },
    agent: { id: 377001, name: 'Priya (Support)', email: 'priya@acme.test', role: 'agent' },
    bot: { id: Number(BOT_USER), name: 'draftpilot', email: 'bot@acme.test', role: 'agent' },
    cc: { id: 9160119999, name: 'Dana’s partner', email: 'alex@example.org', role: 'end-user' },
  };
  const comment = (id: number, author: { id: number }, body: string, isPublic: boolean, at: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'Comment',
    author_id: author.id,
    body,
    html_body: `<div class="zd-comment"><p>${body}</p></div>`,
    plain_body: body,
    public: isPublic,
    created_at: at,
    ...extra,
  });

  it('reads the ticket and its comments over two cursor pages, with authors and public flags', async () => {
    zd().get('/api/v2/tickets/4812.json').reply(200, {
      ticket: { id: 4812, subject: 'Where is my order?', status: 'open', tags: ['shipping', 'vip'], requester_id: users.requester.id, description: 'Hi, my order 77120 has not arrived.' },
    });
    zd().get('/api/v2/tickets/4812/comments.json').query({ 'page[size]': '100', include: 'users' }).reply(200, {
      comments: [
        comment(1001, users.requester, 'Hi, my order 77120 has not arrived.', true, '2026-05-01T09:00:00Z'),
        comment(1002, users.bot, `Suggested reply: your parcel left our warehouse yesterday. ${markerFor('d-1')}`, false, '2026-05-01T09:00:05Z'),
      ],
      users: [users.requester, users.bot],
      meta: { has_more: true, after_cursor: 'c2', before_cursor: null },
      links: { next: 'https://acme.zendesk.com/api/v2/tickets/4812/comments.json?include=users&page%5Bafter%5D=c2&page%5Bsize%5D=100', prev: null },
    });
    zd().get('/api/v2/tickets/4812/comments.json').query({ 'page[after]': 'c2', 'page[size]': '100', include: 'users' }).reply(200, {
      comments: [
        comment(1003, users.agent, 'Your parcel is on its way, here is the tracking link.', true, '2026-05-01T09:10:00Z'),
        comment(1004, users.agent, 'Carrier says one more day.', false, '2026-05-01T09:11:00Z'),
        // no body: the HTML is what the text comes from
        comment(1005, users.requester, '', true, '2026-05-02T08:00:00Z', { body: null, plain_body: null, html_body: '<p>Still nothing &amp; the link is dead.</p>' }),
        comment(1006, users.cc, 'Adding myself here too.', true, '2026-05-02T08:05:00Z'),
      ],
      users: [users.requester, users.agent, users.cc],
      meta: { has_more: false, after_cursor: null, before_cursor: 'c2' },
      links: { next: null, prev: 'https://acme.zendesk.com/api/v2/tickets/4812/comments.json?page%5Bbefore%5D=c2' },
    });

    const thread = await loader.loadZendeskThread('zendesk:acme', '4812');
    expect(threadSchema.parse(thread)).toEqual(thread);
    expect(thread).toMatchObject({
      tenant: 'zendesk:acme',
      provider: 'zendesk',
      id: '4812',
      subject: 'Where is my order?',
      status: 'open',
      tags: ['shipping', 'vip'],
      requester: { id: '9160112233', name: 'Dana Reyes', email: 'dana@example.org' },
    });
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      ['1001', 'customer', true],
      ['1002', 'ai', false],
      ['1003', 'agent', true],
      ['1004', 'agent', false],
      ['1005', 'customer', true],
      ['1006', 'customer', true],
    ]);
    expect(thread.messages[4]).toMatchObject({ text: 'Still nothing & the link is dead.', createdAt: '2026-05-02T08:00:00Z' });
  });

  it('refuses a ticket of another Zendesk account without calling it', async () => {
    const err = await loader.loadZendeskThread('zendesk:globex', '4812').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ code: 'zendesk_wrong_tenant', permanent: true });
    expect(loader.canLoad('zendesk:globex')).toBe(false);
    expect(loader.canLoad('zendesk:acme')).toBe(true);
  });

  it('reports a deleted ticket as a permanent 404', async () => {
    zd().get('/api/v2/tickets/999.json').reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const err = await loader.loadZendeskThread('zendesk:acme', '999').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HelpdeskError', status: 404, code: 'zendesk_not_found', permanent: true });
  });
});

describe('loading an Intercom conversation', () => {
  it('reads the conversation in plain text and maps authors like the webhook normalizer', async () => {
    nock('https://api.intercom.io')
      .matchHeader('authorization', `Bearer ${IC_TOKEN}`)
      .matchHeader('intercom-version', '2.14')
      .get('/conversations/215469330102875')
      .query({ display_as: 'plaintext' })
      .reply(200, {
        type: 'conversation',
        id: '215469330102875',
        created_at: 1795770000,
        updated_at: 1795771000,
        title: null,
        state: 'open',
        tags: { type: 'tag.list', tags: [{ type: 'tag', id: '9100', name: 'address-change' }] },
        source: {
          type: 'conversation',
          id: '2201848891',
          delivered_as: 'customer_initiated',
          subject: '',
          body: 'How do I change the delivery address on my order?',
          author: { type: 'user', id: '6643a1b2c3d4e5f601234567', name: 'Sam Okafor', email: 'sam@example.org' },
        },
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: '6643a1b2c3d4e5f601234567' }] },
        conversation_parts: {
          type: 'conversation_part.list',
          total_count: 5,
          conversation_parts: [
            { type: 'conversation_part', id: 'p1', part_type: 'note', body: `Draft: open Orders > Edit address. ${markerFor('d-9')}`, created_at: 1795770010, author: { type: 'admin', id: OUR_ADMIN, name: 'draftpilot' } },
            { type: 'conversation_part', id: 'p2', part_type: 'assignment', body: null, created_at: 1795770020, author: { type: 'admin', id: '700', name: 'Lee' } },
            { type: 'conversation_part', id: 'p3', part_type: 'comment', body: 'Open Orders, then Edit address.', created_at: 1795770030, author: { type: 'admin', id: '700', name: 'Lee' } },
            { type: 'conversation_part', id: 'p4', part_type: 'note', body: 'Customer moved twice this year.', created_at: 1795770040, author: { type: 'admin', id: '700', name: 'Lee' } },
            { type: 'conversation_part', id: 'p5', part_type: 'comment', body: 'Done, thanks!', created_at: 1795770050, author: { type: 'user', id: '6643a1b2c3d4e5f601234567', name: 'Sam Okafor' } },
          ],
        },
      });

    const thread = await loader.loadIntercomThread('intercom:x7k2pq9a', '215469330102875');
    expect(threadSchema.parse(thread)).toEqual(thread);
    expect(thread).toMatchObject({
      tenant: 'intercom:x7k2pq9a',
      provider: 'intercom',
      id: '215469330102875',
      status: 'open',
      tags: ['address-change'],
      requester: { id: '6643a1b2c3d4e5f601234567', name: 'Sam Okafor', email: 'sam@example.org' },
    });
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      ['source-2201848891', 'customer', true],
      ['p1', 'ai', false],
      ['p3', 'agent', true],
      ['p4', 'agent', false],
      ['p5', 'customer', true],
    ]);
    expect(thread.messages[0]).toMatchObject({ text: 'How do I change the delivery address on my order?', createdAt: new Date(1795770000 * 1000).toISOString() });
  });

  it('surfaces an expired token as a permanent 401', async () => {
    nock('https://api.intercom.io').get('/conversations/1').query(true).reply(401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    const err = await loader.loadIntercomThread('intercom:x7k2pq9a', '1').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HelpdeskError', provider: 'intercom', status: 401, permanent: true });
    expect((err as Error).message).toContain('INTERCOM_ACCESS_TOKEN');
    expect((err as Error).message).not.toContain(IC_TOKEN);
  });
});

describe('loading a Zendesk ticket with the writer\'s token provider', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const oauthEnv = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-xyz', APP_ENCRYPTION_KEY: KEY, ZENDESK_BOT_USER_ID: BOT_USER };
  /** POST /oauth/tokens as the writer's client-credentials grant sends it (zendesk-delivery.test.ts) */
  const clientBody = { grant_type: 'client_credentials', client_id: 'draftpilot', client_secret: 'client-secret-xyz', scope: 'read write' };
  const grant = (access: string) => ({ access_token: access, token_type: 'bearer', scope: 'read write', expires_in: 1800 });
  const zd = (token: string) => nock('https://acme.zendesk.com').matchHeader('authorization', `Bearer ${token}`);
  const ticket = { ticket: { id: 4812, subject: 'Where is my order?', status: 'open', tags: [], requester_id: 9160112233 } };
  const comments = {
    comments: [{ id: 1001, author_id: 9160112233, body: 'Hi, my order 77120 has not arrived.', public: true, created_at: '2026-05-01T09:00:00Z' }],
    users: [{ id: 9160112233, name: 'Dana Reyes', email: 'dana@example.org', role: 'end-user' }],
    meta: { has_more: false },
    links: { next: null },
  };

  /** As the service builds it (service/start-worker.ts): the writer's ZendeskAuth, passed to the loader. */
  function oauthLoader(store = new MemoryTokenStore()) {
    const zendeskAuth = zendeskAuthFromRaw(oauthEnv, { store })!;
    expect(zendeskAuth.tokens.kind).toBe('oauth');
    return ThreadLoader.forAccounts(accountsOf(oauthEnv), { zendeskAuth });
  }

  it('client credentials: the first read is preceded by one grant, every read carries the granted token, and the next load reuses it', async () => {
    const store = new MemoryTokenStore();
    const oauth = oauthLoader(store);
    expect(oauth.canLoad('zendesk:acme')).toBe(true);
    expect(oauth.canLoad('zendesk:globex')).toBe(false);
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('access-A'));
    zd('access-A').get('/api/v2/tickets/4812.json').reply(200, ticket);
    zd('access-A').get('/api/v2/tickets/4812/comments.json').query({ 'page[size]': '100', include: 'users' }).reply(200, comments);
    const thread = await oauth.loadZendeskThread('zendesk:acme', '4812');
    expect(thread).toMatchObject({ tenant: 'zendesk:acme', id: '4812', requester: { name: 'Dana Reyes' } });
    expect(thread.messages.map((m) => [m.id, m.author])).toEqual([['1001', 'customer']]);
    // The grant was sealed into the writer's store, not kept in the clear.
    const row = await store.get('zendesk:acme');
    expect(row?.sealed).not.toContain('access-A');
    expect(JSON.parse(TokenCipher.fromBase64Key(KEY).open(row!.sealed, 'zendesk:acme'))).toMatchObject({ accessToken: 'access-A' });

    // The token is still valid: no second grant (an unexpected POST /oauth/tokens would not be intercepted).
    zd('access-A').get('/api/v2/tickets/4812.json').reply(200, ticket);
    zd('access-A').get('/api/v2/tickets/4812/comments.json').query(true).reply(200, comments);
    await oauth.loadZendeskThread('zendesk:acme', '4812');
  });

  it('a 401 on a read renews the token once and repeats the read with the new one', async () => {
    const oauth = oauthLoader();
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('access-A'));
    zd('access-A').get('/api/v2/tickets/4812.json').reply(401, { error: 'invalid_token', description: 'The access token provided is expired, revoked, malformed or invalid' });
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('access-B'));
    zd('access-B').get('/api/v2/tickets/4812.json').reply(200, ticket);
    zd('access-B').get('/api/v2/tickets/4812/comments.json').query(true).reply(200, comments);
    const thread = await oauth.loadZendeskThread('zendesk:acme', '4812');
    expect(thread.messages).toHaveLength(1);
  });

  it('a second 401 after the renewal is final: one renewal, no loop', async () => {
    const oauth = oauthLoader();
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('access-A'));
    zd('access-A').get('/api/v2/tickets/4812.json').reply(401, { error: 'invalid_token' });
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('access-B'));
    zd('access-B').get('/api/v2/tickets/4812.json').reply(401, { error: 'invalid_token' });
    const err = await oauth.loadZendeskThread('zendesk:acme', '4812').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HelpdeskError', status: 401, code: 'zendesk_unauthorized', permanent: true });
    expect((err as Error).message).not.toMatch(/access-[AB]/);
  });

  it('a refused grant fails the load as a permanent error naming the OAuth client, before any read', async () => {
    const oauth = oauthLoader();
    nock('https://acme.zendesk.com').post('/oauth/tokens', clientBody).reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const err = await oauth.loadZendeskThread('zendesk:acme', '4812').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HelpdeskError', code: 'zendesk_oauth_refused', permanent: true });
    expect((err as Error).message).toContain('ZENDESK_OAUTH_CLIENT_ID');
  });

  it('a static ZENDESK_ACCESS_TOKEN through the same provider: its token as is, no grant, a 401 is final', async () => {
    const env = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_ACCESS_TOKEN: ZD_TOKEN };
    const zendeskAuth = zendeskAuthFromRaw(env)!;
    expect(zendeskAuth.tokens.kind).toBe('static');
    const fixed = ThreadLoader.forAccounts(accountsOf(env), { zendeskAuth });
    zd(ZD_TOKEN).get('/api/v2/tickets/4812.json').reply(200, ticket);
    zd(ZD_TOKEN).get('/api/v2/tickets/4812/comments.json').query(true).reply(200, comments);
    expect((await fixed.loadZendeskThread('zendesk:acme', '4812')).messages).toHaveLength(1);
    zd(ZD_TOKEN).get('/api/v2/tickets/4813.json').once().reply(401, { error: 'invalid_token' });
    expect(await fixed.loadZendeskThread('zendesk:acme', '4813').catch((e: unknown) => e)).toMatchObject({ status: 401, code: 'zendesk_unauthorized' });
  });

  it('without Zendesk credentials names both ways to set them', async () => {
    const none = ThreadLoader.forAccounts(accountsOf({ ZENDESK_SUBDOMAIN: 'acme' }));
    expect(none.canLoad('zendesk:acme')).toBe(false);
    const err = await none.loadZendeskThread('zendesk:acme', '4812').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'zendesk_not_configured', permanent: true });
    expect((err as Error).message).toContain('ZENDESK_ACCESS_TOKEN');
    expect((err as Error).message).toContain('ZENDESK_OAUTH_CLIENT_ID');
  });
});
