import { createHash } from 'node:crypto';
import { distance } from 'fastest-levenshtein';
import { runCli } from '../../src/cli';
import { mintAppSession } from '../../src/apps/app-session';
import type { DraftDetail } from '../../src/drafting/draft-view';
import type { ReviewView } from '../../src/reviews/review-view';
import { freshIntercom, zendeskComment } from '../helpers/fixtures';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * POST /api/reviews and POST /api/drafts/:id/brief-feedback against a running service, with the admin
 * token and with app sessions; GET /api/drafts/:id and `drafts show` then show what was recorded.
 */

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

function reviewsSuite(mode: Pick<TestServiceOptions, 'store' | 'queue'>) {
  let t: TestService;
  /** the service's clock runs this far ahead once the drafts exist: reviews come "later" */
  let aheadMs = 0;
  let zendeskDraft: DraftDetail;
  let intercomDraft: DraftDetail;

  const getJson = async (path: string, headers: Record<string, string> = ADMIN) => {
    const res = await fetch(`${t.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = ADMIN) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const draftOf = async (threadId: string): Promise<DraftDetail> => {
    const id = await until(`the draft of ${threadId}`, async () => {
      const list = (await getJson('/api/drafts?limit=100')).body as { drafts: { id: string; thread_id: string; delivered_at: string | null }[] };
      return list.drafts.find((d) => d.thread_id === threadId && d.delivered_at)?.id;
    });
    return (await getJson(`/api/drafts/${id}`)).body as DraftDetail;
  };
  const session = (claims: Partial<Parameters<typeof mintAppSession>[0]> = {}, options: { secret?: string; ttl?: number; at?: Date } = {}) =>
    mintAppSession(
      { tenant: 'zendesk:acme', provider: 'zendesk', installationId: '360001', agentId: '7001', agentName: 'Ann Agent', ...claims },
      options.secret ?? t.config.appSession.secret,
      options.ttl ?? 600,
      options.at ?? new Date(Date.now() + aheadMs),
    ).then((token) => ({ authorization: `Bearer ${token}` }));

  beforeAll(async () => {
    // no helpdesk credentials: shadow mode, drafted from the shipped knowledge
    t = await startTestService({ ...mode, now: () => new Date(Date.now() + aheadMs) });
    expect((await t.postZendesk(zendeskComment({ ticketId: '8301', text: 'How many days do I have to return an item?' }))).status).toBe(202);
    expect((await t.postIntercom(freshIntercom('conversation-user-created', { id: `notif_reviews_${Date.now()}` }))).status).toBe(202);
    await t.waitIdle();
    zendeskDraft = await draftOf('8301');
    intercomDraft = await draftOf('215469330102875');
    aheadMs = 90_000;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an approve with the admin token is stored (source api, distance 0, the draft version, the seconds since the draft) and shown with the draft', async () => {
    expect(zendeskDraft.draft).toEqual(expect.any(String));
    const { status, body } = await post('/api/reviews', { draft_id: zendeskDraft.id, action: 'approve', agent: { id: '7001', name: 'Ann Agent' } });
    expect(status).toBe(201);
    const review = body as ReviewView;
    expect(review).toMatchObject({
      id: expect.stringMatching(/^r_[A-Za-z0-9_-]{12}$/),
      draft_id: zendeskDraft.id,
      tenant: 'zendesk:acme',
      provider: 'zendesk',
      action: 'approve',
      reason: null,
      text: null,
      sent_text: null,
      agent: { id: '7001', name: 'Ann Agent' },
      draft_version: createHash('sha256').update(zendeskDraft.draft!, 'utf8').digest('hex'),
      edit_distance: 0,
      source: 'api',
    });
    expect(review.seconds_to_review).toBeGreaterThanOrEqual(89);
    expect(review.seconds_to_review).toBeLessThan(120);
    const detail = (await getJson(`/api/drafts/${zendeskDraft.id}`)).body as DraftDetail;
    expect(detail.reviews).toEqual([review]);
  });

  it('an edit stores the sent text and its edit distance from the draft; a second agent sees the first one\'s review', async () => {
    const sent = `${zendeskDraft.draft!}\n\nKind regards, Bob`;
    const { status, body } = await post('/api/reviews', { draft_id: zendeskDraft.id, action: 'edit', sent_text: sent, agent: { id: 7002 } }, await session({ agentId: '7002', agentName: 'Bob' }));
    expect(status).toBe(201);
    expect(body).toMatchObject({ action: 'edit', sent_text: sent, agent: { id: '7002', name: 'Bob' }, source: 'zendesk_app', edit_distance: distance(zendeskDraft.draft!.replace(/\s+/g, ' ').trim(), sent.replace(/\s+/g, ' ').trim()) });
    expect(body.edit_distance).toBeGreaterThan(10);
    const detail = (await getJson(`/api/drafts/${zendeskDraft.id}`)).body as DraftDetail;
    expect(detail.reviews.map((r) => [r.action, r.agent.id])).toEqual([['approve', '7001'], ['edit', '7002']]);
  });

  it('a reject needs a reason from the taxonomy, "other" needs text, an edit needs sent_text: 422 naming the field, nothing stored', async () => {
    const base = { draft_id: intercomDraft.id, agent: { id: '7001' } };
    const noReason = await post('/api/reviews', { ...base, action: 'reject' });
    expect(noReason).toEqual({ status: 422, body: { error: 'invalid_review', message: expect.stringMatching(/^reason: a reject needs a reason: one of wrong_information, /) } });
    const unknown = await post('/api/reviews', { ...base, action: 'reject', reason: 'ugly' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/^reason: one of wrong_information/);
    const other = await post('/api/reviews', { ...base, action: 'reject', reason: 'other', text: '  ' });
    expect(other).toEqual({ status: 422, body: { error: 'invalid_review', message: 'text: reason "other" needs the agent\'s words in text' } });
    const edit = await post('/api/reviews', { ...base, action: 'edit' });
    expect(edit.body.message).toBe('sent_text: an edit needs the text that was sent (sent_text)');
    const action = await post('/api/reviews', { ...base, action: 'replaced' });
    expect(action.body.message).toMatch(/^action: one of approve, edit, reject, escalate/);
    const agent = await post('/api/reviews', { draft_id: intercomDraft.id, action: 'approve' });
    expect(agent.body.message).toMatch(/^agent: /);
    expect((await getJson(`/api/drafts/${intercomDraft.id}`)).body.reviews).toEqual([]);

    const ok = await post('/api/reviews', { ...base, action: 'reject', reason: 'other', text: 'quotes last year\'s prices' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ action: 'reject', reason: 'other', text: 'quotes last year\'s prices', edit_distance: null, tenant: 'intercom:x7k2pq9a', provider: 'intercom' });
  });

  it('answers 404 for an unknown draft, 401 without or with bad credentials, and keeps an app session to its own tenant and agent', async () => {
    const review = { draft_id: 'd_AAAAAAAAAAAA', action: 'approve', agent: { id: '7001' } };
    expect(await post('/api/reviews', review)).toEqual({ status: 404, body: { error: 'draft_not_found', message: 'no draft d_AAAAAAAAAAAA in this store; GET /api/drafts lists the recent ones' } });
    const onDraft = { ...review, draft_id: zendeskDraft.id };
    expect(await post('/api/reviews', onDraft, {})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await post('/api/reviews', onDraft, { authorization: 'Bearer wrong-token' })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const forged = await post('/api/reviews', onDraft, await session({}, { secret: 'another-secret-another-secret-another' }));
    expect(forged).toMatchObject({ status: 401, body: { message: expect.stringContaining('bad signature') } });
    const expired = await post('/api/reviews', onDraft, await session({}, { ttl: 60, at: new Date(Date.now() + aheadMs - 120_000) }));
    expect(expired).toMatchObject({ status: 401, body: { message: expect.stringContaining('expired') } });
    // an Intercom workspace's session does not reach a Zendesk account's draft
    const otherTenant = await post('/api/reviews', onDraft, await session({ tenant: 'intercom:x7k2pq9a', provider: 'intercom' }));
    expect(otherTenant).toMatchObject({ status: 404, body: { error: 'draft_not_found' } });
    const mismatch = await post('/api/reviews', { ...onDraft, agent: { id: '7999' } }, await session());
    expect(mismatch).toMatchObject({ status: 403, body: { error: 'agent_mismatch' } });
    const intercom = await post('/api/reviews', { draft_id: intercomDraft.id, action: 'escalate', reason: 'should_escalate', agent: { id: '7001' } }, await session({ tenant: 'intercom:x7k2pq9a', provider: 'intercom' }));
    expect(intercom).toMatchObject({ status: 201, body: { action: 'escalate', reason: 'should_escalate', source: 'intercom_app', agent: { id: '7001', name: 'Ann Agent' } } });
    // an app reads a draft's reviews with its session, for its own tenant only
    const listed = await getJson(`/api/drafts/${intercomDraft.id}/reviews`, await session({ tenant: 'intercom:x7k2pq9a', provider: 'intercom' }));
    expect(listed).toMatchObject({ status: 200, body: { draft_id: intercomDraft.id, brief_feedback: [] } });
    expect(listed.body.reviews.map((r: ReviewView) => r.action)).toEqual(['reject', 'escalate']);
    expect(await getJson(`/api/drafts/${intercomDraft.id}/reviews`, await session())).toMatchObject({ status: 404, body: { error: 'draft_not_found' } });
    expect((await getJson(`/api/drafts/${intercomDraft.id}/reviews`, {})).status).toBe(401);
    // nothing else is reachable with a session
    expect((await getJson('/api/drafts', await session())).status).toBe(401);
  });

  it('brief feedback is stored and shown with the draft; a field that is not the brief\'s → 422', async () => {
    const bad = await post(`/api/drafts/${intercomDraft.id}/brief-feedback`, { useful: false, missing: 'everything', agent: { id: '7001' } });
    expect(bad).toMatchObject({ status: 422, body: { error: 'invalid_brief_feedback', message: expect.stringMatching(/^missing: one of the brief's fields: question, /) } });
    expect((await post(`/api/drafts/${intercomDraft.id}/brief-feedback`, { useful: true, agent: { id: '7001' } }, {})).status).toBe(401);
    expect((await post('/api/drafts/d_AAAAAAAAAAAA/brief-feedback', { useful: true, agent: { id: '7001' } })).status).toBe(404);
    const ok = await post(`/api/drafts/${intercomDraft.id}/brief-feedback`, { useful: false, missing: 'previous_answers', agent: { id: '7001' } }, await session({ tenant: 'intercom:x7k2pq9a', provider: 'intercom' }));
    expect(ok).toMatchObject({ status: 201, body: { draft_id: intercomDraft.id, useful: false, missing: 'previous_answers', source: 'intercom_app', agent: { id: '7001', name: 'Ann Agent' } } });
    const detail = (await getJson(`/api/drafts/${intercomDraft.id}`)).body as DraftDetail;
    expect(detail.brief_feedback).toEqual([ok.body]);
  });

  it('drafts show prints the reviews and the brief feedback', async () => {
    let out = '';
    const code = await runCli(['drafts', 'show', intercomDraft.id, '--url', t.url], { env: { ADMIN_TOKEN }, cwd: '/nonexistent-dir', stdout: (s) => (out += s), stderr: () => undefined });
    expect(code).toBe(0);
    expect(out).toContain('Reviews (oldest first):\n');
    expect(out).toMatch(/ {2}\S+Z {2}reject \(other\) by 7001 via api, \d+ s after the draft\n {4}draft version: [0-9a-f]{12}\n {4}text: quotes last year's prices\n/);
    expect(out).toMatch(/escalate \(should_escalate\) by Ann Agent \(7001\) via intercom_app/);
    expect(out).toMatch(/Brief feedback:\n {2}\S+Z {2}not useful \(missing: previous_answers\) by Ann Agent \(7001\) via intercom_app\n/);
  });
}

describe('reviews API (embedded: PGlite, in-process queue)', () => reviewsSuite({}));
describeWithPostgresAndRedis('reviews API (PostgreSQL, BullMQ)', () => reviewsSuite({ store: 'postgres', queue: 'bullmq' }));
