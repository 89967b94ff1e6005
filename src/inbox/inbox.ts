import { Kysely, sql } from 'kysely';
import type { Database, DeliveryStatus } from '../store/schema';
import type { Provider } from '../domain/thread';
import { groupByTenant, ThreadKey, threadKeyOf } from '../domain/thread-key';
import { Coalescer, ItemFailed } from './coalescer';

export interface NewDelivery {
  tenant: string;
  provider: Provider;
  deliveryId: string;
  topic: string;
  threadId: string;
  receivedAt: Date;
  /** the verified raw JSON text, stored as received */
  payload: string;
  status: Extract<DeliveryStatus, 'received' | 'recorded'>;
}

export interface StoredDelivery {
  id: string;
  tenant: string;
  provider: Provider;
  deliveryId: string;
  topic: string;
  threadId: string;
  receivedAt: Date;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
}

export type InsertResult = { inserted: true; id: string } | { inserted: false };

/** Deliveries a job still has to fold into their threads. */
const PENDING: DeliveryStatus[] = ['received', 'queued'];
/** Deliveries whose work is not finished: a restart, the relay and a dead letter look at all of them. */
export const UNFINISHED: DeliveryStatus[] = ['received', 'queued', 'stored'];

/** The durable inbox: a delivery is written here before the provider gets its 2xx. */
export class Inbox {
  private readonly inserts: Coalescer<NewDelivery, InsertResult>;
  private readonly queuedMarks: Coalescer<string, void>;

  /** writesInFlight: 1 for PGlite (one connection), more for a PostgreSQL pool */
  constructor(private readonly db: Kysely<Database>, batchMaxRows: number, writesInFlight = 2) {
    this.inserts = new Coalescer((items) => this.insertMany(items), batchMaxRows, writesInFlight);
    this.queuedMarks = new Coalescer((ids) => this.markQueuedMany(ids), batchMaxRows, 1);
  }

  /** Unique on (provider, delivery id): a replay or concurrent copies yield one row; only the first is told inserted. */
  record(delivery: NewDelivery): Promise<InsertResult> {
    return this.inserts.submit(delivery);
  }

  markQueued(id: string): Promise<void> {
    return this.queuedMarks.submit(id);
  }

  async drain(): Promise<void> {
    await this.inserts.drain();
    await this.queuedMarks.drain();
  }

  /**
   * One multi-row INSERT; when the database refuses the data of the batch (SQLSTATE class 22, a data
   * exception), each delivery is written on its own so only the one at fault is refused.
   */
  private async insertMany(items: NewDelivery[]): Promise<(InsertResult | ItemFailed)[]> {
    try {
      return await this.insertBatch(items);
    } catch (err) {
      if (items.length === 1 || !isDataError(err)) throw err;
      const results: (InsertResult | ItemFailed)[] = [];
      for (const item of items) {
        try {
          results.push(...(await this.insertBatch([item])));
        } catch (one) {
          results.push(new ItemFailed(one));
        }
      }
      return results;
    }
  }

  private async insertBatch(items: NewDelivery[]): Promise<InsertResult[]> {
    const firstIndex = new Map<string, number>();
    items.forEach((d, i) => {
      const key = `${d.provider}\u0000${d.deliveryId}`;
      if (!firstIndex.has(key)) firstIndex.set(key, i);
    });
    const unique = [...firstIndex.values()].map((i) => items[i]!);
    const rows = await this.db
      .insertInto('deliveries')
      .values(
        unique.map((d) => ({
          tenant: d.tenant,
          provider: d.provider,
          delivery_id: d.deliveryId,
          topic: d.topic,
          thread_id: d.threadId,
          received_at: d.receivedAt,
          payload: d.payload,
          status: d.status,
        })),
      )
      .onConflict((oc) => oc.columns(['provider', 'delivery_id']).doNothing())
      .returning(['id', 'provider', 'delivery_id'])
      .execute();
    const insertedIds = new Map(rows.map((r) => [`${r.provider}\u0000${r.delivery_id}`, String(r.id)]));
    return items.map((d, i) => {
      const key = `${d.provider}\u0000${d.deliveryId}`;
      const id = insertedIds.get(key);
      return id !== undefined && firstIndex.get(key) === i ? { inserted: true, id } : { inserted: false };
    });
  }

  private async markQueuedMany(ids: string[]): Promise<void[]> {
    await this.db.updateTable('deliveries').set({ status: 'queued' }).where('id', 'in', ids).where('status', '=', 'received').execute();
    return ids.map(() => undefined);
  }

  /** Deliveries of these threads still to process, oldest first. */
  async pendingForThreads(keys: ThreadKey[]): Promise<StoredDelivery[]> {
    const rows = [];
    // One query per (tenant, provider): an index scan on deliveries_thread_idx.
    for (const group of groupByTenant(keys)) {
      rows.push(
        ...(await this.db
          .selectFrom('deliveries')
          .selectAll()
          .where('tenant', '=', group.tenant)
          .where('provider', '=', group.provider)
          .where('thread_id', 'in', group.threadIds)
          .where('status', 'in', PENDING)
          .orderBy('id')
          .execute()),
      );
    }
    return rows.map(toStored);
  }

