import nock from 'nock';
import { fixture, zendeskComment } from '../helpers/fixtures';
import { SHOP_CATEGORIES } from '../helpers/drafting';
import { startTestService, TestService } from '../helpers/test-service';

async function drafts(t: TestService) {
  return t.service.store.db.selectFrom('drafts').selectAll().orderBy('created_at').execute();
}

/**
 * The Zendesk API of one ticket whose only comment is a customer's question (persisting nock
 * interceptors under `auth`): the Help Center locales (none), the ticket and its comments.
 */
function zendeskTicketWithQuestion(auth: string, ticketId: number, commentId: number, ticket: Record<string, unknown>): void {
  // (the Help Center listing, then the ticket and its comments)
  const api = nock('http://zendesk.test').matchHeader('authorization', auth).persist();
  // The account's own help center: a live account never drafts from the demo articles.
  api.get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
  api
    .get('/api/v2/help_center/en-us/articles.json')
    .query(true)
    .reply(200, {
      articles: [{ id: 801, locale: 'en-us', title: 'Returns', html_url: 'http://zendesk.test/hc/articles/801', body: '<p>You can return an item within 30 days of delivery. Start the return from your order page and print the prepaid label.</p>', draft: false, updated_at: '2026-11-01T00:00:00Z' }],
      meta: { has_more: false },
      links: { next: null },
    });
  api.get(`/api/v2/tickets/${ticketId}.json`).reply(200, { ticket });
  api
    .get(`/api/v2/tickets/${ticketId}/comments.json`)
    .query(true)
    .reply(200, {
      comments: [{ id: commentId, type: 'Comment', author_id: 501, body: 'How many days do I have to return an item?', public: true, created_at: '2026-11-27T08:00:00Z' }],
      users: [{ id: 501, name: 'Sam Okafor', email: 'sam@example.org', role: 'end-user' }],
      meta: { has_more: false },
      links: { next: null },
    });
}

