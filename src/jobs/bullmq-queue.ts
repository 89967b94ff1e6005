import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis, RedisOptions } from 'ioredis';
import { describe, UnavailableError } from '../domain/errors';
import { Coalescer } from '../inbox/coalescer';
import { isPermanent, rateLimitDelay } from './job-errors';
import type { Logger } from '../logger';
import { threadKeyOf } from '../domain/thread-key';
import type { DeadLetterHandler, JobHandler, JobQueue, RetryPolicy, ThreadJob } from './queue';

export const QUEUE_NAME = 'threads';

export interface BullmqOptions extends RetryPolicy {
  redisUrl: string;
  /** key prefix in Redis; one per deployment (tests use their own) */
  prefix: string;
  keepCompleted: number;
  /** how long enqueue may take before the edge gives up and leaves the delivery to the relay */
  enqueueTimeoutMs?: number;
}

/** BullMQ refuses job ids that are all digits or contain ':'; Zendesk ids are numeric. */
export function bullmqJobId(provider: string, deliveryId: string): string {
  return `dp-${provider}-${deliveryId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly adds = new Coalescer<ThreadJob, void>((jobs) => this.addMany(jobs), 100);

  constructor(private readonly options: BullmqOptions, private readonly logger: Logger) {
    // Producer: fail fast when Redis is away so the edge answers at once; the relay enqueues later.
    const producerOptions: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
    this.producer = new Redis(options.redisUrl, producerOptions);
    this.producer.on('error', (err) => this.logger.debug({ err: describe(err) }, 'redis producer connection error'));
    this.queue = new Queue(QUEUE_NAME, { connection: this.producer, prefix: options.prefix });
    this.queue.on('error', (err) => this.logger.debug({ err: describe(err) }, 'queue error'));
  }

  /** Concurrent enqueues share one addBulk (one Redis round trip for many jobs). */
  async enqueue(job: ThreadJob): Promise<void> {
    const add = this.adds.submit(job);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('enqueue timed out')), this.options.enqueueTimeoutMs ?? 2000);
    });
    try {
      await Promise.race([add, timeout]);
    } catch (err) {
      add.catch(() => undefined);
      throw new UnavailableError('queue', err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the producer connection (commands fail fast without one); false when Redis did not answer in time. */
  private async addMany(jobs: ThreadJob[]): Promise<void[]> {
    await this.queue.addBulk(
      jobs.map((job) => ({
        name: 'thread',
        data: job,
        opts: {
          ...(job.deliveryId ? { jobId: bullmqJobId(job.provider, job.deliveryId) } : {}),
          // BullMQ's priorities run from 1 (first) to 2,097,152
          ...(job.turn ? { priority: Math.min(Math.max(1, Math.round(job.turn)), 2_097_152) } : {}),
          // Per-thread serialization: one active and at most one waiting job per thread; the waiting one
          // reads every pending delivery from the store when it runs, so the newest data wins.
          deduplication: { id: threadKeyOf(job), keepLastIfActive: true },
          attempts: this.options.attempts,
          backoff: { type: 'exponential', delay: this.options.backoffMs },
          removeOnComplete: { count: this.options.keepCompleted },
          removeOnFail: false, // the failed set is the dead-letter queue
        },
      })),
    );
    return jobs.map(() => undefined);
  }

  async connect(timeoutMs = 5000): Promise<boolean> {
    if (this.producer.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.producer.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.producer.once('ready', onReady);
    });
  }

  async startWorker(handler: JobHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    // Workers block on Redis: they need maxRetriesPerRequest null and reconnect forever.
    this.workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (err) => this.logger.debug({ err: describe(err) }, 'redis worker connection error'));
    this.worker = new Worker<ThreadJob>(
      QUEUE_NAME,
      async (job, token) => {
        try {
          await handler([job.data]);
        } catch (err) {
          const pause = rateLimitDelay(err);
          if (pause !== undefined && token) {
            // This job waits the helpdesk's delay without using an attempt; other tenants' jobs go on.
            this.logger.warn({ pauseMs: pause, tenant: job.data.tenant, threadId: job.data.threadId }, 'rate limited by the helpdesk; job delayed');
            await job.moveToDelayed(Date.now() + pause, token);
            throw new DelayedError();
          }
          if (isPermanent(err)) throw new UnrecoverableError(describe(err));
          throw err;
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
      },
    );
    this.worker.on('error', (err) => this.logger.warn({ err: describe(err) }, 'worker error'));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade >= attempts || err instanceof UnrecoverableError || err.name === 'UnrecoverableError') {
        onDeadLetter(job.data, err, job.attemptsMade, new Date(job.timestamp)).catch((e) => this.logger.error({ err: describe(e) }, 'dead-letter bookkeeping failed'));
      } else {
        this.logger.warn({ threadId: job.data.threadId, provider: job.data.provider, attempt: job.attemptsMade, err: describe(err) }, 'job failed, will retry');
      }
    });
    await this.worker.waitUntilReady();
  }

  async ping(): Promise<void> {
    try {
      await this.producer.ping();
    } catch (err) {
      throw new UnavailableError('queue', err);
    }
  }


  /** The BullMQ queue object, for tests and operators' scripts. */
  get raw(): Queue {
    return this.queue;
  }

  async close(graceMs: number): Promise<void> {
    await Promise.race([this.adds.drain(), new Promise((r) => setTimeout(r, Math.min(graceMs, 2000)).unref())]);
    if (this.worker) {
      // worker.close() waits for active jobs with no timeout of its own: bound it.
      const closing = this.worker.close();
      const timedOut = await Promise.race([
        closing.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (timedOut) {
        this.logger.warn({ graceMs }, 'jobs still running at the end of the grace period; they will be retried');
        await this.worker.close(true).catch(() => undefined);
      }
      this.workerConnection?.disconnect();
    }
    await this.queue.close().catch(() => undefined);
    this.producer.disconnect();
  }
}
