import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { Thread, threadSchema } from '../../webhooks/thread';
import type { ThreadKey } from '../inbox/inbox';

type Db = Kysely<Database> | Transaction<Database>;

export async function loadThread(db: Db, key: ThreadKey): Promise<{ thread: Thread; version: number } | undefined> {
  const row = await db
    .selectFrom('threads')
    .selectAll()
    .where('tenant', '=', key.tenant)
    .where('provider', '=', key.provider)
    .where('thread_id', '=', key.threadId)
    .executeTakeFirst();
  if (!row) return undefined;
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
  return { thread, version: row.version };
}

export async function saveThread(db: Db, thread: Thread, version: number, now: Date): Promise<void> {
  const values = {
    subject: thread.subject,
    status: thread.status,
    tags: JSON.stringify(thread.tags),
    requester: JSON.stringify(thread.requester),
    messages: JSON.stringify(thread.messages),
    version,
    updated_at: now,
  };
  await db
    .insertInto('threads')
    .values({ tenant: thread.tenant, provider: thread.provider, thread_id: thread.id, ...values })
    .onConflict((oc) => oc.columns(['tenant', 'provider', 'thread_id']).doUpdateSet(values))
    .execute();
}
