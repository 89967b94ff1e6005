import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ConfidenceLevel } from './calibration';
import { addToTally, emptyTally, Tally } from './evidence';

/**
 * The lifecycle's statistics as SQL over the review store (docs/lifecycle.md, Evidence), the same on
 * PGlite and PostgreSQL. Each reads a category's latest reviews from reviews_category_idx (tenant,
 * category, created_at) or, for autopilot replies, the partial reviews_autopilot_idx, through one
 * LATERAL subquery per category; the grouped counts are folded into tallies by evidence.ts.
 * Reviews of escalated drafts do not count (an escalated draft is never up for autopilot).
 */

/** One category's window: its reviews after `since`, the latest `limit` of them. */
export interface WindowSpec {
  category: string;
  since: Date | null;
  limit: number;
}

const NEVER = '-infinity';
const sinceOf = (s: WindowSpec) => (s.since ? s.since.toISOString() : NEVER);

interface GroupedRow {
  category: string;
  action: string;
  reason: string | null;
  n: number | string;
  distance_sum: number | string | null;
  distance_n: number | string;
  cited: number | string;
}

function fold(rows: GroupedRow[], specs: readonly WindowSpec[]): Map<string, Tally> {
  const tallies = new Map(specs.map((s) => [s.category, emptyTally()]));
  for (const r of rows) {
    addToTally(tallies.get(r.category)!, { action: r.action, reason: r.reason, n: Number(r.n), distance_sum: Number(r.distance_sum ?? 0), distance_n: Number(r.distance_n), cited: Number(r.cited) });
  }
  return tallies;
}

/**
 * Per category, the tally of its window: `decisions` 'counted' for readiness (drafts decided review or
 * autopilot), 'autopilot' for the sampled reviews of autopilot replies.
 */
export async function windowTallies(db: Kysely<Database>, tenant: string, specs: readonly WindowSpec[], decisions: 'counted' | 'autopilot'): Promise<Map<string, Tally>> {
  if (specs.length === 0) return new Map();
  const filter = decisions === 'autopilot' ? sql`r.decision = 'autopilot'` : sql`r.decision in ('review', 'autopilot')`;
  const { rows } = await sql<GroupedRow>`
    select w.category, w.action, w.reason, count(*) as n,
      sum(w.edit_distance) filter (where w.action = 'edit') as distance_sum,
      count(w.edit_distance) filter (where w.action = 'edit') as distance_n,
      count(*) filter (where jsonb_array_length(d.sources) > 0) as cited
    from unnest(${specs.map((s) => s.category)}::text[], ${specs.map(sinceOf)}::timestamptz[], ${specs.map((s) => s.limit)}::int[]) as s(category, since, lim)
    cross join lateral (
      select s.category, r.action, r.reason, r.edit_distance, r.draft_id from reviews r
      where r.tenant = ${tenant} and r.category = s.category and r.created_at > s.since and ${filter}
      order by r.created_at desc limit s.lim
    ) w
    left join drafts d on d.id = w.draft_id
    group by w.category, w.action, w.reason`.execute(db);
  return fold(rows, specs);
}

/**
 * Per category, its latest `limit` reviews of drafts decided review or autopilot, by confidence in
 * hundredths: how many, how many approved clean, and the sum of the confidences.
 */
export async function confidenceLevels(db: Kysely<Database>, tenant: string, categories: readonly string[], limit: number): Promise<Map<string, ConfidenceLevel[]>> {
  const levels = new Map(categories.map((c) => [c, [] as ConfidenceLevel[]]));
  if (categories.length === 0) return levels;
  const { rows } = await sql<{ category: string; level: number; reviews: string | number; clean: string | number; confidence_sum: string | number }>`
    select s.category, round(w.confidence * 100)::int as level, count(*) as reviews,
      count(*) filter (where w.action = 'approve') as clean, sum(w.confidence) as confidence_sum
    from unnest(${[...categories]}::text[]) as s(category)
    cross join lateral (
      select r.action, r.confidence from reviews r
      where r.tenant = ${tenant} and r.category = s.category and r.decision in ('review', 'autopilot') and r.confidence is not null
      order by r.created_at desc limit ${limit}
    ) w
    group by s.category, level`.execute(db);
  for (const r of rows) levels.get(r.category)!.push({ level: Number(r.level), reviews: Number(r.reviews), clean: Number(r.clean), confidence_sum: Number(r.confidence_sum) });
  return levels;
}

export interface WeekRow {
  category: string;
  week: string;
  tally: Tally;
  /** drafts of the category made in the week, how many were decided autopilot, and how many cited a source */
  drafts: number;
  autopilot: number;
  drafts_cited: number;
}

/** Grouped by the week's start (cheap per row), labelled once per group. */
const WEEK_START = sql`date_trunc('week', created_at at time zone 'UTC')`;
const LABEL = sql`to_char(week_start, 'IYYY-"W"IW')`;

/** Per category and ISO week since `from`: the reviews' tally and the drafts' volume. */
export async function weeklyStats(db: Kysely<Database>, tenant: string, from: Date): Promise<WeekRow[]> {
  const [reviews, drafts] = await Promise.all([
    sql<GroupedRow & { week: string }>`
      select category, ${LABEL} as week, action, reason, n, distance_sum, distance_n, 0 as cited from (
        select category, ${WEEK_START} as week_start, action, reason, count(*) as n,
          sum(edit_distance) filter (where action = 'edit') as distance_sum,
          count(edit_distance) filter (where action = 'edit') as distance_n
        from reviews
        where tenant = ${tenant} and created_at >= ${from.toISOString()}::timestamptz and decision in ('review', 'autopilot')
        group by category, week_start, action, reason) g`.execute(db),
    sql<{ category: string; week: string; n: string | number; autopilot: string | number; cited: string | number }>`
      select category, ${LABEL} as week, n, autopilot, cited from (
        select category, ${WEEK_START} as week_start, count(*) as n, count(*) filter (where decision = 'autopilot') as autopilot,
          count(*) filter (where cited) as cited
        from drafts
        where tenant = ${tenant} and created_at >= ${from.toISOString()}::timestamptz
        group by category, week_start) g`.execute(db),
  ]);
  const byKey = new Map<string, WeekRow>();
  const row = (category: string, week: string) => {
    const key = `${category}\u0000${week}`;
    let r = byKey.get(key);
    if (!r) byKey.set(key, (r = { category, week, tally: emptyTally(), drafts: 0, autopilot: 0, drafts_cited: 0 }));
    return r;
  };
  for (const r of reviews.rows) addToTally(row(r.category, r.week).tally, { action: r.action, reason: r.reason, n: Number(r.n), distance_sum: Number(r.distance_sum ?? 0), distance_n: Number(r.distance_n) });
  for (const d of drafts.rows) Object.assign(row(d.category, d.week), { drafts: Number(d.n), autopilot: Number(d.autopilot), drafts_cited: Number(d.cited) });
  return [...byKey.values()].sort((a, b) => (a.category === b.category ? a.week.localeCompare(b.week) : a.category.localeCompare(b.category)));
}
