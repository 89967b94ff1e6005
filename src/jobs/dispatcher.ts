import { Kysely, sql } from 'kysely';
import type { Provider } from '../domain/thread';
import { describe } from '../domain/errors';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { threadKeyOf } from '../domain/thread-key';
import type { JobQueue, ThreadJob } from './queue';

export interface DispatcherOptions {
  /** how long to wait after a pass that found fewer rows than a full batch */
  intervalMs: number;
  /** rows claimed per pass (one statement, one addBulk) */
  batch: number;
  /** after a failed pass (Redis away), wait this long before the next */
  retryMs: number;
}

/**
 * How far below the highest id dispatched the next scan starts. Inserts commit out of id order (each
 * web process writes up to two multi-row batches at once), so a row can become visible after a
 * higher id was dispatched; rows further behind than this are left to the relay (Relay, after
 * `queue.relay_after_ms`). 2,000 covers several web processes writing 200-row batches.
 */
const LAG_ROWS = 2000;

/**
 * The outbox dispatcher of the PostgreSQL + BullMQ mode: web processes only write the inbox row and
 * answer, and this loop (in job-running processes) moves received deliveries into the queue.
 *
 * Each pass is one transaction: claim up to `batch` received rows (`FOR UPDATE SKIP LOCKED`, so
 * several worker processes never claim the same row) and mark them queued, add one job per thread
 * (concurrent adds share one addBulk), commit. When the queue refuses, the transaction rolls back and
 * the rows stay `received`. A crash after the add and before the commit leaves them `received` too:
 * the next pass adds them again, which is harmless (jobs are per thread and deduplicated, and a job
 * reads whatever is pending when it runs).
 *
 * Why not enqueue from the webhook request: the BullMQ add (a Lua script per job over a Redis
 * round trip) was about a quarter of the web process's CPU per delivery. Here it runs in batches, off
 * the request path, in the processes that need Redis anyway; the web tier needs only the database.
 */
export class Dispatcher {
  private floor = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly queue: JobQueue,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const row = await sql<{ max: string | null }>`select max(id) as max from deliveries`.execute(this.db);
    this.floor = Math.max(0, Number(row.rows[0]?.max ?? 0) - LAG_ROWS);
    this.schedule(0);
  }

  /** One pass; returns how many deliveries were handed to the queue. Throws when the queue refused. */
  async runOnce(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = await sql<{ id: string; tenant: string; provider: Provider; thread_id: string; delivery_id: string }>`
        update deliveries set status = 'queued'
        where id in (
          select id from deliveries
          where id > ${this.floor} and status = 'received'
          order by id
          limit ${this.options.batch}
          for update skip locked
        )
        returning id, tenant, provider, thread_id, delivery_id`.execute(trx);
      const rows = claimed.rows;
      if (rows.length === 0) return 0;
      const jobs = new Map<string, ThreadJob>();
      for (const r of rows) {
        const job: ThreadJob = { tenant: r.tenant, provider: r.provider, threadId: r.thread_id, deliveryId: r.delivery_id };
        if (!jobs.has(threadKeyOf(job))) jobs.set(threadKeyOf(job), job);
      }
      await Promise.all([...jobs.values()].map((job) => this.queue.enqueue(job)));
      const highest = Math.max(...rows.map((r) => Number(r.id)));
      this.floor = Math.max(this.floor, highest - LAG_ROWS);
      return rows.length;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().then(
        (n) => this.schedule(n >= this.options.batch ? 0 : this.options.intervalMs),
        (err) => {
          this.logger.warn({ err: describe(err) }, 'dispatcher pass failed; deliveries stay in the inbox and are tried again');
          this.schedule(this.options.retryMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }
}
