/**
 * `npm run bench:lifecycle [-- --reviews N --categories N]`: the category lifecycle on PostgreSQL
 * (DATABASE_URL; a database of its own is created and dropped). Seeds N review events (default one
 * million) over 50 categories and 26 weeks with generate_series, in a few statements, then times
 * listCategoryStatus (statistics, calibration, readiness, ISO weeks and notices of every category):
 * the first call and the median of 5. Then the per-message policy lookup: decide() with a static
 * category against the drafter's lookup of the stored mode (LiveModes, cached) and decide(), as a
 * ratio in the same run, and one uncached lookup (what another process pays once per cache period).
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { sql } from 'kysely';
import { loadSettings } from '../src/config/settings';
import { parseCategories } from '../src/policy/categories';
import { decide } from '../src/policy/decide';
import { listCategoryStatus } from '../src/lifecycle/category-status';
import { LiveModes, withLiveMode } from '../src/lifecycle/live-modes';
import { openStore } from '../src/store/open-store';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const REVIEWS = arg('reviews', 1_000_000);
const CATEGORIES = arg('categories', 50);
const TENANT = 'zendesk:bench';

async function admin(url: string, query: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('bench:lifecycle runs on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres)');
  const name = `dp_bench_lifecycle_${process.pid}`;
  await admin(base, `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir: '' });
  try {
    const db = store.db;
    const seedStart = performance.now();
    // drafts and reviews in bulk: one draft per review, spread over 26 weeks and the categories (on a
    // connection of its own: the store's pool has a 5 s statement timeout)
    await admin(url.toString(), `insert into drafts (id, tenant, provider, thread_id, message_id, decision, category, intent, confidence, sentiment, reasons, sources, draft, brief, guard, model, created_at)
      select 'd_b' || g, '${TENANT}', 'zendesk', 't' || g, 'm1',
        case when g % 10 = 0 then 'escalate' when g % 4 = 0 then 'autopilot' else 'review' end,
        'c' || (g % ${CATEGORIES}), 'x', ((g::bigint * 7919) % 100) / 100.0, '{"label":"neutral","score":0}', '[]',
        case when g % 5 = 0 then '[]'::jsonb else '[{"id":"a","title":"A","url":"https://help.example/a"}]'::jsonb end,
        'text', '{}', '[]', 'offline', now() - make_interval(secs => (${REVIEWS} - g) * (26 * 7 * 86400.0 / ${REVIEWS})) - interval '1 minute'
      from generate_series(1, ${REVIEWS}) g`);
    await admin(url.toString(), `insert into reviews (id, draft_id, tenant, provider, action, reason, agent_id, edit_distance, seconds_to_review, source, created_at, category, decision, confidence)
      select 'r_b' || d.g, 'd_b' || d.g, '${TENANT}', 'zendesk', a.action, a.reason, '1',
        case when a.action = 'edit' then (d.g % 40) when a.action = 'approve' then 0 end, 60, 'api',
        now() - make_interval(secs => (${REVIEWS} - d.g) * (26 * 7 * 86400.0 / ${REVIEWS})),
        'c' || (d.g % ${CATEGORIES}),
        case when d.g % 10 = 0 then 'escalate' when d.g % 4 = 0 then 'autopilot' else 'review' end,
        ((d.g::bigint * 7919) % 100) / 100.0
      from generate_series(1, ${REVIEWS}) as d(g)
      cross join lateral (select case when (d.g * 31) % 100 < 80 then 'approve' when (d.g * 31) % 100 < 90 then 'edit' when (d.g * 31) % 100 < 96 then 'reject' when (d.g * 31) % 100 < 99 then 'escalate' else 'replaced' end as action) x
      cross join lateral (select x.action, case when x.action = 'reject' then (array['wrong_tone','wrong_information','missing_information'])[1 + d.g % 3] end as reason) a`);
    // autovacuum does this in a running service: statistics, and the visibility map index-only scans need
    await admin(url.toString(), 'vacuum analyze');
    const seedMs = performance.now() - seedStart;

    const categories = parseCategories(
      { categories: Array.from({ length: CATEGORIES }, (_, i) => ({ id: `c${i}`, name: `Category ${i}`, sensitive: i % 10 === 9, strict: i % 7 === 0 })), promotion: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.75 } },
      'bench',
    );
    const settings = loadSettings('config/default.yaml').lifecycle;
    const modes = new LiveModes(db, settings.mode_cache_ms);
    const deps = { db, defaults: () => ({ categories, thresholds: { negative_sentiment: -0.5, low_confidence: 0.4, autopilot: 0.8 }, deliveryMode: () => 'note' as const, escalation: {} }), settings, modes, now: () => new Date() };

    const first = performance.now();
    const view = await listCategoryStatus(deps, TENANT);
    const firstMs = performance.now() - first;
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await listCategoryStatus(deps, TENANT);
      runs.push(performance.now() - s);
    }
    const ready = view.categories.filter((c) => c.ready).length;
    const weeks = view.categories.reduce((n, c) => n + c.weekly.length, 0);

    // per-message lookup: a promoted category, so the lookup finds something
    await sql`insert into category_modes (tenant, category, mode, changed_at, changed_by) select ${TENANT}, 'c' || g, 'autopilot', now(), 'bench' from generate_series(0, 9) g`.execute(db);
    const category = categories.categories[3]!;
    const input = { reasons: [], hasCitation: true, confidence: 0.9, autopilotThreshold: 0.8 };
    const N = 200_000;
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) if (decide({ ...input, category }) === 'autopilot') sink++;
    const staticUs = ((performance.now() - t0) * 1000) / N;
    await modes.forTenant(TENANT);
    const t1 = performance.now();
    for (let i = 0; i < N; i++) if (decide({ ...input, category: withLiveMode(category, await modes.forTenant(TENANT)) }) === 'autopilot') sink++;
    const liveUs = ((performance.now() - t1) * 1000) / N;
    const cold: number[] = [];
    const uncached = new LiveModes(db, 0);
    for (let i = 0; i < 50; i++) {
      const s = performance.now();
      await uncached.forTenant(TENANT);
      cold.push(performance.now() - s);
    }

    const lines = [
      `seeded ${REVIEWS.toLocaleString('en')} reviews (and as many drafts) over ${CATEGORIES} categories and 26 weeks in ${(seedMs / 1000).toFixed(1)} s`,
      `listCategoryStatus (statistics, calibration, readiness, ${settings.weeks} ISO weeks, notices for ${CATEGORIES} categories): first ${firstMs.toFixed(0)} ms, median of 5 ${median(runs).toFixed(0)} ms (${ready} ready, ${weeks} category-weeks, ${view.notices.length} notices)`,
      `per-message policy lookup: decide() with a static category ${staticUs.toFixed(3)} µs, with the cached stored-mode lookup ${liveUs.toFixed(3)} µs (${(liveUs / staticUs).toFixed(2)}×, +${(liveUs - staticUs).toFixed(3)} µs = ${((liveUs - staticUs) / 1000).toFixed(5)} ms per message)`,
      `uncached lookup (another process, once per lifecycle.mode_cache_ms = ${settings.mode_cache_ms} ms, or every message at 0): median ${median(cold).toFixed(3)} ms`,
      `(${sink > 0 ? 'autopilot decided' : 'nothing decided'})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
    if (process.argv.includes('--keep')) process.stdout.write(`kept database ${name}\n`);
    else await admin(base, `drop database if exists ${name} with (force)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
