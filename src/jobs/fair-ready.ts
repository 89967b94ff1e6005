import type { ThreadJob } from './queue';

/**
 * The ready jobs of the embedded queue, taken in turn by tenant: a burst of thousands of threads for
 * one account waits behind one job of every other account, not the other way round. Within a tenant
 * jobs keep their order (first in, first out; a job put back goes to its tenant's front).
 */
export class FairReady {
  private readonly byTenant = new Map<string, ThreadJob[]>();
  /** tenants with ready jobs, in the order they get their next turn */
  private readonly turns: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(job: ThreadJob): void {
    this.listOf(job.tenant).push(job);
    this.count++;
  }

  /** Put back at the front of its tenant's jobs (it was taken and could not run). */
  unshift(job: ThreadJob): void {
    this.listOf(job.tenant).unshift(job);
    this.count++;
  }

  /**
   * Up to `max` jobs, one per tenant per round, skipping tenants `held` says must wait and jobs
   * `accept` refuses (they stay where they are). A tenant that gave a job goes to the back of the line.
   */
  take(max: number, options: { held?: (tenant: string) => boolean; accept?: (job: ThreadJob) => boolean } = {}): ThreadJob[] {
    const out: ThreadJob[] = [];
    let i = 0;
    // tenants in a row that had nothing to give: once every tenant had its say, stop
    let idle = 0;
    while (out.length < max && this.turns.length > 0 && idle < this.turns.length) {
      i %= this.turns.length;
      const tenant = this.turns[i]!;
      const list = this.byTenant.get(tenant)!;
      const index = options.held?.(tenant) ? -1 : list.findIndex((job) => options.accept?.(job) ?? true);
      if (index < 0) {
        idle++;
        i++;
        continue;
      }
      idle = 0;
      out.push(list.splice(index, 1)[0]!);
      this.count--;
      this.turns.splice(i, 1); // i now points at the next tenant
      if (list.length === 0) this.byTenant.delete(tenant);
      else this.turns.push(tenant);
    }
    return out;
  }

  private listOf(tenant: string): ThreadJob[] {
    let list = this.byTenant.get(tenant);
    if (!list) {
      list = [];
      this.byTenant.set(tenant, list);
      this.turns.push(tenant);
    }
    return list;
  }
}
