import { Kysely, sql } from 'kysely';
import type { Settings } from '../config/settings';
import type { Logger } from '../logger';
import { prunedRows } from '../metrics/metrics';
import type { Database } from '../store/schema';

/**
 * Retention (docs/operations.md, Data kept): what customers and agents wrote is kept for a configured
 * number of days, and the figures built from it stay.
 * - `deliveries` processed (done) or given up on (failed) more than `deliveries_days` ago: the raw
 *   webhook payloads. A provider's retry of one so old is refused anyway (Zendesk signs a timestamp
 *   checked to minutes, Intercom deliveries older than an hour are ignored), so dedupe does not need it.
 * - `drafts` made more than `drafts_days` ago (the draft, the brief quoting the customer, the writes),
 *   and `threads` not updated for as long (the messages).
 * Kept: reviews (they carry their draft's category, decision and confidence), brief feedback,
 * samples, category modes and their audit, tenant settings, articles, digests. 0 days keeps a table
 * forever. Rows go in batches of `batch`, each its own statement, so no delete holds locks for long.
 */
export type RetentionSettings = Settings['retention'];

export interface PruneResult {
  deliveries: number;
  drafts: number;
  threads: number;
}

const DAY_MS = 86_400_000;

async function inBatches(remove: () => Promise<number>, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await remove();
    total += n;
    if (n < batch) return total;
  }
}

export async function prune(db: Kysely<Database>, s: RetentionSettings, now: Date): Promise<PruneResult> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const result: PruneResult = { deliveries: 0, drafts: 0, threads: 0 };
  if (s.deliveries_days > 0) {
    const cutoff = before(s.deliveries_days);
    result.deliveries = await inBatches(async () => {
      const r = await sql`delete from deliveries where id in (select id from deliveries where received_at < ${cutoff}::timestamptz and status in ('done', 'failed') limit ${s.batch})`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    }, s.batch);
  }
  if (s.drafts_days > 0) {
    const cutoff = before(s.drafts_days);
    result.drafts = await inBatches(async () => {
      const r = await sql`delete from drafts where id in (select id from drafts where created_at < ${cutoff}::timestamptz limit ${s.batch})`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    }, s.batch);
    result.threads = await inBatches(async () => {
      const r = await sql`delete from threads where (tenant, provider, thread_id) in (select tenant, provider, thread_id from threads where updated_at < ${cutoff}::timestamptz limit ${s.batch})`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    }, s.batch);
  }
  for (const [table, n] of Object.entries(result)) if (n > 0) prunedRows.inc({ table }, n);
  return result;
}

/** One pruning pass, logged when it removed anything. */
export async function prunePass(db: Kysely<Database>, s: RetentionSettings, now: Date, logger: Pick<Logger, 'info'>): Promise<PruneResult> {
  const result = await prune(db, s, now);
  if (result.deliveries + result.drafts + result.threads > 0) logger.info({ ...result, deliveriesDays: s.deliveries_days, draftsDays: s.drafts_days }, 'retention: old rows pruned');
  return result;
}
