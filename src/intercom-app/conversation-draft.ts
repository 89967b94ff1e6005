import type { Kysely } from 'kysely';
import type { DraftRow } from '../drafting/draft-store';
import type { Database } from '../store/schema';

/** The newest draft of a conversation: what the inbox app shows when it opens. */
export async function latestDraftOf(db: Kysely<Database>, tenant: string, conversationId: string): Promise<DraftRow | undefined> {
  return db
    .selectFrom('drafts')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('provider', '=', 'intercom')
    .where('thread_id', '=', conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
