import { z } from 'zod';
import { REVIEW_ACTIONS, REVIEW_SOURCES } from './review-input';
import type { Selectable } from 'kysely';
import type { BriefFeedbackTable, ReviewsTable } from '../store/schema';

export type ReviewRow = Selectable<ReviewsTable>;
export type BriefFeedbackRow = Selectable<BriefFeedbackTable>;

/** A stored review as the API answers it (POST /api/reviews, GET /api/drafts/:id `reviews`). Pure. */
export const reviewViewSchema = z.object({
  id: z.string(),
  draft_id: z.string(),
  tenant: z.string(),
  provider: z.string(),
  action: z.enum(REVIEW_ACTIONS),
  reason: z.string().nullable(),
  text: z.string().nullable(),
  sent_text: z.string().nullable(),
  agent: z.object({ id: z.string(), name: z.string().nullable() }),
  /** sha256 (hex) of the draft text that was reviewed; null when the draft had no text */
  draft_version: z.string().nullable(),
  edit_distance: z.number().nullable(),
  seconds_to_review: z.number(),
  source: z.enum(REVIEW_SOURCES),
  created_at: z.string(),
});
export type ReviewView = z.infer<typeof reviewViewSchema>;

export const briefFeedbackViewSchema = z.object({
  id: z.string(),
  draft_id: z.string(),
  useful: z.boolean(),
  missing: z.string().nullable(),
  agent: z.object({ id: z.string(), name: z.string().nullable() }),
  source: z.enum(REVIEW_SOURCES),
  created_at: z.string(),
});
export type BriefFeedbackView = z.infer<typeof briefFeedbackViewSchema>;

const time = (v: Date | string): string => new Date(v).toISOString();

export function reviewView(r: ReviewRow): ReviewView {
  return {
    id: r.id,
    draft_id: r.draft_id,
    tenant: r.tenant,
    provider: r.provider,
    action: r.action as ReviewView['action'],
    reason: r.reason,
    text: r.text,
    sent_text: r.sent_text,
    agent: { id: r.agent_id, name: r.agent_name },
    draft_version: r.draft_version,
    edit_distance: r.edit_distance,
    seconds_to_review: r.seconds_to_review,
    source: r.source as ReviewView['source'],
    created_at: time(r.created_at),
  };
}

export function briefFeedbackView(f: BriefFeedbackRow): BriefFeedbackView {
  return {
    id: f.id,
    draft_id: f.draft_id,
    useful: f.useful,
    missing: f.missing,
    agent: { id: f.agent_id, name: f.agent_name },
    source: f.source as BriefFeedbackView['source'],
    created_at: time(f.created_at),
  };
}