describe('a delivery becomes a stored draft (embedded, offline model, shadow mode)', () => {
  let t: TestService;
  beforeAll(async () => {
    // The shop's categories as a team would set them, with shipping on autopilot (the shipped file has none).
    t = await startTestService({ env: { CATEGORIES_FILE: SHOP_CATEGORIES } });
  });
  afterAll(() => t.close());

  it('drafts the customer message once, with decision, reasons, sources and brief', async () => {
    const body = zendeskComment({ ticketId: '6100', text: 'How long does standard delivery take?' });
    expect((await t.postZendesk(body)).status).toBe(202);
    await t.waitIdle();
    let rows: Awaited<ReturnType<typeof drafts>> = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = await drafts(t);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant: 'zendesk:acme', thread_id: '6100', message_id: body.event.comment.id, decision: 'autopilot', category: 'shipping', reasons: [], model: 'offline' });
    expect(rows[0]!.draft).toContain('Standard delivery takes 2 to 4 working days');
    expect(rows[0]!.sources).toEqual([expect.objectContaining({ url: 'https://help.demo-shop.example/articles/shipping' })]);
    // no Zendesk credentials: shadow mode, the would-be write is stored with the draft
    for (let i = 0; i < 100 && !(await drafts(t))[0]!.delivered_at; i++) await new Promise((r) => setTimeout(r, 20));
    const delivered = (await drafts(t))[0]!;
    expect(delivered.delivery).toMatchObject({ shadow: true, written: false, apiCalls: 0, writes: [{ method: 'PUT', path: '/api/v2/tickets/6100.json' }] });

    // the same comment reported again by a trigger webhook (another delivery id): no second draft
    const trigger = { ...fixture('zendesk', 'trigger-comment'), ticket_id: '6100', comment_id: body.event.comment.id, text: 'How long does standard delivery take?' };
    expect((await t.postZendesk(trigger, { headers: { 'x-zendesk-webhook-invocation-id': '990001' } })).status).toBe(202);
    await t.waitIdle();
    await new Promise((r) => setTimeout(r, 100));
    expect(await drafts(t)).toHaveLength(1);
  });

  it('a new customer message supersedes the draft still waiting for an agent', async () => {
    await t.postZendesk(zendeskComment({ ticketId: '6102', text: 'How many days do I have to return an item?' }));
    await t.waitIdle();
    let first;
    for (let i = 0; i < 100 && !first?.delivered_at; i++) {
      first = (await drafts(t)).find((d) => d.thread_id === '6102');
      if (!first?.delivered_at) await new Promise((r) => setTimeout(r, 20));
    }
    expect(first).toMatchObject({ decision: 'review', superseded_by: null });
    await t.postZendesk(zendeskComment({ ticketId: '6102', text: 'Also, which payment methods do you accept?' }));
    await t.waitIdle();
    let rows = await drafts(t);
    for (let i = 0; i < 100 && !rows.find((d) => d.thread_id === '6102' && d.id !== first!.id)?.delivered_at; i++) {
      await new Promise((r) => setTimeout(r, 20));
      rows = await drafts(t);
    }
    const second = rows.find((d) => d.thread_id === '6102' && d.id !== first!.id)!;
    expect(rows.find((d) => d.id === first!.id)!.superseded_by).toBe(second.id);
    const write = (second.delivery as { writes: { body: { ticket: { comment: { html_body: string; public: boolean } } } }[] }).writes[0]!;
    expect(write.body.ticket.comment.public).toBe(false);
    expect(write.body.ticket.comment.html_body).toContain(`Supersedes:</strong> the earlier draftpilot note on this ticket (${first!.id})`);
  });

  it('escalates a request for a person with the brief and no autopilot', async () => {
    await t.postZendesk(zendeskComment({ ticketId: '6101', text: 'I want to speak to a real person about my parcel, now.' }));
    await t.waitIdle();
    await new Promise((r) => setTimeout(r, 100));
    const row = (await drafts(t)).find((d) => d.thread_id === '6101');
    expect(row).toMatchObject({ decision: 'escalate', reasons: ['human_requested'] });
    expect(row!.brief).toMatchObject({ question: expect.stringContaining('real person'), escalation_reasons: ['human_requested'] });
  });
});

describe('live Zendesk: a trigger delivery without text reads the ticket, and the review draft is written as a private note', () => {
  let t: TestService;
  afterEach(() => nock.cleanAll());
  afterAll(() => t?.close());

  it('loads the comments with the access token, drafts the newest customer message and writes one update with public:false', async () => {
    zendeskTicketWithQuestion('Bearer zd-access-token', 6200, 7001, { id: 6200, subject: 'Return', status: 'open', tags: ['web'], requester_id: 501, updated_at: '2026-11-27T08:00:01Z' });
    const writes: any[] = [];
    nock('http://zendesk.test').put('/api/v2/tickets/6200.json', (body) => writes.push(body) > 0).reply(200, { ticket: { id: 6200 }, audit: { events: [{ id: 99, type: 'Comment' }] } });
    t = await startTestService({ env: { ZENDESK_ACCESS_TOKEN: 'zd-access-token', ZENDESK_BASE_URL: 'http://zendesk.test' } });
    const trigger = { draftpilot_trigger: 1, event: 'comment.added', ticket_id: '6200', requester_id: '501', comment_author_id: '501', comment_public: 'true', status: 'open' };
    expect((await t.postZendesk(trigger, { headers: { 'x-zendesk-webhook-invocation-id': '990100' } })).status).toBe(202);
    await t.waitIdle();
    let row;
    for (let i = 0; i < 100 && !row; i++) {
      row = (await drafts(t)).find((d) => d.thread_id === '6200');
      if (!row) await new Promise((r) => setTimeout(r, 20));
    }
    expect(row).toMatchObject({ message_id: '7001', category: 'returns', decision: 'review' });
    expect(row!.draft).toMatch(/^Hi Sam,/);
    for (let i = 0; i < 100 && writes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(writes).toHaveLength(1);
    expect(writes[0].ticket.comment.public).toBe(false);
    expect(writes[0].ticket.comment.html_body).toContain(`[draftpilot ref ${row!.id}]`);
    expect(writes[0].ticket.tags).toEqual(expect.arrayContaining(['web', 'draftpilot_review']));
    expect(writes[0]).toMatchObject({ ticket: { safe_update: true, updated_stamp: '2026-11-27T08:00:01Z' } });
    for (let i = 0; i < 100 && !(await drafts(t)).find((d) => d.thread_id === '6200')?.delivered_at; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await drafts(t)).find((d) => d.thread_id === '6200')!.delivery).toMatchObject({ shadow: false, written: true, apiCalls: 2 });
    // the operator API lists the decision and counts the API calls per processed message
    const listed = await fetch(`${t.url}/api/drafts?limit=5`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } }).then((r) => r.json() as Promise<any>);
    expect(listed.drafts[0]).toMatchObject({ thread_id: '6200', decision: 'review', delivery: { shadow: false, written: true, api_calls: 2 } });
    expect(listed.api_calls).toEqual({ zendesk: { messages: 1, api_calls: 2, per_message: 2 } });
  });
});

