import { connect } from 'node:net';
import nock from 'nock';
import { runCli } from '../../src/cli';
import { loadThread } from '../../src/threads/thread-store';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgres, describeWithPostgresAndRedis } from '../helpers/services';
import { startTestService, TestService } from '../helpers/test-service';
import { until } from '../helpers/until';

const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };

const drafts = (t: TestService) => fetch(`${t.url}/api/drafts?limit=50`, { headers: ADMIN }).then((r) => r.json() as Promise<{ drafts: { thread_id: string; status: string; error: string | null }[] }>);
const deliveries = (t: TestService) =>
  fetch(`${t.url}/api/deliveries?limit=50`, { headers: ADMIN }).then((r) => r.json() as Promise<{ deliveries: { delivery_id: string; thread_id: string; status: string; last_error: string | null; attempts: number }[] }>);

function poisonSuite(store: 'pglite' | 'postgres') {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ store });
  });
  afterAll(() => t?.close());

  it('a NUL and a lone surrogate in a comment are stored as U+FFFD; the message is drafted on the first attempt', async () => {
    const body = zendeskComment({ ticketId: '7701', text: 'How long does standard delivery take?\u0000 It is for a gift \ud800 thanks' });
    expect((await t.postZendesk(body)).status).toBe(202);
    await t.waitIdle();
    const row = (await deliveries(t)).deliveries.find((d) => d.delivery_id === body.id);
    expect(row).toMatchObject({ status: 'done', attempts: 0, last_error: null });
    const thread = await loadThread(t.service.store.db, { tenant: 'zendesk:acme', provider: 'zendesk', threadId: '7701' });
    const text = thread!.thread.messages[0]!.text;
    expect(text).toBe('How long does standard delivery take?\uFFFD It is for a gift \uFFFD thanks');
    expect((await drafts(t)).drafts.filter((d) => d.thread_id === '7701')).toHaveLength(1);
  });

  it('a NUL in a signed event id does not fail the deliveries written with it', async () => {
    const poisoned = zendeskComment({ ticketId: '7702', id: 'evt-\u0000-poison' });
    const clean = [zendeskComment({ ticketId: '7703' }), zendeskComment({ ticketId: '7704' })];
    const answers = await Promise.all([poisoned, ...clean].map((b) => t.postZendesk(b)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    await t.waitIdle();
    const rows = (await deliveries(t)).deliveries;
    expect(rows.find((d) => d.delivery_id === 'evt-\uFFFD-poison')).toMatchObject({ status: 'done' });
    for (const b of clean) expect(rows.find((d) => d.delivery_id === b.id)).toMatchObject({ status: 'done' });
  });

  it('when the database refuses one row of a batch, only that delivery is refused', async () => {
    const base = { tenant: 'zendesk:acme', provider: 'zendesk' as const, receivedAt: new Date(), payload: '{}', status: 'recorded' as const };
    // A NUL in a text column is refused by PostgreSQL (the edge makes ids storable; this bypasses it).
    const results = await Promise.allSettled([
      t.service.inbox.record({ ...base, deliveryId: 'batch-ok-1', topic: 'ticket.comment_added', threadId: '7710' }),
      t.service.inbox.record({ ...base, deliveryId: 'batch-bad', topic: 'ticket.\u0000', threadId: '7711' }),
      t.service.inbox.record({ ...base, deliveryId: 'batch-ok-2', topic: 'ticket.comment_added', threadId: '7712' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const ids = (await deliveries(t)).deliveries.map((d) => d.delivery_id);
    expect(ids).toEqual(expect.arrayContaining(['batch-ok-1', 'batch-ok-2']));
    expect(ids).not.toContain('batch-bad');
  });
}

describe('poison input, embedded store', () => poisonSuite('pglite'));
describeWithPostgres('poison input, PostgreSQL', () => poisonSuite('postgres'));

function failureSuite(mode: { store?: 'pglite' | 'postgres'; queue?: 'inline' | 'bullmq' }) {
  let t: TestService;
  afterEach(() => nock.cleanAll());
  afterAll(() => t?.close());

  const ticket = (id: number) => ({ ticket: { id, subject: 'Return', status: 'open', tags: [], requester_id: 501, updated_at: '2026-11-27T08:00:01Z' } });

  it('a permanent helpdesk error shows failed with the error on the delivery and the draft; redrive delivers it after the fix', async () => {
    nock('http://zendesk.test').persist().get('/api/v2/help_center/locales.json').reply(200, { locales: [] });
    t = await startTestService({ ...mode, env: { ZENDESK_ACCESS_TOKEN: 'zd-access-token', ZENDESK_BASE_URL: 'http://zendesk.test' }, settings: (s) => (s.queue.attempts = 2) });
    // The token lacks a scope: 403 on the ticket read, permanent.
    nock('http://zendesk.test').get('/api/v2/tickets/7801.json').reply(403, { error: 'Forbidden' });
    const body = zendeskComment({ ticketId: '7801', text: 'How many days do I have to return an item?' });
    expect((await t.postZendesk(body)).status).toBe(202);
    const failed = await until('the delivery to fail', async () => (await deliveries(t)).deliveries.find((d) => d.delivery_id === body.id && d.status === 'failed'));
    expect(failed.last_error).toMatch(/not delivered: zendesk GET .*tickets\/7801\.json answered 403/);
    const draft = (await drafts(t)).drafts.find((d) => d.thread_id === '7801');
    expect(draft).toMatchObject({ status: 'failed', error: expect.stringContaining('answered 403') });

    // The scope is fixed; the operator redrives: the draft is delivered once, after the marker check.
    nock('http://zendesk.test').get('/api/v2/tickets/7801/comments.json').query(true).reply(200, { comments: [], meta: { has_more: false } });
    nock('http://zendesk.test').get('/api/v2/tickets/7801.json').reply(200, ticket(7801));
    const writes: unknown[] = [];
    nock('http://zendesk.test').put('/api/v2/tickets/7801.json', (b) => writes.push(b) > 0).reply(200, { ticket: { id: 7801 }, audit: { events: [{ id: 1, type: 'Comment' }] } });
    const out: string[] = [];
    const code = await runCli(['redrive', '--url', t.url, '--tenant', 'zendesk:acme'], { env: { ADMIN_TOKEN: 'test-admin-token-0123456789' }, cwd: '/nonexistent-dir', stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
    expect([code, out.join('')]).toEqual([0, 'redrive: 1 failed deliveries on 1 threads and 1 failed drafts queued again (zendesk:acme)\n']);
    await until('the redriven delivery to finish', async () => ((await deliveries(t)).deliveries.find((d) => d.delivery_id === body.id)?.status === 'done' ? true : undefined));
    expect(writes).toHaveLength(1);
    expect((await drafts(t)).drafts.find((d) => d.thread_id === '7801')).toMatchObject({ status: 'delivered', error: null });
  });

  it('a write that fails on every attempt shows failed, with the error, on the delivery and on the draft', async () => {
    nock('http://zendesk.test').get('/api/v2/tickets/7802.json').times(2).reply(200, ticket(7802));
    nock('http://zendesk.test').get('/api/v2/tickets/7802/comments.json').query(true).reply(200, { comments: [], meta: { has_more: false } });
    nock('http://zendesk.test').put('/api/v2/tickets/7802.json').times(2).reply(500, { error: 'InternalError' });
    const first = zendeskComment({ ticketId: '7802', text: 'How many days do I have to return an item?' });
    expect((await t.postZendesk(first)).status).toBe(202);
    const failed = await until('the dead letter', async () => (await deliveries(t)).deliveries.find((d) => d.delivery_id === first.id && d.status === 'failed'));
    expect(failed).toMatchObject({ attempts: 2, last_error: expect.stringContaining('answered 500') });
    expect((await drafts(t)).drafts.find((d) => d.thread_id === '7802')).toMatchObject({ status: 'failed', error: expect.stringMatching(/not delivered: .*500.*after 2 attempts/) });
  });

  it('a dead letter fails what the job worked on; a delivery that arrived after its last attempt began is left for a job of its own', async () => {
    const at = (s: number) => new Date(Date.parse('2026-12-01T10:00:00Z') + s * 1000);
    const inbox = t.service.inbox;
    const row = (deliveryId: string, receivedAt: Date) => ({ tenant: 'zendesk:acme', provider: 'zendesk' as const, deliveryId, topic: 'ticket.comment_added', threadId: '7803', receivedAt, payload: '{}', status: 'received' as const });
    const before = await inbox.record(row('dl-before', at(-5)));
    const during = await inbox.record(row('dl-during', at(30)));
    expect([before.inserted, during.inserted]).toEqual([true, true]);
    const result = await inbox.failThread({ tenant: 'zendesk:acme', provider: 'zendesk', threadId: '7803' }, 'zendesk PUT answered 500', 6, at(0));
    expect(result).toEqual({ failed: 1, remaining: 1 });
    const rows = (await deliveries(t)).deliveries.filter((d) => d.thread_id === '7803');
    const byId = Object.fromEntries(rows.map((d) => [d.delivery_id, d]));
    expect(byId['dl-before']).toMatchObject({ status: 'failed', last_error: expect.stringContaining('answered 500') });
    // The later delivery was not failed with the thread: it waits for (or already had) a job of its own,
    // whose outcome is its own (the relay may pick it up before this read on a busy machine).
    expect(byId['dl-during']).toBeDefined();
    expect(byId['dl-during']!.last_error ?? '').not.toContain('answered 500');
  });

  it('POST /api/redrive refuses a body it cannot read, naming the field', async () => {
    const res = await fetch(`${t.url}/api/redrive`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ since: 'yesterday' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_body', message: expect.stringContaining('since') });
  });
}

describe('failures are visible and can be redriven (embedded: PGlite, in-process queue)', () => failureSuite({}));
describeWithPostgresAndRedis('failures are visible and can be redriven (PostgreSQL, BullMQ)', () => failureSuite({ store: 'postgres', queue: 'bullmq' }));

describe('HTTP limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ settings: (s) => (s.webhooks.body_timeout_ms = 300) });
  });
  afterAll(() => t?.close());

  it('a webhook body that does not arrive in time is answered 408 and the connection closed', async () => {
    const { port } = new URL(t.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /webhooks/zendesk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":');
      });
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"error":"request_timeout"');
  });

  it('/readyz names a failing check without its internal error', async () => {
    const probe = t.service;
    await probe.queue.close(0); // the embedded queue now refuses work
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', checks: { store: 'ok', queue: 'unavailable' } });
  });
});
