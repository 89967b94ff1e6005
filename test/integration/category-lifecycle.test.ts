import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * The category lifecycle through the running service: drafts, approvals through POST /api/reviews,
 * readiness, promotion, the next message decided autopilot, a rejected autopilot reply, automatic
 * demotion, and the next message back in review. Low thresholds keep it small.
 */

const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
const QUESTION = 'How long does standard delivery take?';

useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

function categoriesFile(dir: string): string {
  const file = path.join(dir, 'categories.yaml');
  writeFileSync(
    file,
    stringify({
      categories: [
        { id: 'shipping', name: 'Shipping and delivery', description: 'Delivery times, tracking, carriers, changing a shipping address.', examples: ['how long does shipping take', 'where is my tracking link'], mode: 'review' },
        { id: 'returns', name: 'Returns and refunds', description: 'Returning an item, refunds, exchanges, damaged or wrong items.', examples: ['how do I return an item'], sensitive: true },
        { id: 'orders', name: 'Orders and payment', description: 'Placing, changing or cancelling an order, payment methods, invoices.', examples: ['can I cancel my order'] },
      ],
      promotion: { min_clean_approvals: 2, window: 5, min_clean_rate: 0.6 },
      demotion: { sample_window: 3, max_reject_rate: 0.3 },
    }),
  );
  return file;
}

