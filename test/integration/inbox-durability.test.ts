import { BullmqQueue } from '../../src/jobs/bullmq-queue';
import type { Thread } from '../../src/domain/thread';
import { zendeskComment } from '../helpers/fixtures';
import { hasPostgres, hasRedis } from '../helpers/services';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';

type Mode = Required<Pick<TestServiceOptions, 'store' | 'queue'>>;
const modes: Mode[] = [
  { store: 'pglite', queue: 'inline' },
  { store: 'postgres', queue: 'inline' },
  { store: 'postgres', queue: 'bullmq' },
  { store: 'pglite', queue: 'bullmq' },
];

function available(mode: Mode): boolean {
  if (process.env.CI) return true; // under CI every mode must run; a missing service fails the suite
  return (mode.store === 'pglite' || hasPostgres) && (mode.queue === 'inline' || hasRedis);
}
for (const mode of modes.filter((m) => !available(m))) {
  process.stderr.write(`[draftpilot tests] inbox durability on ${mode.store}+${mode.queue} skipped: set DATABASE_URL / REDIS_URL to run it\n`);
}

describe.each(modes.filter(available))('durable inbox on $store + $queue', (mode) => {
  let t: TestService;
  const threads: Thread[] = [];
  beforeAll(async () => {
    t = await startTestService({ ...mode, onThread: async (thread) => void threads.push(thread) });
  });
  afterAll(() => t.close());

  async function jobsCreated(): Promise<number> {
    if (!(t.service.queue instanceof BullmqQueue)) return threads.length;
    const c = await t.service.queue.raw.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  it('a replay yields one row and one job', async () => {
    const body = zendeskComment({ ticketId: '7001' });
    const first = await t.postZendesk(body);
    const second = await t.postZendesk(body);
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(await second.json()).toMatchObject({ status: 'duplicate', delivery_id: body.id });
    await t.waitIdle();
    const rows = await t.service.store.db.selectFrom('deliveries').selectAll().where('delivery_id', '=', body.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('done');
    expect(threads.filter((th) => th.id === '7001')).toHaveLength(1);
  });

  it('ten concurrent copies yield one row and one job', async () => {
    const before = await jobsCreated();
    threads.length = 0;
    const body = zendeskComment({ ticketId: '7002' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.postZendesk(body)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    await t.waitIdle();
    const rows = await t.service.store.db.selectFrom('deliveries').select(['id']).where('delivery_id', '=', body.id).execute();
    expect(rows).toHaveLength(1);
    expect(threads.filter((th) => th.id === '7002')).toHaveLength(1);
    expect((await jobsCreated()) - (t.service.queue.kind === 'bullmq' ? before : 0)).toBe(1);
  });

  it('a burst on one ticket ends with every message in the thread', async () => {
    const bodies = Array.from({ length: 15 }, (_, i) => zendeskComment({ ticketId: '7003', text: `message ${i}` }));
    const answers = await Promise.all(bodies.map((b) => t.postZendesk(b)));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    await t.waitIdle();
    const last = threads.filter((th) => th.id === '7003').at(-1)!;
    expect(last.messages.map((m) => m.text).sort()).toEqual(bodies.map((b) => b.event.comment.body).sort());
  });
});
