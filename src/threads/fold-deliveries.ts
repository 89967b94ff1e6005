import type { Kysely } from 'kysely';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Provider, Thread } from '../domain/thread';
import { describe } from '../domain/errors';
import { ThreadKey, threadKeyOf } from '../domain/thread-key';
import type { Inbox, StoredDelivery } from '../inbox/inbox';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { keepOwnWrites, mergeThread } from './merge-thread';
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
   * The job's second step for one thread (drafting and delivery). Runs for every thread with deliveries
   * in `stored`, on retries and after a restart too, so it must be idempotent. What it returns decides
   * the deliveries' end: done, or failed with the reason (a permanent helpdesk error, recorded).
   */
  afterStore?: (thread: Thread) => Promise<{ failed?: string }>;
  /**
   * Reads the whole thread from the helpdesk API, for deliveries that carry ids but no text (a
   * trigger body without the comment). The API's thread replaces the stored one rather than merging
   * with it: message ids from webhooks and from the API differ.
   */
  loader?: { canLoad(tenant: string): boolean | Promise<boolean>; load(tenant: string, threadId: string): Promise<Thread> };
}

export interface FoldResult {
  processed: number;
  rejected: number;
  threads: Thread[];
}

/**
 * The job, in two steps that each survive a crash. First it folds every pending delivery of the given
 * threads into their normalized threads and stores them, in a few statements whatever the number of
 * threads, marking the deliveries `stored`. Then, thread by thread, it runs the next step (drafting and
 * delivery) and marks the thread's stored deliveries `done` (or `failed` with the reason). A delivery
 * is done only once its draft is stored and delivered, so a restart or a retry that finds deliveries
 * still `stored` runs the next step again; the draft store and the writers' marker check make that safe.
 */
export function createDeliveryFolder(deps: FoldDeliveriesDeps) {
  return async function foldDeliveries(keys: ThreadKey[]): Promise<FoldResult> {
    const pending = await deps.inbox.pendingForThreads(keys);
    const stored = await loadThreads(deps.db, keys);
    const folded = pending.length > 0 ? await fold(deps, pending, stored) : { results: [], rejected: 0 };
    const threads = new Map([...stored.entries()].map(([k, s]) => [k, s.thread]));
    for (const r of folded.results) threads.set(threadKeyOf({ tenant: r.thread.tenant, provider: r.thread.provider, threadId: r.thread.id }), r.thread);
    await finishStored(deps, keys, threads);
    return { processed: folded.results.reduce((n, r) => n + r.deliveries.length, 0), rejected: folded.rejected, threads: folded.results.map((r) => r.thread) };
  };
}

/** Step one: normalize, merge and store; the deliveries become `stored` in the same statement. */
async function fold(deps: FoldDeliveriesDeps, pending: StoredDelivery[], stored: Map<string, { thread: Thread; version: number }>) {
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
    if (update.messages.length === 0 && deps.edges[delivery.provider].announcesMessage(delivery.payload) && deps.loader && (await deps.loader.canLoad(delivery.tenant))) {
      try {
        thread = keepOwnWrites(current.thread, await deps.loader.load(delivery.tenant, delivery.threadId));
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
  // One statement stores the threads and marks their deliveries stored: atomic without a transaction.
  if (results.length > 0) await saveThreads(deps.db, results, now, results.flatMap((r) => r.deliveries.map((d) => d.id)));
  for (const r of rejected) {
    await deps.db.updateTable('deliveries').set({ status: 'failed', processed_at: now, last_error: r.error }).where('id', '=', r.delivery.id).execute();
    deps.logger.error({ provider: r.delivery.provider, tenant: r.delivery.tenant, threadId: r.delivery.threadId, deliveryId: r.delivery.deliveryId, err: r.error }, 'delivery could not be normalized');
  }
  for (const r of results) {
    deps.logger.debug({ provider: r.thread.provider, tenant: r.thread.tenant, threadId: r.thread.id, deliveries: r.deliveries.map((d) => d.deliveryId) }, 'thread stored');
    if (deps.onThread) await deps.onThread(r.thread, r.deliveries);
  }
  return { results, rejected: rejected.length };
}

/**
 * Step two: for each thread with stored deliveries, the next step, then done (or failed). When the
 * next step throws for one thread, the threads finished before it keep their end and the error goes
 * to the queue, whose retry finds only the unfinished ones still stored.
 */
async function finishStored(deps: FoldDeliveriesDeps, keys: ThreadKey[], threads: Map<string, Thread>): Promise<void> {
  const byThread = new Map<string, string[]>();
  for (const d of await deps.inbox.storedForThreads(keys)) {
    const key = threadKeyOf(d);
    byThread.set(key, [...(byThread.get(key) ?? []), d.id]);
  }
  const done: string[] = [];
  try {
    for (const [key, ids] of byThread) {
      const thread = threads.get(key);
      const outcome = thread && deps.afterStore ? await deps.afterStore(thread) : {};
      if (outcome.failed) await deps.inbox.markFailed(ids, outcome.failed, 1);
      else done.push(...ids);
    }
  } finally {
    await deps.inbox.markDone(done, deps.now());
  }
}
