import type { Kysely } from 'kysely';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Provider, Thread } from '../domain/thread';
import { describe } from '../domain/errors';
import { ThreadKey, threadKeyOf } from '../domain/thread-key';
import type { Inbox, StoredDelivery } from '../inbox/inbox';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { mergeThread } from './merge-thread';
import { loadThreads, saveThreads } from './thread-store';

export interface FoldDeliveriesDeps {
  db: Kysely<Database>;
  inbox: Inbox;
  edges: Record<Provider, ProviderEdge>;
  logger: Logger;
  now: () => Date;
  /** Called after a thread is stored with the deliveries folded into it (observers, tests). */
  onThread?: (thread: Thread, deliveries: StoredDelivery[]) => Promise<void>;
  /**
   * The next step for every thread of the job (drafting). Runs on retries too, even when no delivery
   * is pending any more, so a failure here is retried by the queue; it must be idempotent.
   */
  afterStore?: (threads: Thread[]) => Promise<void>;
  /**
   * Reads the whole thread from the helpdesk API, for deliveries that carry ids but no text (a
   * trigger body without the comment). The API's thread replaces the stored one rather than merging
   * with it: message ids from webhooks and from the API differ.
   */
  loader?: { canLoad(tenant: string): boolean; load(tenant: string, threadId: string): Promise<Thread> };
}

export interface FoldResult {
  processed: number;
  rejected: number;
  threads: Thread[];
}

/**
 * The job: fold every pending delivery of the given threads into their normalized threads and store
 * them, in a few statements whatever the number of threads. Idempotent: a second run finds nothing
 * pending and does nothing, so at-least-once delivery is safe.
 */
export function createDeliveryFolder(deps: FoldDeliveriesDeps) {
  return async function foldDeliveries(keys: ThreadKey[]): Promise<FoldResult> {
    const pending = await deps.inbox.pendingForThreads(keys);
    if (pending.length === 0) {
      // A retry after the next step failed: the threads are stored, run the next step again.
      if (deps.afterStore) await deps.afterStore([...(await loadThreads(deps.db, keys)).values()].map((s) => s.thread));
      return { processed: 0, rejected: 0, threads: [] };
    }
    const stored = await loadThreads(deps.db, keys);

    const changed = new Map<string, { thread: Thread; version: number; deliveries: StoredDelivery[] }>();
    const rejected: { delivery: StoredDelivery; error: string }[] = [];
    for (const delivery of pending) {
      const key = threadKeyOf(delivery);
      const current = changed.get(key) ?? { thread: stored.get(key)?.thread, version: (stored.get(key)?.version ?? 0) + 1, deliveries: [] };
      let update: Thread;
      try {
        update = deps.edges[delivery.provider].normalize(delivery.payload, {
          deliveryId: delivery.deliveryId,
          tenant: delivery.tenant,
          receivedAt: delivery.receivedAt.toISOString(),
        });
      } catch (err) {
        // A payload that passed the edge but cannot be normalized will not improve with retries.
        rejected.push({ delivery, error: `normalize failed: ${describe(err)}` });
        continue;
      }
      let thread = mergeThread(current.thread, update);
      if (update.messages.length === 0 && deps.loader?.canLoad(delivery.tenant)) {
        try {
          thread = await deps.loader.load(delivery.tenant, delivery.threadId);
        } catch (err) {
          // A deleted ticket or a revoked token will not improve: record and drop. 429 and 5xx: retry the job.
          if (!(err as { permanent?: boolean }).permanent) throw err;
          rejected.push({ delivery, error: `loading the thread failed: ${describe(err)}` });
          continue;
        }
      }
      changed.set(key, { thread, version: current.version, deliveries: [...current.deliveries, delivery] });
    }

    const now = deps.now();
    const results = [...changed.values()];
    const doneIds = results.flatMap((r) => r.deliveries.map((d) => d.id));
    // One statement stores the threads and marks their deliveries done: atomic without a transaction.
    if (results.length > 0) await saveThreads(deps.db, results, now, doneIds);
    for (const r of rejected) {
      await deps.db.updateTable('deliveries').set({ status: 'failed', processed_at: now, last_error: r.error }).where('id', '=', r.delivery.id).execute();
    }

    for (const r of rejected) {
      deps.logger.error({ provider: r.delivery.provider, tenant: r.delivery.tenant, threadId: r.delivery.threadId, deliveryId: r.delivery.deliveryId, err: r.error }, 'delivery could not be normalized');
    }
    for (const r of results) {
      deps.logger.debug({ provider: r.thread.provider, tenant: r.thread.tenant, threadId: r.thread.id, deliveries: r.deliveries.map((d) => d.deliveryId) }, 'thread stored');
      if (deps.onThread) await deps.onThread(r.thread, r.deliveries);
    }
    if (deps.afterStore) {
      const fresh = new Set(results.map((r) => threadKeyOf({ tenant: r.thread.tenant, provider: r.thread.provider, threadId: r.thread.id })));
      const untouched = [...stored.entries()].filter(([k]) => !fresh.has(k)).map(([, s]) => s.thread);
      await deps.afterStore([...results.map((r) => r.thread), ...untouched]);
    }
    return { processed: doneIds.length, rejected: rejected.length, threads: results.map((r) => r.thread) };
  };
}
