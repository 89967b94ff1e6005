import { Kysely, sql } from 'kysely';
import { buildReport, ReportContext } from '../../src/reports/build-report';
import { mapInSnapshot } from '../../src/reports/shared-snapshot';
import type { Database } from '../../src/store/schema';
import type { ReadinessReport } from '../../src/reports/report-view';
import type { Store } from '../../src/store/open-store';
import { OpenedStore, openEmbeddedStore, openPostgresStore } from '../helpers/databases';
import { ACME, NOW, OLD, readinessDefaults, readinessLifecycleSettings, seedReadiness, WEEK, WS1 } from '../helpers/readiness-fixture';
import { describeWithPostgres } from '../helpers/services';

/** The readiness report over seeded reviews with known answers (test/helpers/readiness-fixture.ts), on both stores. */

function readinessSuite(open: () => Promise<OpenedStore>) {
  let store: Store;
  let close: () => Promise<void>;
  let ctx: ReportContext;
  const readiness = async (query: { week?: string; tenant?: string }, c: ReportContext = ctx) => (await buildReport(c, 'readiness', query)) as ReadinessReport;
  beforeAll(async () => {
    ({ store, close } = await open());
    await seedReadiness(store.db);
    ctx = { db: store.db, defaults: () => readinessDefaults, lifecycle: readinessLifecycleSettings(), now: () => NOW };
  });
  afterAll(async () => close());

  it('one category for each recommendation, with its evidence, thresholds, the week\'s figures and repeated reasons', async () => {
    const r = await readiness({ week: WEEK, tenant: ACME });
    expect(r).toMatchObject({ report: 'readiness', week: WEEK, from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', tenant: ACME, repeated_reason_threshold: 2 });
    expect(r.tenants).toHaveLength(1);
    const [acme] = r.tenants;
    expect(acme!.tenant).toBe(ACME);
    expect(acme!.recommendations).toEqual({ promote: 1, hold: 3, demote: 1, 'stay sensitive': 1 });
    const byId = new Map(acme!.categories.map((c) => [c.id, c]));
    expect(acme!.categories.map((c) => [c.id, c.mode, c.recommendation])).toEqual([
      ['shipping', 'review', 'promote'],
      ['orders', 'review', 'hold'],
      ['returns', 'held', 'stay sensitive'],
      ['account', 'autopilot', 'demote'],
      ['products', 'autopilot', 'hold'],
      ['billing', 'review', 'hold'],
    ]);

    const shipping = byId.get('shipping')!;
    expect(shipping).toMatchObject({
      why: 'ready: 4 clean approvals (3 needed) and a clean rate of 0.8 (0.75 needed) over the last 5 reviews',
      missing: [],
      evidence: { reviews: 5, clean_approvals: 4, clean_rate: 0.8, edit_rate: 0.2, mean_edit_distance: 8, reject_rate: 0, source_coverage: 1, window: 10, since: null },
      configured_threshold: 0.9,
      // from the top: 0.95, 0.9 and 0.85 all clean (3 reviews, the minimum sample), 0.8 clean, 0.6 edited: 4 of 5 ≥ 0.75
      suggested_threshold: 0.6,
      week: { volume: 4, autopilot: 0, reviews: 4, clean_approvals: 3, clean_rate: 0.75, edit_rate: 0.25, reject_rate: 0 },
      repeated_reasons: [],
    });
    expect(shipping.calibration).toMatchObject({ reviews: 5 });
    expect(shipping.calibration.buckets).toHaveLength(10);
    expect(shipping.calibration.buckets[8]).toMatchObject({ from: 0.8, to: 0.9, reviews: 2, clean_rate: 1 });

    expect(byId.get('orders')).toMatchObject({
      why: 'not ready for autopilot: 2 requirements missing',
      missing: ['2 more clean approvals (1 of 3 within the last 10 reviews)', 'a clean rate of 0.75 (it is 0.2 over 5 reviews)'],
      evidence: { reviews: 5, clean_approvals: 1, reject_rate: 0.8, reject_reasons: { wrong_information: 3, wrong_tone: 1 } },
      configured_threshold: 0.8,
      suggested_threshold: null,
      week: { volume: 4, reviews: 4, reject_reasons: { wrong_information: 2, wrong_tone: 1 } },
      // the week before's wrong_information is evidence, not this week's repetition
      repeated_reasons: [{ reason: 'wrong_information', count: 2 }],
    });
    expect(byId.get('returns')).toMatchObject({ sensitive: true, why: 'the category is sensitive: its drafts always wait for an agent', missing: [], evidence: { clean_approvals: 3, clean_rate: 1 } });
    expect(byId.get('account')).toMatchObject({
      why: '1 of the last 3 sampled autopilot replies rejected (0.3333 > max_reject_rate 0.1)',
      mode_changed_at: '2026-11-20T09:00:00.000Z',
      // the reject before its promotion does not count
      autopilot_samples: { reviews: 3, rejects: 1, reject_rate: 0.3333, since: '2026-11-20T09:00:00.000Z' },
      evidence: { reviews: 3 },
      week: { volume: 3, autopilot: 3, reviews: 3 },
      repeated_reasons: [],
    });
    expect(byId.get('products')).toMatchObject({ strict: true, why: 'in autopilot; 0 of the last 2 sampled autopilot replies rejected (0 ≤ max_reject_rate 0.1)', autopilot_samples: { reviews: 2, rejects: 0 } });
    expect(byId.get('billing')).toMatchObject({ missing: ['3 more clean approvals (0 of 3 within the last 10 reviews)'], evidence: { reviews: 0 }, suggested_threshold: null, week: null, repeated_reasons: [] });
  });

  it('without a tenant: one section per tenant with drafts or reviews in the week; the current week by default', async () => {
    const r = await readiness({ week: WEEK });
    expect(r.tenant).toBeNull();
    expect(r.tenants.map((t) => t.tenant)).toEqual([WS1, ACME]);
    expect(r.tenants[0]!.categories[0]).toMatchObject({ id: 'shipping', recommendation: 'hold', missing: ['2 more clean approvals (1 of 3 within the last 10 reviews)'], week: { volume: 1, reviews: 1 } });
    // products is in autopilot by the categories file: held there, with no sampled reply yet
    expect(r.tenants[0]!.recommendations).toEqual({ promote: 0, hold: 5, demote: 0, 'stay sensitive': 1 });
    expect(r.tenants[0]!.categories.find((c) => c.id === 'products')).toMatchObject({ mode: 'autopilot', why: 'in autopilot; no sampled autopilot reply has been reviewed yet' });
    expect(await readiness({})).toMatchObject({ week: WEEK, tenants: [{ tenant: WS1 }, { tenant: ACME }] });
  });

  it('a past week: that week\'s figures and tenants beside the evidence of now; a tenant asked for without drafts that week still has its section', async () => {
    const r = await readiness({ week: '2026-W47' });
    expect(r.tenants.map((t) => t.tenant)).toEqual([ACME]);
    const byId = new Map(r.tenants[0]!.categories.map((c) => [c.id, c]));
    expect(byId.get('shipping')).toMatchObject({ recommendation: 'promote', evidence: { reviews: 5 }, week: { volume: 1, reviews: 1, clean_approvals: 1 } });
    expect(byId.get('orders')).toMatchObject({ week: { reviews: 1, reject_reasons: { wrong_information: 1 } }, repeated_reasons: [] });

    const old = await readiness({ week: WEEK, tenant: OLD });
    expect(old.tenants).toHaveLength(1);
    expect(old.tenants[0]!.categories[0]).toMatchObject({ id: 'shipping', evidence: { reviews: 1 }, week: null });
    expect(await readiness({ week: '2025-W01' })).toMatchObject({ tenants: [] });
  });
}

describe('readiness report (PGlite)', () => readinessSuite(openEmbeddedStore));
describeWithPostgres('readiness report (PostgreSQL)', () => readinessSuite(openPostgresStore));

describeWithPostgres('a report read on several connections (PostgreSQL)', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openPostgresStore());
    await seedReadiness(store.db);
  });
  afterAll(async () => close());

  it('the readiness report of every tenant is the same read on three connections as on one', async () => {
    const ctx: ReportContext = { db: store.db, defaults: () => readinessDefaults, lifecycle: readinessLifecycleSettings(), now: () => NOW };
    const one = await buildReport(ctx, 'readiness', { week: WEEK });
    const three = await buildReport({ ...ctx, readers: 3 }, 'readiness', { week: WEEK });
    expect((three as ReadinessReport).tenants.map((t) => t.tenant)).toEqual([WS1, ACME]);
    expect(three).toEqual(one);
  });

  it('the extra readers are other connections and see the report\'s snapshot, not what was committed after it', async () => {
    const count = async (db: Kysely<Database>) => Number((await sql<{ n: string }>`select count(*) as n from reviews`.execute(db)).rows[0]!.n);
    const seen = await store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const before = await count(trx); // the snapshot is taken here
        // committed by another connection after the snapshot
        await store.db.insertInto('reviews').values({ id: 'r_after_snapshot', draft_id: 'd_none', tenant: ACME, provider: 'zendesk', action: 'approve', reason: null, text: null, sent_text: null, agent_id: '1', agent_name: null, draft_version: null, edit_distance: null, seconds_to_review: 1, source: 'api', created_at: NOW }).execute();
        const readers = await mapInSnapshot({ trx, root: store.db, readers: 3 }, [1, 2, 3, 4, 5, 6], async (db) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
          // hold the connection a moment, so each reader takes items
          await new Promise((r) => setTimeout(r, 20));
          return { pid: rows[0]!.pid, reviews: await count(db) };
        });
        return { before, readers };
      });
    expect(new Set(seen.readers.map((r) => r.pid)).size).toBe(3);
    expect(seen.readers.map((r) => r.reviews)).toEqual(Array(6).fill(seen.before));
    expect(await count(store.db)).toBe(seen.before + 1);
  });
});
