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
  /**
   * Deliveries one tenant may have in the queue at once (queued or being processed); the rest of a
   * burst waits in the inbox, so another tenant's message is queued behind at most this many.
   */
  tenantQueuedMax: number;
}

/** Any number, the same in every process: passes of several dispatchers run one at a time. */
const DISPATCH_LOCK = 0x64726166; // "draf"

/**
 * The outbox dispatcher of the PostgreSQL + BullMQ mode: web processes only write the inbox row and
 * answer, and this loop (in job-running processes) moves received deliveries into the queue.
 *
 * Each pass is one transaction: claim up to `batch` received rows and mark them queued, add one job
 * per thread (concurrent adds share one addBulk), commit. When the queue refuses, the transaction
 * rolls back and the rows stay `received`. A crash after the add and before the commit leaves them
 * `received` too: the next pass adds them again, which is harmless (jobs are per thread and
 * deduplicated, and a job reads whatever is pending when it runs).
 *
 * Fairness: rows are claimed in turn by tenant (the first received row of every tenant, then the
 * second...), and a tenant with `tenantQueuedMax` deliveries queued or in progress gets no more until
 * some are done. A burst of thousands for one account therefore waits in the inbox. Each job carries
 * its place in its tenant's line (`turn`), which BullMQ runs as a priority: a message of an account
 * with nothing queued goes ahead of a busy account's jobs instead of behind them. Passes take a transaction-scoped
 * advisory lock, so two dispatchers never count the same tenant's room twice; a dispatcher that does
 * not get it skips its pass.
 *
 * Why not enqueue from the webhook request: the BullMQ add (a Lua script per job over a Redis
 * round trip) was about a quarter of the web process's CPU per delivery. Here it runs in batches, off
 * the request path, in the processes that need Redis anyway; the web tier needs only the database.
 */
export class Dispatcher {
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
    this.schedule(0);
  }

  /** One pass; returns how many deliveries were handed to the queue. Throws when the queue refused. */
  async runOnce(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const lock = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as got`.execute(trx);
      if (!lock.rows[0]?.got) return 0;
      // Each received row's place in its tenant's line, after what the tenant already has in the queue.
      const claimed = await sql<{ id: string; tenant: string; provider: Provider; thread_id: string; delivery_id: string; place: string }>`
        update deliveries d set status = 'queued'
        from (
          select id, place from (
            select r.id, row_number() over (partition by r.tenant order by r.id) + coalesce(q.n, 0) as place
            from deliveries r
            left join (select tenant, count(*) as n from deliveries where status in ('queued', 'stored') group by tenant) q on q.tenant = r.tenant
            where r.status = 'received'
          ) lines
          where place <= ${this.options.tenantQueuedMax}
          order by place, id
          limit ${this.options.batch}
        ) pick
        where d.id = pick.id and d.status = 'received'
        returning d.id, d.tenant, d.provider, d.thread_id, d.delivery_id, pick.place`.execute(trx);
      // enqueued in the order of the lines: every tenant's first, then every tenant's second...
      const rows = claimed.rows.sort((x, y) => Number(x.place) - Number(y.place) || Number(x.id) - Number(y.id));
      if (rows.length === 0) return 0;
      const jobs = new Map<string, ThreadJob>();
      for (const r of rows) {
        const job: ThreadJob = { tenant: r.tenant, provider: r.provider, threadId: r.thread_id, deliveryId: r.delivery_id, turn: Number(r.place) };
        if (!jobs.has(threadKeyOf(job))) jobs.set(threadKeyOf(job), job);
      }
      await Promise.all([...jobs.values()].map((job) => this.queue.enqueue(job)));
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
