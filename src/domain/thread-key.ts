import type { Provider } from './thread';

/** Which thread a delivery, job or draft belongs to: the tenant, its helpdesk and the ticket or conversation id. */
export interface ThreadKey {
  tenant: string;
  provider: Provider;
  threadId: string;
}

/** One string per thread: the queue's bookkeeping, BullMQ's deduplication id and the job's maps. */
export function threadKeyOf(k: { tenant: string; provider: string; threadId: string }): string {
  return `${k.provider}|${k.tenant}|${k.threadId}`;
}

/** Keys grouped by tenant and provider (a batch of jobs nearly always shares one or two). */
export function groupByTenant(keys: ThreadKey[]): { tenant: string; provider: Provider; threadIds: string[] }[] {
  const groups = new Map<string, { tenant: string; provider: Provider; threadIds: string[] }>();
  for (const k of keys) {
    const id = `${k.provider}|${k.tenant}`;
    const g = groups.get(id) ?? { tenant: k.tenant, provider: k.provider, threadIds: [] };
    g.threadIds.push(k.threadId);
    groups.set(id, g);
  }
  return [...groups.values()];
}
