import { Inbox } from '../../src/inbox/inbox';
import { Dispatcher } from '../../src/jobs/dispatcher';
import type { JobQueue, ThreadJob } from '../../src/jobs/queue';
import { createLogger } from '../../src/logger';
import { openStore, Store } from '../../src/store/open-store';
import { createDatabase, freshDataDir, removeDir } from '../helpers/databases';
import { describeWithPostgres } from '../helpers/services';

/** A queue that records what it is handed, or refuses while `down`. */
class RecordingQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  jobs: ThreadJob[] = [];
  down = false;
  async enqueue(job: ThreadJob): Promise<void> {
    if (this.down) throw new Error('queue unavailable');
    this.jobs.push(job);
  }
  async startWorker(): Promise<void> {}
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

const logger = createLogger('silent');
let seq = 0;

async function receive(inbox: Inbox, threadId: string, tenant = 'zendesk:acme'): Promise<string> {
  seq++;
  const r = await inbox.record({ tenant, provider: 'zendesk', deliveryId: `disp-${seq}`, topic: 'ticket.comment_added', threadId, receivedAt: new Date(), payload: '{}', status: 'received' });
  if (!r.inserted) throw new Error('not inserted');
  return r.id;
}

async function statuses(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('deliveries').select(['status']).where('delivery_id', 'like', 'disp-%').execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

function contract(open: () => Promise<{ store: Store; close: () => Promise<void> }>, concurrent: boolean) {
  let store: Store;
  let close: () => Promise<void>;
  let inbox: Inbox;
  beforeAll(async () => {
    ({ store, close } = await open());
    inbox = new Inbox(store.db, 200, 1);
  });
  afterAll(async () => close());
  beforeEach(async () => {
    await store.db.deleteFrom('deliveries').execute();
  });

  it('claims received deliveries, marks them queued, one job per thread; recorded-only rows are not touched', async () => {
    const queue = new RecordingQueue();
    const d = new Dispatcher(store.db, queue, { intervalMs: 1000, batch: 500, retryMs: 1000, tenantQueuedMax: 1000 }, logger);
    await d.start();
    await d.stop(); // the loop is not needed: passes are run by hand
    await receive(inbox, 'T1');
    await receive(inbox, 'T1');
    await receive(inbox, 'T2');
    await inbox.record({ tenant: 'zendesk:acme', provider: 'zendesk', deliveryId: `disp-rec-${++seq}`, topic: 'conversation.admin.replied', threadId: 'T3', receivedAt: new Date(), payload: '{}', status: 'recorded' });
    expect(await d.runOnce()).toBe(3);
    expect(queue.jobs.map((j) => j.threadId).sort()).toEqual(['T1', 'T2']);
    expect(await statuses(store)).toEqual({ queued: 3, recorded: 1 });
    expect(await d.runOnce()).toBe(0);
    expect(queue.jobs).toHaveLength(2);
  });

  it('a queue that refuses rolls the claim back: the rows stay received and the next pass takes them', async () => {
    const queue = new RecordingQueue();
    const d = new Dispatcher(store.db, queue, { intervalMs: 1000, batch: 500, retryMs: 1000, tenantQueuedMax: 1000 }, logger);
    await d.start();
    await d.stop();
    await receive(inbox, 'T4');
    queue.down = true;
    await expect(d.runOnce()).rejects.toThrow('queue unavailable');
    expect(await statuses(store)).toEqual({ received: 1 });
    queue.down = false;
    expect(await d.runOnce()).toBe(1);
    expect(await statuses(store)).toEqual({ queued: 1 });
  });

  it('the loop dispatches on its own and stops cleanly', async () => {
    const queue = new RecordingQueue();
    const d = new Dispatcher(store.db, queue, { intervalMs: 10, batch: 2, retryMs: 10, tenantQueuedMax: 1000 }, logger);
    await d.start();
    for (let i = 0; i < 5; i++) await receive(inbox, `L${i}`);
    for (let i = 0; i < 200 && queue.jobs.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    await d.stop();
    expect(queue.jobs.map((j) => j.threadId).sort()).toEqual(['L0', 'L1', 'L2', 'L3', 'L4']);
    expect(await statuses(store)).toEqual({ queued: 5 });
  });

  it('claims in turn by tenant, and a tenant with tenantQueuedMax deliveries in the queue waits until some are done', async () => {
    const queue = new RecordingQueue();
    const d = new Dispatcher(store.db, queue, { intervalMs: 1000, batch: 3, retryMs: 1000, tenantQueuedMax: 4 }, logger);
    for (let i = 0; i < 8; i++) await receive(inbox, `A${i}`, 'zendesk:busy');
    await receive(inbox, 'B0', 'zendesk:quiet');
    // the quiet tenant's one message arrived after eight of the busy one's, and is claimed in the first pass
    expect(await d.runOnce()).toBe(3);
    expect(queue.jobs.map((j) => j.threadId)).toEqual(['A0', 'B0', 'A1']);
    // each job's place in its tenant's line: BullMQ runs the lower first
    expect(queue.jobs.map((j) => j.turn)).toEqual([1, 1, 2]);
    expect(await d.runOnce()).toBe(2);
    expect(queue.jobs.map((j) => j.threadId).slice(3)).toEqual(['A2', 'A3']);
    // busy is at its maximum of 4 in the queue: nothing more until some are done
    expect(await d.runOnce()).toBe(0);
    const first = await store.db.selectFrom('deliveries').select('id').where('thread_id', 'in', ['A0', 'A1']).execute();
    await store.db.updateTable('deliveries').set({ status: 'done' }).where('id', 'in', first.map((r) => r.id)).execute();
    expect(await d.runOnce()).toBe(2);
    expect(queue.jobs.map((j) => j.threadId).slice(5)).toEqual(['A4', 'A5']);
    // two of busy's are still in the queue: these come after them
    expect(queue.jobs.map((j) => j.turn).slice(5)).toEqual([3, 4]);
    expect(await statuses(store)).toEqual({ done: 2, queued: 5, received: 2 });
  });

  if (concurrent) {
    it('two dispatchers passing at once never claim the same delivery', async () => {
      for (let i = 0; i < 300; i++) await receive(inbox, `C${i % 50}`);
      const qa = new RecordingQueue();
      const qb = new RecordingQueue();
      const a = new Dispatcher(store.db, qa, { intervalMs: 1000, batch: 100, retryMs: 1000, tenantQueuedMax: 1000 }, logger);
      const b = new Dispatcher(store.db, qb, { intervalMs: 1000, batch: 100, retryMs: 1000, tenantQueuedMax: 1000 }, logger);
      let claimed = 0;
      for (let round = 0; round < 10; round++) {
        const [x, y] = await Promise.all([a.runOnce(), b.runOnce()]);
        claimed += x + y;
      }
      expect(claimed).toBe(300);
      expect(await statuses(store)).toEqual({ queued: 300 });
      const ids = [...qa.jobs, ...qb.jobs].map((j) => j.deliveryId);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }
}

describe('dispatcher (PGlite)', () =>
  contract(async () => {
    const dir = freshDataDir();
    const store = await openStore({ dataDir: dir });
    return { store, close: async () => (await store.close(), removeDir(dir)) };
  }, false));

describeWithPostgres('dispatcher (PostgreSQL)', () =>
  contract(async () => {
    const db = await createDatabase();
    const store = await openStore({ databaseUrl: db.url, dataDir: '', poolSize: 4 });
    return { store, close: async () => (await store.close(), await db.drop()) };
  }, true));
