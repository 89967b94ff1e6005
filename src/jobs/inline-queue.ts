import { UnavailableError } from '../domain/errors';
import { isPermanent, rateLimitDelay } from './job-errors';
import type { Logger } from '../logger';
import { threadKeyOf } from '../domain/thread-key';
import { DeadLetterHandler, JobHandler, JobQueue, retryDelay, RetryPolicy, ThreadJob } from './queue';
import { FairReady } from './fair-ready';

type State = 'waiting' | 'running' | 'running-again' | 'delayed';

/**
 * The embedded queue: in memory over the durable inbox table. Nothing is lost on a crash or restart
 * because the inbox rows stay pending until a job marks them done, and start-up enqueues them again.
 * Per thread at most one job runs and one waits; the waiting one reads the newest data when it runs.
 * Ready jobs are taken in turn by tenant (FairReady), and a helpdesk's 429 pauses only the tenant it
 * came for.
 */
export class InlineQueue implements JobQueue {
  readonly kind = 'inline' as const;
  private readonly states = new Map<string, State>();
  private readonly ready = new FairReady();
  private readonly attempts = new Map<string, number>();
  /** when a thread's job first ran in its current series of attempts */
  private readonly firstTried = new Map<string, Date>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** threads whose batch failed: they run alone until they succeed, so one bad thread cannot sink others */
  private readonly solo = new Set<string>();
  private running = 0;
  private handler?: JobHandler;
  private onDeadLetter?: DeadLetterHandler;
  /** closing: no new jobs; the ones already waiting still run until the grace period ends */
  private closing = false;
  private gather?: NodeJS.Timeout;
  /** tenants a helpdesk asked to wait, until when (ms since the epoch) */
  private readonly pausedUntil = new Map<string, number>();
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly policy: RetryPolicy, private readonly logger: Logger) {}

  async enqueue(job: ThreadJob): Promise<void> {
    if (this.closing) throw new UnavailableError('queue', 'shutting down');
    const key = threadKeyOf(job);
    const state = this.states.get(key);
    if (state === undefined) {
      this.states.set(key, 'waiting');
      this.ready.push(job);
      this.pump();
    } else if (state === 'running') {
      this.states.set(key, 'running-again');
    }
  }

  async startWorker(handler: JobHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    this.handler = handler;
    this.onDeadLetter = onDeadLetter;
    this.pump();
  }

  async ping(): Promise<void> {
    if (this.closing) throw new UnavailableError('queue', 'shutting down');
  }


  /** Runs what is already waiting within the grace period; retries still delayed resume at the next start. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.running > 0 || (this.handler && this.ready.size > 0)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.closed = true;
  }

  /**
   * Starts ready jobs. With a batch wait, a partial batch waits that long for company: under load the
   * job runs with many threads at once (a few statements for all), at the cost of a little latency.
   */
  private pump(): void {
    const wait = this.policy.batchWaitMs ?? 0;
    if (wait === 0 || this.closing || this.ready.size >= (this.policy.batchSize ?? 1)) {
      if (this.gather) clearTimeout(this.gather);
      this.gather = undefined;
      this.startReady();
    } else if (!this.gather && this.ready.size > 0 && this.handler) {
      this.gather = setTimeout(() => {
        this.gather = undefined;
        this.startReady();
      }, wait);
    }
  }

  private pauseFor(tenants: Iterable<string>, ms: number): void {
    const until = Date.now() + ms;
    for (const tenant of tenants) this.pausedUntil.set(tenant, Math.max(this.pausedUntil.get(tenant) ?? 0, until));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pump();
    }, ms + 1);
    this.timers.add(timer);
  }

  private held(tenant: string): boolean {
    const until = this.pausedUntil.get(tenant);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.pausedUntil.delete(tenant);
    return false;
  }

  private startReady(): void {
    const held = (tenant: string) => this.held(tenant);
    while (this.handler && !this.closed && this.running < this.policy.concurrency && this.ready.size > 0) {
      const [first] = this.ready.take(1, { held });
      // every tenant with ready jobs is paused: a timer resumes them
      if (!first) return;
      if (this.solo.has(threadKeyOf(first))) {
        void this.run([first]);
        continue;
      }
      const rest = this.ready.take((this.policy.batchSize ?? 1) - 1, { held, accept: (job) => !this.solo.has(threadKeyOf(job)) });
      void this.run([first, ...rest]);
    }
  }

  private async run(jobs: ThreadJob[]): Promise<void> {
    for (const job of jobs) {
      this.states.set(threadKeyOf(job), 'running');
      if (!this.firstTried.has(threadKeyOf(job))) this.firstTried.set(threadKeyOf(job), new Date());
    }
    this.running++;
    try {
      await this.handler!(jobs);
      for (const job of jobs) {
        this.attempts.delete(threadKeyOf(job));
        this.firstTried.delete(threadKeyOf(job));
        this.solo.delete(threadKeyOf(job));
        this.settle(threadKeyOf(job), job);
      }
    } catch (err) {
      const pause = rateLimitDelay(err);
      if (pause !== undefined && !this.closing) {
        // The helpdesk asked us to wait: pause the tenants of this run (not the others), and spend no attempt on it.
        const tenants = new Set(jobs.map((job) => job.tenant));
        this.logger.warn({ pauseMs: pause, threads: jobs.length, tenants: [...tenants] }, 'rate limited by the helpdesk; tenant paused');
        this.pauseFor(tenants, pause);
        for (const job of jobs) {
          this.states.set(threadKeyOf(job), 'waiting');
          this.ready.unshift(job);
        }
      } else if (jobs.length > 1 && !this.closing) {
        // Split the batch: each thread is tried alone, and only its own failures count as attempts.
        for (const job of jobs) {
          this.solo.add(threadKeyOf(job));
          this.states.set(threadKeyOf(job), 'waiting');
          this.ready.push(job);
        }
      } else {
        for (const job of jobs) await this.failed(job, err);
      }
    } finally {
      this.running--;
      this.pump();
      if (this.running === 0 && (this.ready.size === 0 || this.closed)) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private async failed(job: ThreadJob, err: unknown): Promise<void> {
    const key = threadKeyOf(job);
    const made = (this.attempts.get(key) ?? 0) + 1;
    if (made >= this.policy.attempts || this.closing || isPermanent(err)) {
      const firstTriedAt = this.firstTried.get(key) ?? new Date();
      this.attempts.delete(key);
      this.firstTried.delete(key);
      this.solo.delete(key);
      // Closing: the deliveries stay unfinished in the inbox and the next start resumes them.
      if (!this.closing) {
        await this.onDeadLetter!(job, err, made, firstTriedAt).catch((e) => this.logger.error({ err: e }, 'dead-letter bookkeeping failed'));
      }
      this.settle(key, job);
      return;
    }
    this.attempts.set(key, made);
    this.states.set(key, 'delayed');
    const delay = retryDelay(this.policy.backoffMs, made);
    this.logger.warn({ threadId: job.threadId, provider: job.provider, attempt: made, delayMs: delay, err }, 'job failed, will retry');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.states.set(key, 'waiting');
      this.ready.push(job);
      this.pump();
    }, delay);
    this.timers.add(timer);
  }

  private settle(key: string, job: ThreadJob): void {
    if (this.states.get(key) === 'running-again' && !this.closing) {
      this.states.set(key, 'waiting');
      this.ready.push(job);
    } else {
      this.states.delete(key);
    }
  }
}
