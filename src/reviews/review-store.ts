import { randomBytes } from 'node:crypto';
import { reviews } from '../metrics/metrics';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { BriefFeedbackRow, BriefFeedbackView, briefFeedbackView, ReviewRow, ReviewView, reviewView } from './review-view';

/** The stored reviews and brief feedback: thin queries, no policy. Each answers the API's view. */

/** `r_` (a review) or `f_` (brief feedback) and 12 base64url characters. */
export function newRowId(prefix: 'r' | 'f'): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** What a review needs of its draft: whose it is, its text and when it was made. */
export interface ReviewedDraft {
  id: string;
  tenant: string;
  provider: string;
  thread_id: string;
  decision: string;
  category: string;
  confidence: number;
  draft: string | null;
  created_at: Date;
}

export async function draftToReview(db: Kysely<Database>, draftId: string): Promise<ReviewedDraft | undefined> {
  const row = await db.selectFrom('drafts').select(['id', 'tenant', 'provider', 'thread_id', 'decision', 'category', 'confidence', 'draft', 'created_at']).where('id', '=', draftId).executeTakeFirst();
  return row && { ...row, created_at: new Date(row.created_at) };
}

export async function insertReview(db: Kysely<Database>, row: ReviewRow): Promise<ReviewView> {
  const view = reviewView(await db.insertInto('reviews').values(row).returningAll().executeTakeFirstOrThrow());
  reviews.inc({ tenant: row.tenant, action: row.action, source: row.source });
  return view;
}

/** A draft's reviews, oldest first: the second agent on a thread sees what the first did. */
export async function reviewsForDraft(db: Kysely<Database>, draftId: string): Promise<ReviewView[]> {
  const rows = await db.selectFrom('reviews').selectAll().where('draft_id', '=', draftId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  return rows.map(reviewView);
}

export async function insertBriefFeedback(db: Kysely<Database>, row: BriefFeedbackRow): Promise<BriefFeedbackView> {
  return briefFeedbackView(await db.insertInto('brief_feedback').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function briefFeedbackForDraft(db: Kysely<Database>, draftId: string): Promise<BriefFeedbackView[]> {
  const rows = await db.selectFrom('brief_feedback').selectAll().where('draft_id', '=', draftId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  return rows.map(briefFeedbackView);
}
