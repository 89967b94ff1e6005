import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';

/**
 * The webhook deliveries by status and the age of the oldest one still waiting (received, queued or
 * stored but not done): what the queue gauges of /metrics show, read from the store in both modes
 * (the BullMQ queue holds thread jobs; the deliveries table holds every delivery and its state).
 */
export async function queueFigures(db: Kysely<Database>, now: Date): Promise<{ byStatus: Record<string, number>; oldestWaitingSeconds: number | null }> {
  const [counts, oldest] = await Promise.all([
    db.selectFrom('deliveries').select(['status', sql<number>`count(*)::int`.as('count')]).groupBy('status').execute(),
    db.selectFrom('deliveries').select(sql<Date | null>`min(received_at)`.as('at')).where('status', 'in', ['received', 'queued', 'stored']).executeTakeFirst(),
  ]);
  const at = oldest?.at;
  return {
    byStatus: Object.fromEntries(counts.map((r) => [r.status, Number(r.count)])),
    oldestWaitingSeconds: at ? Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000)) : null,
  };
}