describe('live Zendesk in pending-macro mode (settings delivery.zendesk.pending_macros)', () => {
  let t: TestService;
  afterEach(() => nock.cleanAll());
  afterAll(() => t?.close());

  it('a review draft of a macro category becomes a macro restricted to the assignee, and the note names it', async () => {
    zendeskTicketWithQuestion('Bearer zd-access-token', 6300, 7101, { id: 6300, subject: 'Return', status: 'open', tags: [], requester_id: 501, assignee_id: 3001, group_id: 7001, updated_at: '2026-11-27T08:00:01Z' });
    const macros: any[] = [];
    const writes: any[] = [];
    nock('http://zendesk.test').post('/api/v2/macros.json', (body) => macros.push(body) > 0).reply(201, { macro: { id: 880001 } });
    nock('http://zendesk.test').put('/api/v2/tickets/6300.json', (body) => writes.push(body) > 0).reply(200, { ticket: { id: 6300 }, audit: { events: [{ id: 98, type: 'Comment' }] } });
    t = await startTestService({
      env: { ZENDESK_ACCESS_TOKEN: 'zd-access-token', ZENDESK_BASE_URL: 'http://zendesk.test' },
      settings: (s) => {
        s.delivery.zendesk.pending_macros.categories = ['returns'];
      },
    });
    const trigger = { draftpilot_trigger: 1, event: 'comment.added', ticket_id: '6300', requester_id: '501', comment_author_id: '501', comment_public: 'true', status: 'open' };
    expect((await t.postZendesk(trigger, { headers: { 'x-zendesk-webhook-invocation-id': '990300' } })).status).toBe(202);
    await t.waitIdle();
    for (let i = 0; i < 200 && writes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const row = (await drafts(t)).find((d) => d.thread_id === '6300')!;
    expect(row).toMatchObject({ category: 'returns', decision: 'review' });
    expect(macros).toHaveLength(1);
    expect(macros[0].macro.restriction).toEqual({ type: 'User', id: 3001 });
    expect(macros[0].macro.actions).toContainEqual({ field: 'comment_mode_is_public', value: false });
    expect(macros[0].macro.title).toBe(`draftpilot #6300 reply draft (${row.id})`);
    expect(writes).toHaveLength(1);
    expect(writes[0].ticket.comment.public).toBe(false);
    expect(writes[0].ticket.comment.html_body).toContain(`in the macro <strong>draftpilot #6300 reply draft (${row.id})</strong>`);
    const tracked = await t.service.store.db.selectFrom('pending_macros').selectAll().execute();
    expect(tracked).toEqual([expect.objectContaining({ macro_id: '880001', tenant: 'zendesk:acme', ticket_id: '6300', draft_id: row.id, removed_at: null })]);
  });
});

describe('a shadow tenant with live credentials', () => {
  afterEach(() => nock.cleanAll());

  it('decides and records, and writes nothing to its helpdesk', async () => {
    const api = nock('http://zendesk.test').matchHeader('authorization', 'Bearer zd-access-token').persist();
    api.get('/api/v2/help_center/locales.json').reply(200, { locales: [] });
    const writes: unknown[] = [];
    nock('http://zendesk.test').persist().put(/.*/, (b) => writes.push(b) > 0).reply(200, {});
    const t = await startTestService({ env: { ZENDESK_ACCESS_TOKEN: 'zd-access-token', ZENDESK_BASE_URL: 'http://zendesk.test', SHADOW_TENANTS: 'zendesk:acme' } });
    try {
      await t.postZendesk(zendeskComment({ ticketId: '6300', text: 'How many days do I have to return an item?' }));
      await t.waitIdle();
      let row;
      for (let i = 0; i < 100 && !row?.delivered_at; i++) {
        row = (await drafts(t)).find((d) => d.thread_id === '6300');
        if (!row?.delivered_at) await new Promise((r) => setTimeout(r, 20));
      }
      expect(row!.delivery).toMatchObject({ shadow: true, written: false, apiCalls: 0 });
      expect(writes).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('live Zendesk with the OAuth client (client credentials) and no static token', () => {
  let t: TestService;
  afterEach(() => nock.cleanAll());
  afterAll(() => t?.close());

  it('the help-center sync, the thread loader and the writer share one token provider: one grant, every call with its token', async () => {
    let grants = 0;
    nock('http://zendesk.test')
      .persist()
      .post('/oauth/tokens', { grant_type: 'client_credentials', client_id: 'draftpilot', client_secret: 'client-secret-xyz', scope: 'read write' })
      .reply(() => {
        grants++;
        return [200, { access_token: 'oauth-access-A', token_type: 'bearer', scope: 'read write', expires_in: 1800 }];
      });
    zendeskTicketWithQuestion('Bearer oauth-access-A', 6400, 7201, { id: 6400, subject: 'Return', status: 'open', tags: [], requester_id: 501, updated_at: '2026-11-27T08:00:01Z' });
    const writes: any[] = [];
    nock('http://zendesk.test')
      .matchHeader('authorization', 'Bearer oauth-access-A')
      .put('/api/v2/tickets/6400.json', (body) => writes.push(body) > 0)
      .reply(200, { ticket: { id: 6400 }, audit: { events: [{ id: 97, type: 'Comment' }] } });
    t = await startTestService({
      env: { ZENDESK_BASE_URL: 'http://zendesk.test', ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-xyz', APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    // A trigger carries ids only: the thread is loaded from the API.
    const trigger = { draftpilot_trigger: 1, event: 'comment.added', ticket_id: '6400', requester_id: '501', comment_author_id: '501', comment_public: 'true', status: 'open' };
    expect((await t.postZendesk(trigger, { headers: { 'x-zendesk-webhook-invocation-id': '990400' } })).status).toBe(202);
    await t.waitIdle();
    for (let i = 0; i < 200 && !(await drafts(t)).find((d) => d.thread_id === '6400')?.delivered_at; i++) await new Promise((r) => setTimeout(r, 20));
    const row = (await drafts(t)).find((d) => d.thread_id === '6400');
    expect(row).toMatchObject({ message_id: '7201', category: 'returns' });
    expect(writes).toHaveLength(1);
    expect(row!.delivery).toMatchObject({ shadow: false, written: true });
    expect(grants).toBe(1);
    const sealed = await t.service.store.db.selectFrom('oauth_tokens').selectAll().execute();
    expect(sealed.map((r) => r.account)).toEqual(['zendesk:acme']);
    expect(sealed[0]!.sealed).not.toContain('oauth-access-A');
  });
});
