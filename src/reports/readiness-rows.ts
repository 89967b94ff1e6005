import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ReportScope } from './report-view';
import { inScope } from './report-sql';

/**
 * The tenants a readiness report of every tenant has a section for: those with drafts made or reviews
 * recorded in the week (drafts_week_idx and reviews_week_idx, both on tenant and created_at).
 */
export async function readinessTenants(db: Kysely<Database>, scope: ReportScope): Promise<string[]> {
  const { rows } = await sql<{ tenant: string }>`
    select d.tenant from drafts d where ${inScope('d', scope)}
    union
    select r.tenant from reviews r where ${inScope('r', scope)}
    order by tenant`.execute(db);
  return rows.map((r) => r.tenant);
}
