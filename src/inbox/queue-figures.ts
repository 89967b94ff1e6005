import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';

/**
 * The webhook deliveries by status and the age of the oldest one still waiting (received, queued or
 * stored but not done), of every tenant or one: what the queue gauges of /metrics and the dashboard's
 * queue health show, read from the store in both modes
 * (the BullMQ queue holds thread jobs; the deliveries table holds every delivery and its state).
 */
export async function queueFigures(db: Kysely<Database>, now: Date, tenant?: string): Promise<{ byStatus: Record<string, number>; oldestWaitingSeconds: number | null }> {
  let counts = db.selectFrom('deliveries').select(['status', sql<number>`count(*)::int`.as('count')]);
  let oldest = db.selectFrom('deliveries').select(sql<Date | null>`min(received_at)`.as('at')).where('status', 'in', ['received', 'queued', 'stored']);
  if (tenant) {
    counts = counts.where('tenant', '=', tenant);
    oldest = oldest.where('tenant', '=', tenant);
  }
  const [rows, first] = await Promise.all([counts.groupBy('status').execute(), oldest.executeTakeFirst()]);
  const at = first?.at;
  return {
    byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.count)])),
    oldestWaitingSeconds: at ? Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000)) : null,
  };
}
