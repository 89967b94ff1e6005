import { runCli } from '../../src/cli';
import { ACME, seedReportWeek, WEEK, WS1 } from '../helpers/report-fixture';
import { describeWithPostgres } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';

/** GET /api/reports/:name over real HTTP, and `npx draftpilot report` reading it, on a seeded week. */

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

function apiSuite(mode: Pick<TestServiceOptions, 'store'>) {
  let t: TestService;
  const get = async (path: string, headers: Record<string, string> = ADMIN) => {
    const res = await fetch(`${t.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };
  const cli = async (args: string[], env: Record<string, string> = { ADMIN_TOKEN }) => {
    let out = '';
    let err = '';
    const code = await runCli(['report', ...args, '--url', t.url], { env, cwd: '/nonexistent-dir', stdout: (s) => (out += s), stderr: (s) => (err += s) });
    return { code, out, err };
  };

  beforeAll(async () => {
    // the service's clock is in the seeded week: the default week is 2026-W48
    t = await startTestService({ ...mode, now: () => new Date('2026-11-26T12:00:00Z') });
    await seedReportWeek(t.service.store.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('401 without the admin token or with another one', async () => {
    expect(await get(`/api/reports/unanswered?week=${WEEK}`, {})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await get('/api/reports/nothing', { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
  });

  it('404 for an unknown report, naming the valid ones', async () => {
    const { status, body } = await get('/api/reports/weekly');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'report_not_found', message: 'no report "weekly": the reports are unanswered, content, low-confidence, handoff, readiness' });
  });

  it.each([
    ['week=2026-48', 'week: expected YYYY-Www, an ISO week such as 2026-W48'],
    ['week=2026-W54', 'week: no such week: expected YYYY-Www'],
    ['week=2025-W53', 'week: no such week'], // 2025 has 52 ISO weeks (2026 has 53)
    ['tenant=acme', 'tenant: a tenant such as zendesk:acme'],
    ['week=2026-W48&week=2026-W47', 'week: expected YYYY-Www'],
    ['weeks=2026-W48', 'weeks'],
  ])('422 for %s', async (query, message) => {
    const { status, body } = await get(`/api/reports/handoff?${query}`);
    expect(status).toBe(422);
    expect(body.error).toBe('invalid_query');
    expect(body.message).toContain(message);
  });

  it('200 with each report as JSON, for the week and tenant asked, the current week by default', async () => {
    const unanswered = await get(`/api/reports/unanswered?week=${WEEK}`);
    expect(unanswered).toMatchObject({ status: 200, body: { report: 'unanswered', week: WEEK, escalations: 6, clusters_total: 3 } });
    expect(await get('/api/reports/unanswered')).toMatchObject({ status: 200, body: { week: WEEK, escalations: 6 } });
    expect(await get(`/api/reports/content?week=${WEEK}&tenant=${ACME}`)).toMatchObject({ status: 200, body: { report: 'content', tenant: ACME, never_cited: { total: 2 } } });
    expect(await get(`/api/reports/low-confidence?week=${WEEK}`)).toMatchObject({ status: 200, body: { report: 'low-confidence', threshold: 0.35, sample_size: 8 } });
    expect(await get(`/api/reports/handoff?week=${WEEK}`)).toMatchObject({ status: 200, body: { report: 'handoff', handoffs: 7, first_reply_seconds: { p50: 2700 } } });
    expect(await get('/api/reports/handoff?week=2026-W01')).toMatchObject({ status: 200, body: { handoffs: 0 } });
  });

  it('readiness: per tenant of the week and category of its categories file, the recommendation and the evidence', async () => {
    const { status, body } = await get(`/api/reports/readiness?week=${WEEK}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ report: 'readiness', week: WEEK, tenant: null, repeated_reason_threshold: 5 });
    expect(body.tenants.map((t: { tenant: string }) => t.tenant)).toEqual([WS1, ACME]);
    const acme = body.tenants[1];
    // config/categories.yaml: 50 clean approvals needed, returns is sensitive, orders is strict
    expect(acme.categories.map((c: { id: string; recommendation: string }) => [c.id, c.recommendation])).toEqual([
      ['shipping', 'hold'],
      ['returns', 'stay sensitive'],
      ['orders', 'hold'],
      ['account', 'hold'],
      ['products', 'hold'],
    ]);
    expect(acme.categories[0]).toMatchObject({ mode: 'review', configured_threshold: 0.6, suggested_threshold: null, week: { volume: 3, autopilot: 1, reviews: 2, clean_approvals: 1, reject_reasons: { wrong_information: 1 } } });
    expect(acme.categories[0].missing[0]).toMatch(/^49 more clean approvals \(1 of 50 within the last 100 reviews\)$/);
    expect(await get(`/api/reports/readiness?week=${WEEK}&tenant=${WS1}`)).toMatchObject({ status: 200, body: { tenant: WS1, tenants: [{ tenant: WS1 }] } });
    expect(await get('/api/reports/readiness?week=2026-W48&tenant=acme')).toMatchObject({ status: 422, body: { error: 'invalid_query' } });
  });

  it('`draftpilot report` prints each report as text through the running service', async () => {
    const unanswered = await cli(['unanswered', '--week', WEEK]);
    expect(unanswered).toMatchObject({ code: 0, err: '' });
    expect(unanswered.out).toContain('Unanswered questions, week 2026-W48 (2026-11-23 to 2026-11-30, UTC), all tenants');
    expect(unanswered.out).toContain('6 escalations for missing_source or low_confidence on 5 tickets (missing_source 4, low_confidence 2), in 3 clusters');
    expect(unanswered.out).toContain('1. parking, store: 3 escalations, 3 tickets');
    expect(unanswered.out).toContain('   https://app.intercom.com/a/inbox/ws1/inbox/conversation/201');

    const content = await cli(['content', `--week=${WEEK}`, '--tenant', ACME]);
    expect(content.code).toBe(0);
    expect(content.out).toContain('Payment methods <https://help.example.com/art2>: rejected 1 (missing_information 1), edited 1 (mean distance 12)');
    expect(content.out).toContain('Articles no draft cited this week: 2 of 4 stored');
    expect(content.out).toContain('"Parking at stores": 2 escalations, 2 tickets');

    const low = await cli(['low-confidence']);
    expect(low.code).toBe(0);
    expect(low.out).toContain('8 drafts below confidence 0.35; a sample of 8 across 4 category and decision strata (seed 2026-W48/*)');
    expect(low.out).toMatch(/d_report000012 {2}0\.20 {2}orders {2}review {2}→ reject \(missing_information\)/);
    expect(low.out).toContain("Calibration of the week's 5 reviews (ECE 0.280)");

    const handoff = await cli(['handoff', '--week', WEEK]);
    expect(handoff.out).toContain('Was the brief useful? 5 answers: yes 2, no 3 (40% useful)');
    expect(handoff.out).toContain('Asked the customer again: 2 of 6 answered handoffs (33%)');
    expect(handoff.out).toContain('First human reply after the handoff: p50 45 min, p90 2.5 h (6 replied)');

    const readiness = await cli(['readiness', '--week', WEEK, '--tenant', ACME]);
    expect(readiness).toMatchObject({ code: 0, err: '' });
    expect(readiness.out).toContain('Category readiness, week 2026-W48 (2026-11-23 to 2026-11-30, UTC), zendesk:acme');
    expect(readiness.out).toContain('zendesk:acme: hold 4, stay sensitive 1');
    expect(readiness.out).toContain('  shipping (Shipping and delivery), review: HOLD');
    expect(readiness.out).toContain('    missing: 49 more clean approvals (1 of 50 within the last 100 reviews)');
    expect(readiness.out).toContain('    this week: 3 drafts (1 autopilot), 2 reviews: clean 50%, rejected 50% (wrong_information 1)');
    expect(readiness.out).toContain('  returns (Returns and refunds), held: STAY SENSITIVE');

    const json = await cli(['handoff', '--json', '--week', WEEK]);
    expect(JSON.parse(json.out)).toMatchObject({ report: 'handoff', handoffs: 7 });
  });

  it('`draftpilot report` refuses bad arguments before calling, and says what the service answered', async () => {
    expect(await cli(['weekly'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown report "weekly": one of unanswered, content, low-confidence, handoff, readiness') });
    expect(await cli(['handoff', '--week', '2026-48'])).toMatchObject({ code: 2, err: expect.stringContaining('--week: expected YYYY-Www') });
    expect(await cli(['handoff', '--tenant', 'acme'])).toMatchObject({ code: 2, err: expect.stringContaining('--tenant: a tenant such as zendesk:acme') });
    expect(await cli(['handoff', '--limit', '3'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --limit for report') });
    expect(await cli([])).toMatchObject({ code: 2, err: expect.stringContaining('report what?') });
    expect(await cli(['handoff'], { ADMIN_TOKEN: 'wrong' })).toMatchObject({ code: 1, err: expect.stringContaining('answered 401 unauthorized') });
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('usage: draftpilot report unanswered|content|low-confidence|handoff|readiness');
  });
}

describe('reports API and CLI (PGlite)', () => apiSuite({ store: 'pglite' }));
describeWithPostgres('reports API and CLI (PostgreSQL)', () => apiSuite({ store: 'postgres' }));