function lifecycleSuite(mode: Pick<TestServiceOptions, 'store' | 'queue'>) {
  let t: TestService;
  let dir: string;
  let ticket = 8700;

  const getJson = async (p: string) => {
    const res = await fetch(`${t.url}${p}`, { headers: ADMIN });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${t.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...ADMIN }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** A new ticket with the question; answers its draft once delivered (shadow mode: recorded). */
  const draftFor = async (): Promise<{ id: string; decision: string; category: string }> => {
    const ticketId = String(++ticket);
    expect((await t.postZendesk(zendeskComment({ ticketId, text: QUESTION }))).status).toBe(202);
    await t.waitIdle();
    return until(`the draft of ticket ${ticketId}`, async () => {
      const list = (await getJson('/api/drafts?limit=100')).body as { drafts: { id: string; thread_id: string; decision: string; category: string; delivered_at: string | null }[] };
      return list.drafts.find((d) => d.thread_id === ticketId && d.delivered_at);
    });
  };
  const shipping = async () => ((await getJson('/api/categories')).body.categories as any[]).find((c) => c.id === 'shipping');
  const review = (draftId: string, action: string, extra: Record<string, unknown> = {}) => post('/api/reviews', { draft_id: draftId, action, agent: { id: '7001', name: 'Ann Agent' }, ...extra });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-lifecycle-'));
    t = await startTestService({ ...mode, env: { CATEGORIES_FILE: categoriesFile(dir) } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('earns autopilot on approvals, is promoted, decides autopilot, is demoted by a rejected autopilot reply, and decides review again', async () => {
    const first = await draftFor();
    const second = await draftFor();
    expect([first.decision, first.category, second.decision]).toEqual(['review', 'shipping', 'review']);

    // not ready: no approvals yet
    let status = await shipping();
    expect(status).toMatchObject({ mode: 'review', ready: false, sensitive: false, evidence: { reviews: 0, clean_approvals: 0, window: 5 } });
    const early = await post('/api/categories/shipping/promote', { admin: { id: '9001', name: 'Ada Admin' } });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'not_ready', evidence: { clean_approvals: 0 }, missing: ['2 more clean approvals (0 of 2 within the last 5 reviews)'] });

    expect((await review(first.id, 'approve')).status).toBe(201);
    expect((await shipping()).ready).toBe(false);
    expect((await review(second.id, 'approve')).status).toBe(201);
    status = await shipping();
    expect(status).toMatchObject({ mode: 'review', ready: true, label: 'review: ready', evidence: { reviews: 2, clean_approvals: 2, clean_rate: 1, source_coverage: 1 } });
    expect(status.calibration.reviews).toBe(2);
    expect(status.weekly).toHaveLength(1);
    expect(status.weekly[0]).toMatchObject({ volume: 2, reviews: 2, clean_approvals: 2 });

    const promoted = await post('/api/categories/shipping/promote', { admin: { id: '9001', name: 'Ada Admin' } });
    expect(promoted).toEqual({ status: 200, body: expect.objectContaining({ tenant: 'zendesk:acme', category: 'shipping', mode: 'autopilot', changed: true }) });
    expect(await shipping()).toMatchObject({ mode: 'autopilot', mode_changed_by: '9001', evidence: { reviews: 0 } });

    // the next message, in the same process, is decided on the stored mode
    const sent = await draftFor();
    expect(sent).toMatchObject({ decision: 'autopilot', category: 'shipping' });

    // a sampled review of that autopilot reply rejects it: 1 of 1 > 0.3, back to review at once
    expect((await review(sent.id, 'reject', { reason: 'wrong_tone' })).status).toBe(201);
    status = await shipping();
    expect(status).toMatchObject({ mode: 'review', ready: false, mode_changed_by: 'auto_demote', evidence: { reviews: 0 } });

    const after = await draftFor();
    expect(after).toMatchObject({ decision: 'review', category: 'shipping' });

    const audit = await getJson('/api/categories/shipping/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.changes.map((c: any) => [c.from, c.to, c.actor])).toEqual([
      ['autopilot', 'review', 'auto_demote'],
      ['review', 'autopilot', '9001'],
    ]);
    expect(audit.body.changes[0].why).toBe('1 of the last 1 sampled autopilot replies rejected (1 > max_reject_rate 0.3)');
    expect(audit.body.changes[0].evidence).toMatchObject({ samples: { reviews: 1, rejects: 1, reject_rate: 1 } });
    expect(audit.body.changes[1]).toMatchObject({ actor_name: 'Ada Admin', evidence: { ready: true, evidence: { clean_approvals: 2 } } });

    const notices = (await getJson('/api/categories')).body.notices;
    expect(notices[0]).toMatchObject({ kind: 'auto_demotion', category: 'shipping' });
    expect((await getJson('/api/categories/notices')).body.notices).toEqual(notices);
  });

  it('refuses a sensitive category (409 sensitive, shown held), answers 404 for an unknown one and 4xx for bad input', async () => {
    const returns = ((await getJson('/api/categories')).body.categories as any[]).find((c) => c.id === 'returns');
    expect(returns).toMatchObject({ mode: 'held', ready: false, held_reason: 'sensitive', label: 'held: sensitive' });
    const refused = await post('/api/categories/returns/promote', { admin: { id: '9001' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'sensitive', evidence: { reviews: 0 } });

    expect(await post('/api/categories/nope/promote', { admin: { id: '9001' } })).toEqual({ status: 404, body: { error: 'category_not_found', message: 'no category "nope" for zendesk:acme; GET /api/categories lists them' } });
    expect((await getJson('/api/categories/nope/audit')).status).toBe(404);
    const noAdmin = await post('/api/categories/orders/promote', {});
    expect(noAdmin.status).toBe(422);
    expect(noAdmin.body.message).toMatch(/^admin: /);
    expect((await post('/api/categories/orders/demote', { admin: { id: 'auto_demote' } })).status).toBe(422);
    expect((await getJson('/api/categories?tenant=nobody')).body).toMatchObject({ error: 'invalid_query', message: expect.stringMatching(/^tenant: a tenant such as/) });
    expect((await getJson('/api/categories/Bad%20Id/audit')).status).toBe(400);
    expect((await post('/api/categories/orders/demote', { admin: { id: 9001 } })).body).toMatchObject({ mode: 'review', changed: false });
    const other = await getJson('/api/categories?tenant=intercom:abc');
    expect(other.body.tenant).toBe('intercom:abc');
    expect(other.body.categories.map((c: any) => c.mode)).toEqual(['review', 'held', 'review']);
    expect((await fetch(`${t.url}/api/categories`)).status).toBe(401);
  });
}

describe('category lifecycle end to end (PGlite, in-process queue)', () => lifecycleSuite({}));
describeWithPostgresAndRedis('category lifecycle end to end (PostgreSQL, BullMQ)', () => lifecycleSuite({ store: 'postgres', queue: 'bullmq' }));
