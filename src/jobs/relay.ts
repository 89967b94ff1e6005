import { describe } from '../domain/errors';
import type { Inbox } from '../inbox/inbox';
import type { DeliveryStatus } from '../store/schema';
import type { Logger } from '../logger';
import type { JobQueue } from './queue';

export interface RelayOptions {
  intervalMs: number;
  afterMs: number;
  /** how far back the relay looks; older deliveries still pending are left for an operator */
  windowMs: number;
  batch?: number;
  /**
   * The deliveries that should already have a job: with a dispatcher, `queued` and `stored` ones
   * (a `received` one is the dispatcher's, and may be waiting its tenant's turn). Every unfinished
   * one by default.
   */
  statuses?: DeliveryStatus[];
}

/**
 * The outbox relay: a delivery recorded while the queue was away (Redis down, a crash between the
 * insert and the enqueue) is enqueued here once the queue answers again. Jobs are per thread and
 * deduplicated, so enqueueing a thread that already has a job is harmless.
 */
export class Relay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly inbox: Inbox,
    private readonly queue: JobQueue,
    private readonly options: RelayOptions,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.runOnce().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many threads were handed to the queue. */
  async runOnce(olderThan = new Date(this.now().getTime() - this.options.afterMs)): Promise<number> {
    let handed = 0;
    try {
      const newerThan = new Date(olderThan.getTime() - this.options.windowMs);
      const threads = await this.inbox.pendingThreads({ olderThan, newerThan, limit: this.options.batch ?? 500, ...(this.options.statuses ? { statuses: this.options.statuses } : {}) });
      for (const t of threads) {
        await this.queue.enqueue({ tenant: t.tenant, provider: t.provider, threadId: t.threadId });
        handed++;
      }
      if (handed > 0) this.logger.info({ threads: handed }, 'relay enqueued deliveries that had not reached the queue');
    } catch (err) {
      this.logger.warn({ err: describe(err), handed }, 'relay pass stopped; will try again');
    }
    return handed;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
