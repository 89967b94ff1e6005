import type { Kysely } from 'kysely';
import type { ProviderEdge } from '../../webhooks/edge';
import type { Provider, Thread } from '../../webhooks/thread';
import { describe } from '../errors';
import type { Inbox, StoredDelivery, ThreadKey } from '../inbox/inbox';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { mergeThread } from '../threads/merge-thread';
import { loadThread, saveThread } from '../threads/thread-store';

export interface ProcessThreadDeps {
  db: Kysely<Database>;
  inbox: Inbox;
  edges: Record<Provider, ProviderEdge>;
  logger: Logger;
  now: () => Date;
  /** Called after the thread is stored; the drafting pipeline plugs in here. */
  onThread?: (thread: Thread, deliveries: StoredDelivery[]) => Promise<void>;
}

export interface ProcessResult {
  processed: number;
  rejected: number;
  thread?: Thread;
}

/**
 * The job: fold every pending delivery of one thread into the normalized thread and store it.
 * Idempotent: a second run finds nothing pending and does nothing, so at-least-once delivery is safe.
 */
export function createThreadProcessor(deps: ProcessThreadDeps) {
  return async function processThread(key: ThreadKey): Promise<ProcessResult> {
    const pending = await deps.inbox.pendingForThread(key);
    if (pending.length === 0) return { processed: 0, rejected: 0 };
    const edge = deps.edges[key.provider];
    const stored = await loadThread(deps.db, key);
    let thread: Thread | undefined = stored?.thread;
    const done: StoredDelivery[] = [];
    const rejected: { delivery: StoredDelivery; error: string }[] = [];
    for (const delivery of pending) {
      try {
        const update = edge.normalize(delivery.payload, { deliveryId: delivery.deliveryId, tenant: delivery.tenant, receivedAt: delivery.receivedAt.toISOString() });
        thread = mergeThread(thread, update);
        done.push(delivery);
      } catch (err) {
        // A payload that passed the edge but cannot be normalized will not improve with retries.
        rejected.push({ delivery, error: `normalize failed: ${describe(err)}` });
      }
    }
    const now = deps.now();
    await deps.db.transaction().execute(async (trx) => {
      if (thread && done.length > 0) await saveThread(trx, thread, (stored?.version ?? 0) + 1, now);
      if (done.length > 0) {
        await trx
          .updateTable('deliveries')
          .set({ status: 'done', processed_at: now, last_error: null })
          .where('id', 'in', done.map((d) => d.id))
          .where('status', 'in', ['received', 'queued'])
          .execute();
      }
      for (const r of rejected) {
        await trx.updateTable('deliveries').set({ status: 'failed', processed_at: now, last_error: r.error }).where('id', '=', r.delivery.id).execute();
      }
    });
    const log = deps.logger.child({ tenant: key.tenant, provider: key.provider, threadId: key.threadId });
    for (const r of rejected) log.error({ deliveryId: r.delivery.deliveryId, err: r.error }, 'delivery could not be normalized');
    log.info({ deliveries: done.map((d) => d.deliveryId), messages: thread?.messages.length ?? 0 }, 'thread stored');
    if (thread && done.length > 0 && deps.onThread) await deps.onThread(thread, done);
    return { processed: done.length, rejected: rejected.length, ...(thread ? { thread } : {}) };
  };
}
