import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ConfidenceLevel } from '../lifecycle/calibration';
import type { ReportScope } from './report-view';
import { inScope, num } from './report-sql';

export interface StratumRow {
  category: string;
  decision: string;
  drafts: number;
}

/** How many of the week's drafts fall below the threshold, per category and decision. */
export async function lowConfidenceStrata(db: Kysely<Database>, scope: ReportScope, threshold: number): Promise<StratumRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select d.category, d.decision, count(*)::int as drafts
      from drafts d
     where d.confidence < ${threshold} and ${inScope('d', scope)}
     group by d.category, d.decision
     order by d.category, d.decision`.execute(db);
  return rows.map((r) => ({ category: String(r.category), decision: String(r.decision), drafts: num(r.drafts) }));
}

export interface CandidateRow {
  draft_id: string;
  tenant: string;
  thread_id: string;
  created_at: Date;
  category: string;
  decision: string;
  confidence: number;
  reasons: string[];
  question: string | null;
  draft: string | null;
  /** the draft's place in its stratum's seeded order, from 1 */
  rank: number;
}

/**
 * The first `perStratum` drafts below the threshold of each stratum, in an order seeded by `seed`:
 * md5(seed, draft id). Repeatable (the same seed gives the same order), independent of insertion
 * order, and a new draft only enters the sample where its hash ranks above the sampled ones.
 */
export async function sampleCandidates(db: Kysely<Database>, scope: ReportScope, threshold: number, seed: string, perStratum: number): Promise<CandidateRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from (
      select d.id as draft_id, d.tenant, d.thread_id, d.created_at, d.category, d.decision, d.confidence::float8 as confidence,
             d.reasons, d.brief->>'question' as question, d.draft,
             row_number() over (partition by d.category, d.decision order by md5(${seed} || d.id), d.id)::int as rank
        from drafts d
       where d.confidence < ${threshold} and ${inScope('d', scope)}
    ) ranked
     where rank <= ${perStratum}
     order by category, decision, rank`.execute(db);
  return rows.map((r) => ({
    draft_id: String(r.draft_id),
    tenant: String(r.tenant),
    thread_id: String(r.thread_id),
    created_at: new Date(r.created_at as string | Date),
    category: String(r.category),
    decision: String(r.decision),
    confidence: num(r.confidence),
    reasons: (typeof r.reasons === 'string' ? JSON.parse(r.reasons) : r.reasons) as string[],
    question: r.question === null || r.question === undefined ? null : String(r.question),
    draft: r.draft === null || r.draft === undefined ? null : String(r.draft),
    rank: num(r.rank),
  }));
}

export interface LatestReview {
  action: string;
  reason: string | null;
  created_at: Date;
}

/** The latest review of each of these drafts (the newest, then the greatest id). */
export async function latestReviews(db: Kysely<Database>, draftIds: readonly string[]): Promise<Map<string, LatestReview>> {
  if (draftIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('reviews')
    .select(['draft_id', 'action', 'reason', 'created_at'])
    .distinctOn('draft_id')
    .where('draft_id', 'in', [...draftIds])
    .orderBy('draft_id')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.draft_id, { action: r.action, reason: r.reason, created_at: new Date(r.created_at) }]));
}

/**
 * The week's reviews by the confidence of the reviewed draft in hundredths (the lifecycle's histogram,
 * src/lifecycle/calibration.ts): how many, how many clean approvals, the confidence sum.
 */
export async function calibrationLevels(db: Kysely<Database>, scope: ReportScope): Promise<ConfidenceLevel[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select round(d.confidence * 100)::int as level,
           count(*)::int as reviews,
           count(*) filter (where r.action = 'approve')::int as clean,
           sum(d.confidence)::float8 as confidence_sum
      from reviews r join drafts d on d.id = r.draft_id
     where ${inScope('r', scope)}
     group by 1`.execute(db);
  return rows.map((r) => ({ level: num(r.level), reviews: num(r.reviews), clean: num(r.clean), confidence_sum: num(r.confidence_sum) }));
}
