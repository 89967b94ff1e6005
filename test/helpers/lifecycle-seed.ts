import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema';

/** Drafts and reviews written straight into a store, for the lifecycle's SQL tests. */
export interface SeedReview {
  category: string;
  decision: 'review' | 'autopilot' | 'escalate';
  action: 'approve' | 'edit' | 'reject' | 'escalate' | 'replaced';
  reason?: string;
  at: Date;
  confidence?: number;
  editDistance?: number;
  cited?: boolean;
}

let n = 0;

export async function seedReviews(db: Kysely<Database>, tenant: string, reviews: readonly SeedReview[]): Promise<void> {
  for (const r of reviews) {
    const id = `d_seed${String(++n).padStart(8, '0')}`;
    await db
      .insertInto('drafts')
      .values({
        id,
        tenant,
        provider: 'zendesk',
        thread_id: id,
        message_id: 'm1',
        requester_id: null,
        decision: r.decision,
        category: r.category,
        intent: 'x',
        confidence: r.confidence ?? 0.9,
        sentiment: JSON.stringify({ label: 'neutral', score: 0 }),
        reasons: '[]',
        sources: JSON.stringify(r.cited === false ? [] : [{ id: 'a', title: 'A', url: 'https://help.example/a' }]),
        draft: 'text',
        brief: '{}',
        guard: '[]',
        model: 'offline',
        usage: null,
        created_at: new Date(r.at.getTime() - 60_000),
      })
      .execute();
    await db
      .insertInto('reviews')
      .values({
        id: `r_seed${String(n).padStart(8, '0')}`,
        draft_id: id,
        tenant,
        provider: 'zendesk',
        action: r.action,
        reason: r.reason ?? null,
        text: null,
        sent_text: null,
        agent_id: '1',
        agent_name: null,
        draft_version: null,
        edit_distance: r.editDistance ?? (r.action === 'approve' ? 0 : null),
        seconds_to_review: 60,
        source: 'api',
        created_at: r.at,
        category: r.category,
        decision: r.decision,
        confidence: r.confidence ?? 0.9,
      })
      .execute();
  }
}
