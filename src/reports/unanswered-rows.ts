import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ReportScope } from './report-view';
import { inScope } from './report-sql';

/** The escalation reasons the unanswered report is about: the help center had no answer. */
export const UNANSWERED_REASONS = ['missing_source', 'low_confidence'] as const;

export interface UnansweredRow {
  draft_id: string;
  tenant: string;
  thread_id: string;
  question: string;
  missing_source: boolean;
  low_confidence: boolean;
}

/** The week's escalated drafts with missing_source or low_confidence, oldest first, with their brief's question. */
export async function unansweredRows(db: Kysely<Database>, scope: ReportScope): Promise<UnansweredRow[]> {
  const { rows } = await sql<UnansweredRow>`
    select d.id as draft_id, d.tenant, d.thread_id,
           coalesce(d.brief->>'question', '') as question,
           d.reasons @> '["missing_source"]'::jsonb as missing_source,
           d.reasons @> '["low_confidence"]'::jsonb as low_confidence
      from drafts d
     where d.decision = 'escalate' and ${inScope('d', scope)}
       and (d.reasons @> '["missing_source"]'::jsonb or d.reasons @> '["low_confidence"]'::jsonb)
     order by d.created_at, d.id`.execute(db);
  return rows;
}
