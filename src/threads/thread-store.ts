import { Kysely, sql, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { Message, Thread, threadSchema } from '../domain/thread';
import { mergeThread } from './merge-thread';
import { storableJson, storableText } from '../domain/storable-text';
import { groupByTenant, ThreadKey, threadKeyOf } from '../domain/thread-key';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredThread {
  thread: Thread;
  version: number;
}

export async function loadThreads(db: Db, keys: ThreadKey[]): Promise<Map<string, StoredThread>> {
  const rows = [];
  for (const group of groupByTenant(keys)) {
    rows.push(
      ...(await db
        .selectFrom('threads')
        .selectAll()
        .where('tenant', '=', group.tenant)
        .where('provider', '=', group.provider)
        .where('thread_id', 'in', group.threadIds)
        .execute()),
    );
  }
  return new Map(
    rows.map((row) => {
      const thread = threadSchema.parse({
        tenant: row.tenant,
        provider: row.provider,
        id: row.thread_id,
        subject: row.subject,
        status: row.status,
        tags: row.tags,
        requester: row.requester,
        messages: row.messages,
      });
      return [threadKeyOf({ tenant: row.tenant, provider: row.provider, threadId: row.thread_id }), { thread, version: row.version }];
    }),
  );
}

export async function loadThread(db: Db, key: ThreadKey): Promise<StoredThread | undefined> {
  return (await loadThreads(db, [key])).get(threadKeyOf(key));
}

/**
 * One statement for any number of threads; with storedIds it also marks those deliveries `stored`
 * (folded, their draft still to come), atomically. Text is made storable first (storableJson).
 */
export async function saveThreads(db: Db, items: { thread: Thread; version: number }[], now: Date, storedIds: string[] = []): Promise<void> {
  if (items.length === 0) return;
  const upsert = db
    .insertInto('threads')
    .values(
      items.map(({ thread, version }) => ({
        tenant: thread.tenant,
        provider: thread.provider,
        thread_id: thread.id,
        status: thread.status,
        subject: storableText(thread.subject),
        tags: storableJson(thread.tags),
        requester: storableJson(thread.requester),
        messages: storableJson(thread.messages),
        version,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['tenant', 'provider', 'thread_id']).doUpdateSet({
        subject: sql`excluded.subject`,
        status: sql`excluded.status`,
        tags: sql`excluded.tags`,
        requester: sql`excluded.requester`,
        messages: sql`excluded.messages`,
        version: sql`excluded.version`,
        updated_at: sql`excluded.updated_at`,
      }),
    );
  if (storedIds.length === 0) {
    await upsert.execute();
    return;
  }
  await db
    .with('saved', () => upsert)
    .updateTable('deliveries')
    .set({ status: 'stored', processed_at: now, last_error: null })
    .where('id', 'in', storedIds)
    .where('status', 'in', ['received', 'queued'])
    .execute();
}

/**
 * Adds messages to a stored thread (merged by id, in time order) and stores it again: the drafter
 * records draftpilot's own note or reply this way right after writing it. A job is the only writer of
 * its thread while it runs (one job per thread), so reading and writing back loses nothing.
 */
export async function addMessages(db: Db, key: ThreadKey, messages: Message[], now: Date): Promise<void> {
  const stored = await loadThread(db, key);
  if (!stored) return;
  const update = { ...stored.thread, subject: '', status: '', tags: [], requester: { id: null, name: null, email: null }, messages };
  await saveThreads(db, [{ thread: mergeThread(stored.thread, update), version: stored.version + 1 }], now);
}
