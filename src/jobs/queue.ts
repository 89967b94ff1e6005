import type { ThreadKey } from '../domain/thread-key';

/** One job per thread: it processes every pending delivery of that thread, newest data from the store. */
export interface ThreadJob extends ThreadKey {
  /** the delivery that caused the job; used for the job id and logs */
  deliveryId?: string;
  /**
   * The job's place in its tenant's line when the dispatcher queued it (1: the tenant had nothing else
   * in the queue). BullMQ runs lower places first, so a quiet tenant's message goes ahead of a busy
   * tenant's backlog; the embedded queue takes tenants in turn instead.
   */
  turn?: number;
}

/**
 * Handlers take a batch of jobs for distinct threads: the embedded queue hands over everything that is
 * ready (one store round trip for many threads), BullMQ hands over one job at a time.
 */
export type JobHandler = (jobs: ThreadJob[]) => Promise<void>;
/**
 * Called once a job has used all its attempts (or failed permanently): its deliveries go to the
 * dead-letter set. `firstTriedAt` tells the deliveries the job worked on from those that arrived
 * during its retries.
 */
export type DeadLetterHandler = (job: ThreadJob, error: unknown, attempts: number, firstTriedAt: Date) => Promise<void>;

/** The queue port: an in-process adapter and a BullMQ adapter run the same handlers. */
export interface JobQueue {
  readonly kind: 'inline' | 'bullmq';
  /** Rejects quickly when the queue cannot take the job; the delivery stays in the inbox for the relay. */
  enqueue(job: ThreadJob): Promise<void>;
  startWorker(handler: JobHandler, onDeadLetter: DeadLetterHandler): Promise<void>;
  ping(): Promise<void>;
  /** Stops taking jobs and waits up to graceMs for running ones. */
  close(graceMs: number): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  concurrency: number;
  /** the most jobs the embedded queue hands to one handler call */
  batchSize?: number;
  /** how long the embedded queue lets a partial batch wait for more ready threads */
  batchWaitMs?: number;
}

/** Exponential backoff: backoffMs, 2x, 4x, ... */
export function retryDelay(backoffMs: number, attemptsMade: number): number {
  return backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}
