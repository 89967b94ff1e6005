import { Kysely, sql } from 'kysely';
import type { ThreadKey } from '../domain/thread-key';
import { SOLVE_TOPICS } from '../edge/provider-edge';
import type { Database } from '../store/schema';
import { requesterDraftsElsewhere } from '../drafting/draft-store';

/**
 * What the store tells about a solved conversation, for its stratum (policy/sampling.ts). Each is one
 * indexed query: the deliveries and drafts of one thread, or one requester's drafts.
 */

/** The thread's solve deliveries (an index scan on deliveries_thread_idx). */
function solvesOfThread(db: Kysely<Database>, key: ThreadKey) {
  return db.selectFrom('deliveries').where('tenant', '=', key.tenant).where('provider', '=', key.provider).where('thread_id', '=', key.threadId).where('topic', 'in', [...SOLVE_TOPICS]);
}

/** The solve events this job is working on: folded into the thread, not yet done. */
export async function pendingSolves(db: Kysely<Database>, key: ThreadKey): Promise<{ id: string; deliveryId: string; payload: unknown }[]> {
  const rows = await solvesOfThread(db, key).select(['id', 'delivery_id', 'payload']).where('status', '=', 'stored').orderBy('id').execute();
  return rows.map((r) => ({ id: String(r.id), deliveryId: r.delivery_id, payload: JSON.parse(r.payload) as unknown }));
}

/** Solved before this solve event: the conversation was reopened and solved again. */
export async function solvedBefore(db: Kysely<Database>, key: ThreadKey, deliveryRowId: string): Promise<boolean> {
  const row = await solvesOfThread(db, key).select('id').where('id', '<', deliveryRowId).executeTakeFirst();
  return row !== undefined;
}

/** The thread's drafts, oldest first: the newest gives the category, any autopilot one delivered makes it AI-handled. */
export async function draftsOfThread(db: Kysely<Database>, key: ThreadKey) {
  return db
    .selectFrom('drafts')
    .where('tenant', '=', key.tenant)
    .where('provider', '=', key.provider)
    .where('thread_id', '=', key.threadId)
    .select(['id', 'category', 'decision', 'requester_id', 'created_at', 'delivered_at', sql<string | null>`delivery->>'failed'`.as('failed')])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Another conversation of the same requester in the same category between two instants. */
export async function otherContact(db: Kysely<Database>, q: { tenant: string; requesterId: string; category: string; threadId: string; from: Date; to: Date }): Promise<boolean> {
  const row = await requesterDraftsElsewhere(db, { ...q, excludeThreadId: q.threadId })
    .where('created_at', '>=', q.from)
    .where('created_at', '<=', q.to)
    .executeTakeFirst();
  return row !== undefined;
}
