import { FairReady } from '../../src/jobs/fair-ready';
import type { ThreadJob } from '../../src/jobs/queue';

const job = (tenant: string, threadId: string): ThreadJob => ({ tenant, provider: 'zendesk', threadId });
const ids = (jobs: ThreadJob[]) => jobs.map((j) => j.threadId);

describe('FairReady', () => {
  it('gives one job per tenant per round, each tenant in its own order', () => {
    const ready = new FairReady();
    for (const [t, id] of [['a', 'a1'], ['a', 'a2'], ['a', 'a3'], ['b', 'b1'], ['c', 'c1'], ['c', 'c2']] as const) ready.push(job(t, id));
    expect(ready.size).toBe(6);
    expect(ids(ready.take(4))).toEqual(['a1', 'b1', 'c1', 'a2']);
    expect(ids(ready.take(10))).toEqual(['c2', 'a3']);
    expect(ready.size).toBe(0);
    expect(ready.take(3)).toEqual([]);
  });

  it('a job put back runs first of its tenant', () => {
    const ready = new FairReady();
    ready.push(job('a', 'a1'));
    ready.push(job('a', 'a2'));
    const [first] = ready.take(1);
    ready.unshift(first!);
    expect(ids(ready.take(2))).toEqual(['a1', 'a2']);
  });

  it('skips held tenants and refused jobs, leaving them in place', () => {
    const ready = new FairReady();
    for (const [t, id] of [['a', 'a1'], ['b', 'b1'], ['b', 'b2'], ['c', 'c1']] as const) ready.push(job(t, id));
    expect(ids(ready.take(10, { held: (t) => t === 'a', accept: (j) => j.threadId !== 'b1' }))).toEqual(['b2', 'c1']);
    expect(ready.size).toBe(2);
    expect(ids(ready.take(10, { held: (t) => t === 'a' }))).toEqual(['b1']);
    expect(ready.take(10, { held: () => true })).toEqual([]);
    expect(ids(ready.take(10))).toEqual(['a1']);
  });
});
