import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';

/**
 * A review given after its draft was sampled is the sample's review (docs/sampling.md): the first
 * one is kept on each open sample of the draft. Returns the samples it answered.
 */
export async function answerSamples(db: Kysely<Database>, draftId: string, reviewId: string, at: Date): Promise<string[]> {
  const rows = await db
    .updateTable('samples')
    .set({ review_id: reviewId, reviewed_at: at })
    .where('draft_id', '=', draftId)
    .where('review_id', 'is', null)
    .where('created_at', '<=', at)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