  /**
   * Deliveries folded into these threads whose draft is not yet made and delivered: the job's second
   * step works on them, including after a restart or a retry.
   */
  async storedForThreads(keys: ThreadKey[]): Promise<(ThreadKey & { id: string })[]> {
    const rows = [];
    for (const group of groupByTenant(keys)) {
      rows.push(
        ...(await this.db
          .selectFrom('deliveries')
          .select(['id', 'tenant', 'provider', 'thread_id'])
          .where('tenant', '=', group.tenant)
          .where('provider', '=', group.provider)
          .where('thread_id', 'in', group.threadIds)
          .where('status', '=', 'stored')
          .execute()),
      );
    }
    return rows.map((r) => ({ id: String(r.id), tenant: r.tenant, provider: r.provider as Provider, threadId: r.thread_id }));
  }

  /** The job finished these stored deliveries: their draft is stored and delivered (or nothing was to draft). */
  async markDone(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('deliveries').set({ status: 'done', processed_at: now, last_error: null }).where('id', 'in', ids).where('status', '=', 'stored').execute();
  }

  /**
   * Threads with unfinished deliveries. With a window (the relay) only deliveries received in it are
   * looked at, through the received_at index; without one (a restart) the whole table is read once.
   */
  async pendingThreads(options: { olderThan?: Date; newerThan?: Date; statuses?: DeliveryStatus[]; limit: number }): Promise<(ThreadKey & { deliveryId: string })[]> {
    let q = this.db
      .selectFrom('deliveries')
      .select(['tenant', 'provider', 'thread_id', sql<string>`max(delivery_id)`.as('delivery_id'), sql<string>`min(id)`.as('first_id')])
      .where('status', 'in', options.statuses ?? UNFINISHED);
    if (options.olderThan) q = q.where('received_at', '<', options.olderThan);
    if (options.newerThan) q = q.where('received_at', '>', options.newerThan);
    const rows = await q.groupBy(['tenant', 'provider', 'thread_id']).orderBy('first_id').limit(options.limit).execute();
    return rows.map((r) => ({ tenant: r.tenant, provider: r.provider as Provider, threadId: r.thread_id, deliveryId: r.delivery_id }));
  }

  async markFailed(ids: string[], error: string, attempts: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: error.slice(0, 2000), attempts, processed_at: new Date() })
      .where('id', 'in', ids)
      .where('status', 'in', UNFINISHED)
      .execute();
  }

  /**
   * A job gave up on a thread: its deliveries already folded (stored) and those received before its
   * first attempt are failed with the error; those that arrived during the retries are returned, so the
   * caller can give them a job of their own (one bad message must not take the next ones with it).
   */
  async failThread(key: ThreadKey, error: string, attempts: number, firstTriedAt: Date): Promise<{ failed: number; remaining: number }> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select(['id', 'status', 'received_at'])
      .where('tenant', '=', key.tenant)
      .where('provider', '=', key.provider)
      .where('thread_id', '=', key.threadId)
      .where('status', 'in', UNFINISHED)
      .execute();
    const failed = rows.filter((r) => r.status === 'stored' || new Date(r.received_at) <= firstTriedAt).map((r) => String(r.id));
    await this.markFailed(failed, error, attempts);
    return { failed: failed.length, remaining: rows.length - failed.length };
  }

  /**
   * Failed deliveries back to received, for another try after a fix (redrive); returns the threads
   * touched. `since` counts by received time.
   */
  async redrive(filter: { tenant?: string; since?: Date; limit: number }): Promise<(ThreadKey & { deliveries: number })[]> {
    let q = this.db.selectFrom('deliveries').select(['id', 'tenant', 'provider', 'thread_id']).where('status', '=', 'failed');
    if (filter.tenant) q = q.where('tenant', '=', filter.tenant);
    if (filter.since) q = q.where('received_at', '>=', filter.since);
    const rows = await q.orderBy('id').limit(filter.limit).execute();
    if (rows.length === 0) return [];
    await this.db
      .updateTable('deliveries')
      .set({ status: 'received', attempts: 0, last_error: null, processed_at: null })
      .where('id', 'in', rows.map((r) => String(r.id)))
      .where('status', '=', 'failed')
      .execute();
    const threads = new Map<string, ThreadKey & { deliveries: number }>();
    for (const r of rows) {
      const k = threadKeyOf({ tenant: r.tenant, provider: r.provider, threadId: r.thread_id });
      const t = threads.get(k) ?? { tenant: r.tenant, provider: r.provider as Provider, threadId: r.thread_id, deliveries: 0 };
      t.deliveries++;
      threads.set(k, t);
    }
    return [...threads.values()];
  }

  async recent(limit: number): Promise<StoredDelivery[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toStored);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('deliveries').select(['status', sql<string>`count(*)`.as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

function toStored(r: Database['deliveries'] extends infer T ? { [K in keyof T]: any } : never): StoredDelivery {
  return {
    id: String(r.id),
    tenant: r.tenant,
    provider: r.provider,
    deliveryId: r.delivery_id,
    topic: r.topic,
    threadId: r.thread_id,
    receivedAt: new Date(r.received_at),
    payload: JSON.parse(r.payload),
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

/** A PostgreSQL data exception (SQLSTATE 22xxx: invalid text, a bad escape, a value out of range). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
