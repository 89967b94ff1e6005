import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import { queueFigures } from '../inbox/queue-figures';

/**
 * What the dashboard charts, read from the records the service keeps anyway (drafts, reviews,
 * deliveries): no second bookkeeping. Weeks are ISO weeks in UTC, labelled "2026-W49". Each query
 * takes the first day it covers and an optional tenant.
 */
export interface Scope {
  since: Date;
  tenant?: string;
}

export interface WeekCount {
  week: string;
  key: string;
  count: number;
}

export interface CategoryWeek {
  week: string;
  category: string;
  reviews: number;
  /** approved as drafted or after an edit */
  approved: number;
  /** approved without an edit */
  clean: number;
}

const week = (column: string) => sql<string>`to_char(date_trunc('week', ${sql.ref(column)} at time zone 'UTC'), 'IYYY-"W"IW')`;

/** Drafts per week and decision (autopilot, review, escalate). */
export async function decisionMix(db: Kysely<Database>, scope: Scope): Promise<WeekCount[]> {
  let q = db
    .selectFrom('drafts')
    .select([week('drafts.created_at').as('week'), 'decision as key', sql<number>`count(*)::int`.as('count')])
    .where('created_at', '>=', scope.since);
  if (scope.tenant) q = q.where('tenant', '=', scope.tenant);
  const rows = await q.groupBy([sql`1`, 'decision']).orderBy(sql`1`).orderBy('decision').execute();
  return rows.map((r) => ({ week: r.week, key: r.key, count: Number(r.count) }));
}

/** Escalations per week and reason: a draft with two reasons counts once under each. */
export async function escalationsByReason(db: Kysely<Database>, scope: Scope): Promise<WeekCount[]> {
  const tenant = scope.tenant ? sql`and d.tenant = ${scope.tenant}` : sql``;
  const { rows } = await sql<{ week: string; key: string; count: number }>`
    select ${week('d.created_at')} as week, r.reason as key, count(*)::int as count
    from drafts d cross join lateral jsonb_array_elements_text(d.reasons) as r(reason)
    where d.decision = 'escalate' and d.created_at >= ${scope.since} ${tenant}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({ week: r.week, key: r.key, count: Number(r.count) }));
}

/**
 * Reviews per week and category, with how many approved the draft (as it was, or edited) and how many
 * approved it clean. A review is counted in the week it was given; the category is the draft's.
 */
export async function categoryWeeks(db: Kysely<Database>, scope: Scope): Promise<CategoryWeek[]> {
  const tenant = scope.tenant ? sql`and r.tenant = ${scope.tenant}` : sql``;
  const { rows } = await sql<{ week: string; category: string; reviews: number; approved: number; clean: number }>`
    select ${week('r.created_at')} as week, d.category as category, count(*)::int as reviews,
      (count(*) filter (where r.action in ('approve', 'edit')))::int as approved,
      (count(*) filter (where r.action = 'approve'))::int as clean
    from reviews r join drafts d on d.id = r.draft_id
    where r.action <> 'escalate' and r.created_at >= ${scope.since} ${tenant}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({ week: r.week, category: r.category || '(none)', reviews: Number(r.reviews), approved: Number(r.approved), clean: Number(r.clean) }));
}

export interface QueueHealth {
  byStatus: Record<string, number>;
  /** seconds the oldest delivery not yet done has waited, or null when none waits */
  oldestWaitingSeconds: number | null;
  /** deliveries given up on (dead letters) in the scope */
  failedSince: number;
}

/** Deliveries by status, how long the oldest waiting one has waited, and the dead letters. */
export async function queueHealth(db: Kysely<Database>, scope: Scope, now: Date): Promise<QueueHealth> {
  let failed = db.selectFrom('deliveries').select(sql<number>`count(*)::int`.as('count')).where('status', '=', 'failed').where('received_at', '>=', scope.since);
  if (scope.tenant) failed = failed.where('tenant', '=', scope.tenant);
  const [figures, row] = await Promise.all([queueFigures(db, now, scope.tenant), failed.executeTakeFirst()]);
  return { ...figures, failedSince: Number(row?.count ?? 0) };
}

/** The tenants that have drafts, for the tenant picker. */
export async function tenantsWithDrafts(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('drafts').select('tenant').distinct().orderBy('tenant').execute();
  return rows.map((r) => r.tenant);
}
