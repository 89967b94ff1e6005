import { calibrationOf, suggestedThreshold } from '../../src/lifecycle/calibration';
import { ReviewEvent, sampleEvents, tallyOf, windowEvents } from '../../src/lifecycle/evidence';
import { isoWeekOf as isoWeek, weekStart } from '../../src/domain/iso-week';
import { confidenceLevels, weeklyStats, windowTallies } from '../../src/lifecycle/lifecycle-stats';
import { changeMode, modeChanges, storedModes } from '../../src/lifecycle/mode-store';
import { openStore, Store } from '../../src/store/open-store';
import { createDatabase, freshDataDir, removeDir } from '../helpers/databases';
import { SeedReview, seedReviews } from '../helpers/lifecycle-seed';
import { describeWithPostgres } from '../helpers/services';

/** The lifecycle's SQL on PGlite and PostgreSQL, with known answers and against the in-memory fold. */

const T = 'zendesk:acme';
const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 10, day, 9, minute)); // November 2026

const known: SeedReview[] = [
  // shipping, week 2026-W45 (Mon 2 Nov)
  { category: 'shipping', decision: 'review', action: 'approve', at: at(2), confidence: 0.95 },
  { category: 'shipping', decision: 'review', action: 'edit', editDistance: 10, at: at(3), confidence: 0.85 },
  { category: 'shipping', decision: 'review', action: 'reject', reason: 'wrong_tone', at: at(3, 5), confidence: 0.62, cited: false },
  { category: 'shipping', decision: 'escalate', action: 'approve', at: at(4), confidence: 0.3 }, // escalated: never counted
  // shipping, week 2026-W46 (Mon 9 Nov)
  { category: 'shipping', decision: 'review', action: 'edit', editDistance: 30, at: at(9), confidence: 0.81 },
  { category: 'shipping', decision: 'autopilot', action: 'approve', at: at(10), confidence: 0.97 },
  { category: 'shipping', decision: 'autopilot', action: 'reject', reason: 'wrong_information', at: at(11), confidence: 0.91 },
  { category: 'shipping', decision: 'review', action: 'escalate', reason: 'should_escalate', at: at(11, 5), confidence: 0.5 },
  { category: 'shipping', decision: 'review', action: 'replaced', editDistance: 200, at: at(12), confidence: 0.4 },
  // orders
  { category: 'orders', decision: 'review', action: 'approve', at: at(10), confidence: 0.7 },
  { category: 'orders', decision: 'review', action: 'reject', reason: 'wrong_tone', at: at(10, 5), confidence: 0.7 },
];

