import { loadSettings } from '../../src/config/settings';
import { buildReport, ReportContext } from '../../src/reports/build-report';
import { sampleCandidates } from '../../src/reports/low-confidence-rows';
import { reportScope } from '../../src/reports/report-query';
import type { ContentReport, HandoffReport, LowConfidenceReport, UnansweredReport } from '../../src/reports/report-view';
import type { ServiceDefaults } from '../../src/settings/effective-settings';
import type { Store } from '../../src/store/open-store';
import { OpenedStore, openEmbeddedStore, openPostgresStore } from '../helpers/databases';
import { ACME, draftId, seedReportWeek, WEEK, WS1 } from '../helpers/report-fixture';
import { describeWithPostgres } from '../helpers/services';

/** Each report over a seeded week with known answers (test/helpers/report-fixture.ts), on both stores. */

const defaults: ServiceDefaults = {
  categories: { categories: [], promotion: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.9 }, demotion: { sample_window: 20 } } as unknown as ServiceDefaults['categories'],
  thresholds: { negative_sentiment: -0.5, low_confidence: 0.35, autopilot: 0.8 },
  deliveryMode: () => 'note',
  escalation: {},
};

function reportsSuite(open: () => Promise<OpenedStore>) {
  let store: Store;
  let close: () => Promise<void>;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ store, close } = await open());
    await seedReportWeek(store.db);
    ctx = { db: store.db, defaults: () => defaults, lifecycle: loadSettings('config/default.yaml').lifecycle, now: () => new Date('2026-11-26T12:00:00Z') };
  });
  afterAll(async () => close());

  it('unanswered: the week\'s missing_source and low_confidence escalations, clustered, with example questions and links', async () => {
    const r = (await buildReport(ctx, 'unanswered', { week: WEEK })) as UnansweredReport;
    expect(r).toMatchObject({ report: 'unanswered', week: WEEK, from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', tenant: null, escalations: 6, tickets: 5, by_reason: { missing_source: 4, low_confidence: 2 }, clusters_total: 3 });
    const [parking, crypto, termless] = r.clusters;
    expect(parking).toMatchObject({ escalations: 3, tickets: 3, by_reason: { missing_source: 2, low_confidence: 1 }, terms: ['parking', 'store'], more_tickets: 0 });
    expect(parking!.examples).toEqual(['Is there parking at your stores?', 'Do you have parking near the store?', 'Is parking free at the store?']);
    expect(parking!.links).toEqual([
      { tenant: ACME, thread_id: '101', draft_id: draftId(1), url: 'https://acme.zendesk.com/agent/tickets/101' },
      { tenant: ACME, thread_id: '102', draft_id: draftId(2), url: 'https://acme.zendesk.com/agent/tickets/102' },
      { tenant: WS1, thread_id: '201', draft_id: draftId(3), url: 'https://app.intercom.com/a/inbox/ws1/inbox/conversation/201' },
    ]);
    expect(crypto).toMatchObject({ escalations: 2, tickets: 1, terms: ['crypto', 'pay'], links: [{ thread_id: '103', draft_id: draftId(4) }] });
    expect(termless).toMatchObject({ escalations: 1, terms: [], examples: ['hello??'] });
  });

  it('unanswered for one tenant, and the current week by default', async () => {
    const r = (await buildReport(ctx, 'unanswered', { week: WEEK, tenant: WS1 })) as UnansweredReport;
    expect(r).toMatchObject({ tenant: WS1, escalations: 1, clusters_total: 1 });
    expect(r.clusters[0]!.links[0]!.url).toBe('https://app.intercom.com/a/inbox/ws1/inbox/conversation/201');
    expect(await buildReport(ctx, 'unanswered', {})).toMatchObject({ week: WEEK, escalations: 6 });
    expect(await buildReport({ ...ctx, now: () => new Date('2026-12-01T00:00:00Z') }, 'unanswered', {})).toMatchObject({ week: '2026-W49', escalations: 0, clusters: [] });
  });

  it('content: articles behind rejected and edited drafts with reasons and counts, articles never cited, titles from the clusters', async () => {
    const r = (await buildReport(ctx, 'content', { week: WEEK })) as ContentReport;
    expect(r.reviewed_articles).toEqual([
      { tenant: ACME, article_id: 'art2', title: 'Payment methods', url: 'https://help.example.com/art2', rejected: 1, edited: 1, replaced: 0, reject_reasons: { missing_information: 1 }, mean_edit_distance: 12 },
      { tenant: ACME, article_id: 'art1', title: 'Shipping times', url: 'https://help.example.com/art1', rejected: 1, edited: 0, replaced: 0, reject_reasons: { wrong_information: 1 }, mean_edit_distance: null },
    ]);
    expect(r.never_cited).toEqual({
      stored_articles: 5,
      total: 3,
      articles: [
        { tenant: ACME, article_id: 'art3', title: 'Gift cards', url: 'https://help.example.com/art3' },
        { tenant: WS1, article_id: 'art9', title: 'Intro', url: 'https://help.example.com/art9' },
        { tenant: ACME, article_id: 'art4', title: 'Store hours', url: 'https://help.example.com/art4' },
      ],
    });
    expect(r.suggested_articles.map((s) => [s.title, s.escalations, s.tickets])).toEqual([
      ['Parking at stores', 3, 3],
      ['How to pay with crypto', 2, 1],
    ]);
    const acme = (await buildReport(ctx, 'content', { week: WEEK, tenant: ACME })) as ContentReport;
    expect(acme.never_cited).toMatchObject({ stored_articles: 4, total: 2 });
    const ws1 = (await buildReport(ctx, 'content', { week: WEEK, tenant: WS1 })) as ContentReport;
    expect(ws1).toMatchObject({ reviewed_articles: [], never_cited: { stored_articles: 1, total: 1, articles: [{ article_id: 'art9' }] } });
  });

  it('low-confidence: every stratum of the drafts below the threshold, with their outcome, and the week\'s calibration', async () => {
    const r = (await buildReport(ctx, 'low-confidence', { week: WEEK })) as LowConfidenceReport;
    expect(r).toMatchObject({ threshold: 0.35, below_threshold: 8, sample_size: 8, seed: `${WEEK}/*` });
    expect(r.strata).toEqual([
      { category: '', decision: 'escalate', drafts: 1, sampled: 1 },
      { category: 'orders', decision: 'escalate', drafts: 2, sampled: 2 },
      { category: 'orders', decision: 'review', drafts: 2, sampled: 2 },
      { category: 'stores', decision: 'escalate', drafts: 3, sampled: 3 },
    ]);
    expect(r.sample.map((s) => s.draft_id)).toEqual([6, 1, 3, 2, 12, 5, 4, 11].map(draftId));
    const byId = new Map(r.sample.map((s) => [s.draft_id, s]));
    expect(byId.get(draftId(11))).toMatchObject({ decision: 'review', category: 'orders', confidence: 0.3, draft: 'Draft answer 11', question: 'Which cards do you take?', outcome: { action: 'edit', reason: null, at: '2026-11-27T12:10:00.000Z' } });
    expect(byId.get(draftId(12))!.outcome).toMatchObject({ action: 'reject', reason: 'missing_information' });
    expect(byId.get(draftId(1))!.outcome).toMatchObject({ action: 'escalate' });
    expect(byId.get(draftId(6))).toMatchObject({ outcome: { action: 'no review', reason: null, at: null }, url: 'https://acme.zendesk.com/agent/tickets/104', reasons: ['low_confidence'] });

    expect(r.calibration.reviews).toBe(5);
    expect(r.calibration.buckets.map((b) => [b.from, b.to, b.reviews, b.clean_rate])).toEqual([
      [0, 0.2, 1, 0],
      [0.2, 0.4, 2, 0],
      [0.4, 0.6, 0, null],
      [0.6, 0.8, 1, 0],
      [0.8, 1, 1, 1],
    ]);
    expect(r.calibration.buckets[1]!.mean_confidence).toBeCloseTo(0.25, 4);
    // (1×0.1 + 2×0.25 + 1×0.7 + 1×0.1) / 5
    expect(r.calibration.ece).toBeCloseTo(0.28, 3);
  });

  it('low-confidence: the tenant\'s own threshold applies, and the seeded order repeats per week', async () => {
    await store.db.insertInto('tenant_settings').values({ tenant: ACME, settings: JSON.stringify({ thresholds: { low_confidence: 0.22 } }), source: 'api', applied_at: new Date(), last_error: null, last_error_at: null, updated_at: new Date() }).execute();
    try {
      const r = (await buildReport(ctx, 'low-confidence', { week: WEEK, tenant: ACME })) as LowConfidenceReport;
      expect(r).toMatchObject({ tenant: ACME, threshold: 0.22, below_threshold: 4, seed: `${WEEK}/${ACME}` });
      expect(r.sample.map((s) => s.draft_id).sort()).toEqual([1, 2, 6, 12].map(draftId));
    } finally {
      await store.db.deleteFrom('tenant_settings').where('tenant', '=', ACME).execute();
    }
    const scope = reportScope({ week: WEEK }, new Date());
    const first = await sampleCandidates(store.db, scope, 0.35, 'seed-a', 1);
    expect(await sampleCandidates(store.db, scope, 0.35, 'seed-a', 1)).toEqual(first);
    expect(first).toHaveLength(4); // one per stratum
    const seeds = await Promise.all(['seed-b', 'seed-c', 'seed-d', 'seed-e'].map((s) => sampleCandidates(store.db, scope, 0.35, s, 1)));
    const picks = new Set([first, ...seeds].map((rows) => rows.map((c) => c.draft_id).join()));
    expect(picks.size).toBeGreaterThan(1); // another seed draws other drafts from the strata of several
  });

  it('handoff: brief votes, missing fields, asking again, time to the first human reply', async () => {
    const r = (await buildReport(ctx, 'handoff', { week: WEEK })) as HandoffReport;
    expect(r).toMatchObject({
      handoffs: 7,
      votes: { answers: 5, useful: 2, not_useful: 3, useful_share: 0.4 },
      missing_marked: [
        { field: 'previous_answers', count: 2 },
        { field: 'sentiment', count: 1 },
      ],
      missing_in_briefs: [
        { field: 'order_number', count: 3 },
        { field: 'store', count: 1 },
      ],
      // drafts 1 and 3 asked; 2, 4, 5 and 7 answered; 6 has no reply
      asked_again: { replied: 6, asked: 2, share: 0.3333 },
      // 600, 900, 1800, 3600, 7200, 10800 s
      first_reply_seconds: { replied: 6, p50: 2700, p90: 9000 },
    });
    const ws1 = (await buildReport(ctx, 'handoff', { week: WEEK, tenant: WS1 })) as HandoffReport;
    expect(ws1).toMatchObject({ handoffs: 1, votes: { answers: 1, useful: 0 }, asked_again: { replied: 1, asked: 1, share: 1 }, first_reply_seconds: { p50: 3600, p90: 3600 } });
  });

  it('a week without records answers empty reports, not errors', async () => {
    const week = '2025-W01';
    expect(await buildReport(ctx, 'unanswered', { week })).toMatchObject({ escalations: 0, tickets: 0, clusters: [] });
    expect(await buildReport(ctx, 'content', { week })).toMatchObject({ reviewed_articles: [], never_cited: { stored_articles: 5, total: 5 }, suggested_articles: [] });
    expect(await buildReport(ctx, 'low-confidence', { week })).toMatchObject({ below_threshold: 0, sample: [], calibration: { reviews: 0, ece: null } });
    expect(await buildReport(ctx, 'handoff', { week })).toMatchObject({ handoffs: 0, votes: { answers: 0, useful_share: null }, asked_again: { share: null }, first_reply_seconds: { p50: null, p90: null } });
  });
}

describe('reports (PGlite)', () => reportsSuite(openEmbeddedStore));
describeWithPostgres('reports (PostgreSQL)', () => reportsSuite(openPostgresStore));
