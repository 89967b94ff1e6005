import type { Kysely } from 'kysely';
import type { Thread } from '../domain/thread';
import type { Database } from '../store/schema';
import { implicitReview, replyAfter } from './implicit-review';
import { AfterRecord, recordReview } from './record-review';
import type { ReviewView } from './review-view';

/**
 * After a thread is stored: if its newest draft still waits for an agent (review or escalate, not
 * superseded, with a text, not reviewed yet) and an agent has since replied in public, records the
 * implicit review of that reply. Idempotent: a draft with a review gets none, so a retried job or a
 * redelivered reply records nothing twice.
 */
export async function recordImplicitReview(db: Kysely<Database>, thread: Thread, now: Date, afterRecord?: AfterRecord): Promise<ReviewView | undefined> {
  if (!thread.messages.some((m) => m.author === 'agent' && m.public)) return undefined;
  const draft = await db
    .selectFrom('drafts')
    .select(['id', 'message_id', 'draft', 'created_at'])
    .where('tenant', '=', thread.tenant)
    .where('provider', '=', thread.provider)
    .where('thread_id', '=', thread.id)
    .where('decision', 'in', ['review', 'escalate'])
    .where('superseded_by', 'is', null)
    .where('draft', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('reviews').select('reviews.id').whereRef('reviews.draft_id', '=', 'drafts.id'))))
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!draft?.draft) return undefined;
  const reply = replyAfter(thread.messages, { message_id: draft.message_id, draft: draft.draft, created_at: new Date(draft.created_at) });
  if (!reply) return undefined;
  const review = implicitReview(draft.draft, reply);
  return recordReview(db, { draft_id: draft.id, action: review.action, sent_text: review.sent_text, agent: review.agent }, { source: 'implicit', now, ...(afterRecord ? { afterRecord } : {}) });
}