function statsSuite(open: () => Promise<{ store: Store; done: () => Promise<void> }>) {
  let store: Store;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ store, done } = await open());
    await seedReviews(store.db, T, known);
    await seedReviews(store.db, 'zendesk:other', [{ category: 'shipping', decision: 'review', action: 'reject', reason: 'off_brand', at: at(12) }]);
  });
  afterAll(async () => done());

  it('tallies the latest window of each category, escalated drafts left out, other tenants left out', async () => {
    const t = await windowTallies(store.db, T, [{ category: 'shipping', since: null, limit: 100 }, { category: 'orders', since: null, limit: 100 }, { category: 'returns', since: null, limit: 100 }], 'counted');
    expect(t.get('shipping')).toEqual({
      reviews: 8,
      approvals: 2,
      edits: 2,
      rejects: 2,
      escalations: 1,
      replaced: 1,
      edit_distance_sum: 40,
      edit_distance_n: 2,
      cited: 7,
      reject_reasons: { wrong_tone: 1, wrong_information: 1 },
      escalation_reasons: { should_escalate: 1 },
    });
    expect(t.get('orders')).toMatchObject({ reviews: 2, approvals: 1, rejects: 1 });
    expect(t.get('returns')).toMatchObject({ reviews: 0 });
  });

  it('keeps only reviews after `since` and the latest `limit` of them; the autopilot samples separately', async () => {
    const latest3 = await windowTallies(store.db, T, [{ category: 'shipping', since: null, limit: 3 }], 'counted');
    expect(latest3.get('shipping')).toMatchObject({ reviews: 3, rejects: 1, escalations: 1, replaced: 1, approvals: 0 });
    const since = await windowTallies(store.db, T, [{ category: 'shipping', since: at(9), limit: 100 }], 'counted');
    expect(since.get('shipping')).toMatchObject({ reviews: 4, approvals: 1 }); // the edit at 9 Nov 09:00 is not after since
    const samples = await windowTallies(store.db, T, [{ category: 'shipping', since: null, limit: 20 }], 'autopilot');
    expect(samples.get('shipping')).toMatchObject({ reviews: 2, approvals: 1, rejects: 1, reject_reasons: { wrong_information: 1 } });
  });

  it('gives the same tallies as the in-memory fold on random reviews', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const actions = ['approve', 'approve', 'approve', 'edit', 'reject', 'escalate', 'replaced'] as const;
    const reasons = ['wrong_tone', 'policy_violation', 'other'];
    const decisions = ['review', 'autopilot', 'escalate'] as const;
    const seeded: SeedReview[] = Array.from({ length: 120 }, (_, i) => {
      const action = actions[Math.floor(rand() * actions.length)]!;
      return { category: 'random', decision: decisions[Math.floor(rand() * 3)]!, action, at: new Date(Date.UTC(2026, 9, 1) + i * 3_600_000), ...(action === 'reject' || action === 'escalate' ? { reason: reasons[Math.floor(rand() * 3)]! } : {}), ...(action === 'edit' ? { editDistance: Math.floor(rand() * 50) } : {}), cited: rand() > 0.3 };
    });
    await seedReviews(store.db, 'zendesk:random', seeded);
    const events: ReviewEvent[] = seeded.map((s) => ({ action: s.action, reason: s.reason ?? null, decision: s.decision, at: s.at, edit_distance: s.editDistance ?? (s.action === 'approve' ? 0 : null), cited: s.cited !== false }));
    const since = new Date(Date.UTC(2026, 9, 2, 12));
    const counted = await windowTallies(store.db, 'zendesk:random', [{ category: 'random', since, limit: 40 }], 'counted');
    expect(counted.get('random')).toEqual(tallyOf(windowEvents(events, since, 40)));
    const sampled = await windowTallies(store.db, 'zendesk:random', [{ category: 'random', since, limit: 15 }], 'autopilot');
    expect(sampled.get('random')).toEqual(tallyOf(sampleEvents(events, since, 15)));
  });

  it('answers confidence levels for calibration and the suggested threshold', async () => {
    const levels = (await confidenceLevels(store.db, T, ['shipping', 'orders'], 1000)).get('shipping')!;
    expect(levels.map((l) => [l.level, l.reviews, l.clean]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [40, 1, 0],
      [50, 1, 0],
      [62, 1, 0],
      [81, 1, 0],
      [85, 1, 0],
      [91, 1, 0],
      [95, 1, 1],
      [97, 1, 1],
    ]);
    const c = calibrationOf(levels, 10);
    expect(c.reviews).toBe(8);
    expect(c.buckets[9]).toMatchObject({ from: 0.9, to: 1, reviews: 3, clean_rate: 0.6667 });
    expect(suggestedThreshold(levels, 0.6, 3)).toBe(0.91); // 2 of 3 at or above 0.91; 2 of 4 with 0.85
  });

  it('groups by ISO week (UTC): reviews of drafts not escalated, and the drafts made', async () => {
    const weeks = await weeklyStats(store.db, T, weekStart(at(12), 1));
    const shipping = weeks.filter((w) => w.category === 'shipping');
    expect(shipping.map((w) => w.week)).toEqual(['2026-W45', '2026-W46']);
    expect(shipping[0]).toMatchObject({ drafts: 4, autopilot: 0, drafts_cited: 3, tally: { reviews: 3, approvals: 1, edits: 1, rejects: 1, edit_distance_sum: 10 } });
    expect(shipping[1]).toMatchObject({ drafts: 5, autopilot: 2, drafts_cited: 5, tally: { reviews: 5, approvals: 1, rejects: 1, escalations: 1, replaced: 1, reject_reasons: { wrong_information: 1 } } });
    expect(isoWeek(at(12))).toBe('2026-W46');
    expect(weekStart(at(12), 1).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect((await weeklyStats(store.db, T, weekStart(at(12), 0))).map((w) => w.week)).toEqual(['2026-W46', '2026-W46']);
  });

  it('changes a mode once and audits it: a second change from the same mode is refused', async () => {
    const change = { tenant: T, category: 'shipping', from: 'review' as const, to: 'autopilot' as const, actor: '7001', why: 'promoted', evidence: { ready: true }, at: at(13) };
    expect(await changeMode(store.db, change)).toBe(true);
    expect(await changeMode(store.db, change)).toBe(false);
    expect(await changeMode(store.db, { ...change, from: 'autopilot', to: 'review', actor: 'auto_demote', why: 'rejects', at: at(14) })).toBe(true);
    expect((await storedModes(store.db, T)).get('shipping')).toMatchObject({ mode: 'review', changed_by: 'auto_demote', changed_at: at(14) });
    expect((await modeChanges(store.db, T, 'shipping')).map((c) => [c.from, c.to, c.actor, c.evidence])).toEqual([
      ['autopilot', 'review', 'auto_demote', { ready: true }],
      ['review', 'autopilot', '7001', { ready: true }],
    ]);
  });
}

describe('lifecycle statistics (PGlite)', () =>
  statsSuite(async () => {
    const dir = freshDataDir();
    const store = await openStore({ dataDir: dir });
    return { store, done: async () => { await store.close(); removeDir(dir); } };
  }));

describeWithPostgres('lifecycle statistics (PostgreSQL)', () =>
  statsSuite(async () => {
    const db = await createDatabase();
    const store = await openStore({ databaseUrl: db.url, dataDir: '' });
    return { store, done: async () => { await store.close(); await db.drop(); } };
  }));
