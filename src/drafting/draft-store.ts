import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { Thread } from '../domain/thread';
import type { DraftResult } from './draft-reply';
import { storableJson, storableText } from '../domain/storable-text';
import type { ThreadKey } from '../domain/thread-key';

export function newDraftId(): string {
  return `d_${randomBytes(9).toString('base64url')}`;
}

/** The drafts of one thread (a query to narrow further). */
function draftsOfThread(db: Kysely<Database>, key: ThreadKey) {
  return db.selectFrom('drafts').selectAll().where('tenant', '=', key.tenant).where('provider', '=', key.provider).where('thread_id', '=', key.threadId);
}

/** The draft of a customer message, if there is one (one per message, whatever delivered it). */
export async function findDraft(db: Kysely<Database>, thread: Thread, messageId: string) {
  return draftsOfThread(db, { tenant: thread.tenant, provider: thread.provider, threadId: thread.id }).where('message_id', '=', messageId).executeTakeFirst();
}

export type DraftRow = NonNullable<Awaited<ReturnType<typeof findDraft>>>;

/** A draft by its id (the operator API), if it exists. */
export async function findDraftById(db: Kysely<Database>, id: string): Promise<DraftRow | undefined> {
  return db.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A thread's newest draft (what the helpdesk apps show on a ticket or conversation), if it has one. */
export async function latestDraftOfThread(db: Kysely<Database>, key: ThreadKey): Promise<DraftRow | undefined> {
  return draftsOfThread(db, key).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The newest drafts first, for the operator API. */
export async function recentDrafts(db: Kysely<Database>, limit: number): Promise<DraftRow[]> {
  return db.selectFrom('drafts').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

/** The webhook deliveries of a draft's thread, newest first, without their payloads. */
export async function threadDeliveries(db: Kysely<Database>, key: ThreadKey, limit: number) {
  return db
    .selectFrom('deliveries')
    .select(['delivery_id', 'topic', 'status', 'attempts', 'last_error', 'received_at', 'processed_at'])
    .where('tenant', '=', key.tenant)
    .where('provider', '=', key.provider)
    .where('thread_id', '=', key.threadId)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Records how a draft reached the helpdesk (or, in shadow mode, what would have been written). */
export async function markDelivered(db: Kysely<Database>, draftId: string, outcome: unknown, now: Date): Promise<void> {
  await db.updateTable('drafts').set({ delivered_at: now, delivery: storableJson(outcome) }).where('id', '=', draftId).execute();
}

/**
 * A job gave up on a thread: its drafts still waiting for their delivery are recorded as not
 * delivered, with the reason, so they show as failed (GET /api/drafts) until a redrive. Returns how many.
 */
export async function markUndeliveredFailed(db: Kysely<Database>, key: ThreadKey, detail: string, now: Date): Promise<number> {
  const outcome = { written: false, shadow: false, failed: true, apiCalls: 0, writes: [], detail };
  const rows = await db
    .updateTable('drafts')
    .set({ delivered_at: now, delivery: storableJson(outcome) })
    .where('tenant', '=', key.tenant)
    .where('provider', '=', key.provider)
    .where('thread_id', '=', key.threadId)
    .where('delivered_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Drafts whose delivery failed (permanently, or after every attempt) go back to waiting for delivery,
 * for a redrive after a fix; the next job on the thread delivers them, checking for its marker first.
 */
export async function resetFailedDeliveries(db: Kysely<Database>, filter: { tenant?: string; since?: Date }): Promise<number> {
  let q = db.updateTable('drafts').set({ delivered_at: null, delivery: null }).where(sql<boolean>`delivery->>'failed' = 'true'`);
  if (filter.tenant) q = q.where('tenant', '=', filter.tenant);
  if (filter.since) q = q.where('created_at', '>=', filter.since);
  return (await q.returning('id').execute()).length;
}

/** Stores a draft; returns its id, or null when another run stored one for the same message first. */
export async function saveDraft(db: Kysely<Database>, thread: Thread, r: DraftResult, now: Date): Promise<string | null> {
  const id = newDraftId();
  const row = await db
    .insertInto('drafts')
    .values({
      id,
      tenant: thread.tenant,
      provider: thread.provider,
      thread_id: thread.id,
      message_id: r.messageId,
      requester_id: thread.requester.id,
      decision: r.decision,
      category: storableText(r.category),
      intent: storableText(r.intent),
      confidence: r.confidence,
      sentiment: storableJson(r.sentiment),
      reasons: storableJson(r.escalation_reasons),
      sources: storableJson(r.sources),
      draft: r.draft === null ? null : storableText(r.draft),
      brief: storableJson(r.brief),
      guard: storableJson(r.guard),
      publication: r.publication ? storableJson(r.publication) : null,
      model: r.model,
      usage: r.usage ? storableJson(r.usage) : null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant', 'provider', 'thread_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The ids of one requester's drafts in one category, on other threads than one (drafts_requester_idx). */
export function requesterDraftsElsewhere(db: Kysely<Database>, q: { tenant: string; requesterId: string; category: string; excludeThreadId: string }) {
  return db.selectFrom('drafts').select('id').where('tenant', '=', q.tenant).where('requester_id', '=', q.requesterId).where('category', '=', q.category).where('thread_id', '!=', q.excludeThreadId);
}

/**
 * Cross-ticket repeat: an autopilot answer that was really sent (not a shadow-mode decision) to the
 * same requester in the same category since a date.
 */
export async function hadRecentAiAnswer(
  db: Kysely<Database>,
  q: { tenant: string; requesterId: string; category: string; since: Date; excludeThreadId: string },
): Promise<boolean> {
  const row = await requesterDraftsElsewhere(db, q)
    .where('decision', '=', 'autopilot')
    .where(sql<boolean>`delivery->>'written' = 'true'`)
    .where('created_at', '>=', q.since)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the thread's earlier drafts that still wait for an agent (review or escalate, not yet
 * superseded) as replaced by a newer draft; returns their ids for the new note to mention.
 */
export async function supersedePending(db: Kysely<Database>, thread: Thread, newDraftId: string): Promise<string[]> {
  const rows = await db
    .updateTable('drafts')
    .set({ superseded_by: newDraftId })
    .where('tenant', '=', thread.tenant)
    .where('provider', '=', thread.provider)
    .where('thread_id', '=', thread.id)
    .where('id', '!=', newDraftId)
    .where('decision', 'in', ['review', 'escalate'])
    .where('superseded_by', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
