import { BullmqQueue } from '../../src/jobs/bullmq-queue';
import { InlineQueue } from '../../src/jobs/inline-queue';
import type { JobQueue, ThreadJob } from '../../src/jobs/queue';
import { createLogger } from '../../src/logger';
import { describeWithRedis, hasRedis } from '../helpers/services';

const logger = createLogger('silent');
const policy = { attempts: 3, backoffMs: 20, concurrency: 4 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (threadId: string, deliveryId?: string, tenant = 'zendesk:acme'): ThreadJob => ({ tenant, provider: 'zendesk', threadId, ...(deliveryId ? { deliveryId } : {}) });

const adapters: [string, () => JobQueue][] = [['inline', () => new InlineQueue(policy, logger)]];
if (hasRedis || process.env.CI) {
  adapters.push(['bullmq', () => new BullmqQueue({ ...policy, redisUrl: process.env.REDIS_URL!, prefix: `dpq${Math.random().toString(36).slice(2, 8)}`, keepCompleted: 100 }, logger)]);
} else {
  process.stderr.write('[draftpilot tests] BullMQ adapter suite skipped: REDIS_URL is not set\n');
}

async function until(check: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.each(adapters)('%s queue adapter', (_name, make) => {
  let queue: JobQueue;
  beforeEach(() => {
    queue = make();
  });
  afterEach(() => queue.close(1000));

  it('serializes a burst on one thread: one running, at most one waiting, and a run after the last enqueue', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let lastEnqueued = -1;
    let ranAfterLast = false;
    await queue.startWorker(async () => {
      const sawAll = lastEnqueued === 19; // this run reads the store after the last delivery was recorded
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await sleep(100);
      running--;
      if (sawAll) ranAfterLast = true;
    }, async () => undefined);
    for (let i = 0; i < 20; i++) {
      lastEnqueued = i;
      await queue.enqueue(job('T1', `d${i}`));
      await sleep(5);
    }
    await until(() => ranAfterLast);
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThan(10); // 20 enqueues coalesce into a few runs (timing on a loaded machine varies)
  });

  it('runs different threads concurrently', async () => {
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    await queue.startWorker(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(80);
      running--;
      done++;
    }, async () => undefined);
    await Promise.all(['A', 'B', 'C', 'D'].map((t) => queue.enqueue(job(t, `x-${t}`))));
    await until(() => done === 4);
    expect(maxRunning).toBeGreaterThan(1);
  });

  it('retries with backoff and hands a job that keeps failing to the dead-letter handler once', async () => {
    const attemptsSeen: number[] = [];
    const dead: { job: ThreadJob; attempts: number }[] = [];
    await queue.startWorker(
      async () => {
        attemptsSeen.push(Date.now());
        throw new Error('helpdesk says 500');
      },
      async (j, _err, attempts) => void dead.push({ job: j, attempts }),
    );
    await queue.enqueue(job('T-fail', 'dfail'));
    await until(() => dead.length === 1);
    expect(attemptsSeen).toHaveLength(3);
    expect(dead[0]).toMatchObject({ job: { threadId: 'T-fail' }, attempts: 3 });
    // exponential: the second gap is at least the first
    const gaps = attemptsSeen.slice(1).map((t, i) => t - attemptsSeen[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(35); // backoff 20 ms, then 40 ms
  });

  it('succeeds after a transient failure without reaching the dead-letter handler', async () => {
    let calls = 0;
    const dead: unknown[] = [];
    await queue.startWorker(async () => {
      calls++;
      if (calls === 1) throw new Error('reset by peer');
    }, async (j) => void dead.push(j));
    await queue.enqueue(job('T-flaky', 'dflaky'));
    await until(() => calls === 2);
    await sleep(100);
    expect(dead).toEqual([]);
  });

  it('a rate limit pauses the queue for the asked delay and uses no attempt', async () => {
    const starts: number[] = [];
    const dead: unknown[] = [];
    await queue.startWorker(async () => {
      starts.push(Date.now());
      // policy.attempts is 3: four rate limits in a row would exhaust it if they counted
      if (starts.length <= 4) throw Object.assign(new Error('429 Too Many Requests'), { status: 429, retryAfterMs: 1000, permanent: false });
    }, async (j) => void dead.push(j));
    await queue.enqueue(job('T-rate', 'drate'));
    await until(() => starts.length === 5, 20000);
    expect(dead).toEqual([]);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
  }, 30000);

  it("a rate limit delays only its own tenant's job: another tenant's job runs during the pause", async () => {
    const runs: { tenant: string; at: number }[] = [];
    await queue.startWorker(async (jobs) => {
      for (const j of jobs) runs.push({ tenant: j.tenant, at: Date.now() });
      if (jobs.some((j) => j.tenant === 'zendesk:limited') && runs.filter((r) => r.tenant === 'zendesk:limited').length === 1) {
        throw Object.assign(new Error('429 Too Many Requests'), { status: 429, retryAfterMs: 3000, permanent: false });
      }
    }, async () => undefined);
    await queue.enqueue(job('T-limited', 'dlim', 'zendesk:limited'));
    await until(() => runs.length === 1);
    const pausedAt = Date.now();
    await queue.enqueue(job('T-other', 'doth', 'zendesk:other'));
    await until(() => runs.some((r) => r.tenant === 'zendesk:other'));
    // the other tenant's job did not wait for the 3 s pause
    expect(runs.find((r) => r.tenant === 'zendesk:other')!.at - pausedAt).toBeLessThan(2500);
    await until(() => runs.filter((r) => r.tenant === 'zendesk:limited').length === 2, 15000);
    const limited = runs.filter((r) => r.tenant === 'zendesk:limited');
    expect(limited[1]!.at - limited[0]!.at).toBeGreaterThanOrEqual(2900);
  }, 30000);

  it('a permanent error goes to the dead-letter handler after one attempt', async () => {
    let calls = 0;
    const dead: { attempts: number }[] = [];
    await queue.startWorker(async () => {
      calls++;
      throw Object.assign(new Error('404 ticket deleted'), { status: 404, permanent: true });
    }, async (_j, _e, attempts) => void dead.push({ attempts }));
    await queue.enqueue(job('T-perm', 'dperm'));
    await until(() => dead.length === 1);
    await sleep(150);
    expect(calls).toBe(1);
  });

  it('waits for a running job on close', async () => {
    let finished = false;
    await queue.startWorker(async () => {
      await sleep(200);
      finished = true;
    }, async () => undefined);
    await queue.enqueue(job('T-close', 'dclose'));
    await sleep(60);
    await queue.close(5000);
    expect(finished).toBe(true);
  });
});

describeWithRedis('BullMQ job order', () => {
  it("runs a job of a lower turn first: a quiet tenant's message goes ahead of a busy tenant's backlog", async () => {
    const queue = new BullmqQueue({ ...policy, concurrency: 1, redisUrl: process.env.REDIS_URL!, prefix: `dpq${Math.random().toString(36).slice(2, 8)}`, keepCompleted: 100 }, logger);
    try {
      for (let i = 0; i < 6; i++) await queue.enqueue({ ...job(`busy-${i}`, `dbusy${i}`, 'zendesk:busy'), turn: 95 + i });
      await queue.enqueue({ ...job('quiet-0', 'dquiet0', 'zendesk:quiet'), turn: 1 });
      const order: string[] = [];
      await queue.startWorker(async (jobs) => void order.push(...jobs.map((j) => j.threadId)), async () => undefined);
      await until(() => order.length === 7);
      expect(order).toEqual(['quiet-0', 'busy-0', 'busy-1', 'busy-2', 'busy-3', 'busy-4', 'busy-5']);
    } finally {
      await queue.close(1000);
    }
  });
});

describe('inline queue batches', () => {
  it('takes ready threads in turn by tenant: a burst for one tenant does not hold back another', async () => {
    const queue = new InlineQueue({ ...policy, concurrency: 1, batchSize: 4 }, logger);
    const calls: string[][] = [];
    for (let i = 0; i < 12; i++) await queue.enqueue(job(`A${i}`, undefined, 'zendesk:busy'));
    await queue.enqueue(job('B0', undefined, 'zendesk:quiet'));
    await queue.enqueue(job('C0', undefined, 'zendesk:third'));
    await queue.startWorker(async (jobs) => void calls.push(jobs.map((j) => j.threadId)), async () => undefined);
    await until(() => calls.flat().length === 14);
    // the quiet tenants' threads were queued after twelve of the busy one's, and run in the first batch
    expect(calls[0]).toEqual(['A0', 'B0', 'C0', 'A1']);
    expect(calls.flat().filter((t) => t.startsWith('A'))).toEqual(Array.from({ length: 12 }, (_, i) => `A${i}`));
    await queue.close(100);
  });

  it('hands ready threads over together and isolates a failing thread from the rest of its batch', async () => {
    const queue = new InlineQueue({ ...policy, concurrency: 1, batchSize: 10 }, logger);
    const calls: string[][] = [];
    const dead: string[] = [];
    const done = new Set<string>();
    await queue.enqueue(job('warm'));
    for (const t of ['B1', 'B2', 'BAD', 'B3']) await queue.enqueue(job(t));
    await queue.startWorker(async (jobs) => {
      calls.push(jobs.map((j) => j.threadId));
      if (jobs.some((j) => j.threadId === 'BAD')) throw new Error('poison');
      jobs.forEach((j) => done.add(j.threadId));
    }, async (j) => void dead.push(j.threadId));
    await until(() => dead.length === 1 && done.size === 4);
    expect(calls[0]).toEqual(['warm', 'B1', 'B2', 'BAD', 'B3']);
    expect(dead).toEqual(['BAD']);
    expect([...done].sort()).toEqual(['B1', 'B2', 'B3', 'warm']);
    expect(calls.filter((c) => c.includes('BAD')).slice(1).every((c) => c.length === 1)).toBe(true);
    await queue.close(100);
  });
});
