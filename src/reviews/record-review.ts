import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DraftpilotError } from '../domain/errors';
import { storableText } from '../domain/storable-text';
import type { Database } from '../store/schema';
import { editDistance } from './compare-texts';
import { answerSamples } from './sampled-review';
import type { BriefFeedbackInput, ReviewAction, ReviewAgent, ReviewSource } from './review-input';
import { draftToReview, insertBriefFeedback, insertReview, newRowId, ReviewedDraft } from './review-store';
import type { BriefFeedbackView, ReviewView } from './review-view';

/** No draft with that id (or none the caller's tenant owns): answered 404. */
export class DraftNotFoundError extends DraftpilotError {
  constructor(readonly draftId: string) {
    super('draft_not_found', `no draft ${draftId} in this store; GET /api/drafts lists the recent ones`, 404);
    this.name = 'DraftNotFoundError';
  }
}

/** A review to store: what POST /api/reviews accepts, and `replaced` for implicit reviews. */
export interface ReviewToRecord {
  draft_id: string;
  action: ReviewAction;
  reason?: string | undefined;
  text?: string | undefined;
  sent_text?: string | undefined;
  agent: ReviewAgent;
}

export interface RecordOptions {
  source: ReviewSource;
  now: Date;
  /** only a draft of this tenant counts (an app session's tenant); another tenant's draft is not found */
  tenant?: string;
  /** called once the review is stored (the category lifecycle evaluates promotion and demotion) */
  afterRecord?: AfterRecord;
}

/** What was just stored, with the reviewed draft's category and decision. */
export type AfterRecord = (recorded: { review: ReviewView; category: string; decision: string }) => Promise<void>;

/** The version of a draft a review is about: the sha256 (hex) of its text (drafts are never rewritten). */
export function draftVersion(text: string | null): string | null {
  return text === null ? null : createHash('sha256').update(text, 'utf8').digest('hex');
}

async function draftOf(db: Kysely<Database>, draftId: string, tenant: string | undefined): Promise<ReviewedDraft> {
  const draft = await draftToReview(db, draftId);
  if (!draft || (tenant !== undefined && draft.tenant !== tenant)) throw new DraftNotFoundError(draftId);
  return draft;
}

/**
 * Stores one review of a draft: the edit distance from the draft to the sent text (an approve sent
 * as drafted is 0), and the seconds from the draft's creation to this review.
 */
export async function recordReview(db: Kysely<Database>, input: ReviewToRecord, options: RecordOptions): Promise<ReviewView> {
  const draft = await draftOf(db, input.draft_id, options.tenant);
  const sent = input.sent_text ?? null;
  let distance: number | null = null;
  if (draft.draft !== null && sent !== null) distance = editDistance(draft.draft, sent);
  else if (draft.draft !== null && input.action === 'approve') distance = 0;
  const review = await insertReview(db, {
    id: newRowId('r'),
    draft_id: draft.id,
    tenant: draft.tenant,
    provider: draft.provider,
    action: input.action,
    reason: input.reason ?? null,
    text: input.text === undefined ? null : storableText(input.text),
    sent_text: sent === null ? null : storableText(sent),
    agent_id: storableText(input.agent.id),
    agent_name: input.agent.name ? storableText(input.agent.name) : null,
    draft_version: draftVersion(draft.draft),
    edit_distance: distance,
    seconds_to_review: Math.max(0, Math.round((options.now.getTime() - draft.created_at.getTime()) / 1000)),
    source: options.source,
    created_at: options.now,
    category: draft.category,
    decision: draft.decision,
    confidence: draft.confidence,
  });
  // An agent's review through an app or the API answers the draft's open samples; a reply seen on the
  // thread (implicit) is how the conversation went on, not a rating of the sample.
  if (options.source !== 'implicit') await answerSamples(db, draft.id, review.id, options.now);
  await options.afterRecord?.({ review, category: draft.category, decision: draft.decision });
  return review;
}

/** Stores an agent's "was this brief useful?" answer. */
export async function recordBriefFeedback(db: Kysely<Database>, draftId: string, input: BriefFeedbackInput, options: RecordOptions): Promise<BriefFeedbackView> {
  const draft = await draftOf(db, draftId, options.tenant);
  return insertBriefFeedback(db, {
    id: newRowId('f'),
    draft_id: draft.id,
    tenant: draft.tenant,
    provider: draft.provider,
    useful: input.useful,
    missing: input.missing ?? null,
    agent_id: storableText(input.agent.id),
    agent_name: input.agent.name ? storableText(input.agent.name) : null,
    source: options.source,
    created_at: options.now,
  });
}
