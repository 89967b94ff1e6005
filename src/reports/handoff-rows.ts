import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ReportScope } from './report-view';
import { inScope, num, numOrNull } from './report-sql';

export interface FeedbackSums {
  answers: number;
  useful: number;
  missing: { field: string; count: number }[];
}

/** The week's "was this brief useful?" answers and the fields they marked missing, most often first. */
export async function feedbackSums(db: Kysely<Database>, scope: ReportScope): Promise<FeedbackSums> {
  const { rows } = await sql<Record<string, unknown>>`
    select f.missing, count(*)::int as answers, count(*) filter (where f.useful)::int as useful
      from brief_feedback f
     where ${inScope('f', scope)}
     group by f.missing`.execute(db);
  const missing = rows
    .filter((r) => r.missing !== null)
    .map((r) => ({ field: String(r.missing), count: num(r.answers) }))
    .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
  return { answers: rows.reduce((n, r) => n + num(r.answers), 0), useful: rows.reduce((n, r) => n + num(r.useful), 0), missing };
}

/** What the week's escalation briefs listed in missing_fields, most often first. */
export async function briefMissingFields(db: Kysely<Database>, scope: ReportScope, limit: number): Promise<{ field: string; count: number }[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select m.field, count(*)::int as count
      from drafts d
      cross join lateral jsonb_array_elements_text(case when jsonb_typeof(d.brief->'missing_fields') = 'array' then d.brief->'missing_fields' else '[]'::jsonb end) as m(field)
     where d.decision = 'escalate' and ${inScope('d', scope)}
     group by m.field
     order by count(*) desc, m.field
     limit ${limit}`.execute(db);
  return rows.map((r) => ({ field: String(r.field), count: num(r.count) }));
}

export interface HandoffSums {
  handoffs: number;
  replied: number;
  asked: number;
  p50: number | null;
  p90: number | null;
}

/**
 * The week's handoffs (escalated drafts) against their thread's stored messages: how many a person
 * answered in public afterwards, the seconds until that first reply (p50, p90), and how many of those
 * first replies asked the customer something again: an agent's public message, from the first reply
 * until the customer's next message, that contains a question mark (docs/reports.md, handoff).
 * Messages whose time is not an ISO timestamp are left out.
 */
export async function handoffSums(db: Kysely<Database>, scope: ReportScope): Promise<HandoffSums> {
  // Per handoff, one pass over its thread's messages after it (a few rows): the first agent reply,
  // the customer's next message after that reply, and whether an agent message between them asks.
  const { rows } = await sql<Record<string, unknown>>`
    with h as (
      select d.id, d.tenant, d.provider, d.thread_id, d.created_at as at
        from drafts d
       where d.decision = 'escalate' and ${inScope('d', scope)}
    ), per as (
      select h.at, x.first_t, x.asked
        from h
        left join threads th on th.tenant = h.tenant and th.provider = h.provider and th.thread_id = h.thread_id
        left join lateral (
          select min(first_t) as first_t,
                 coalesce(bool_or(author = 'agent' and t >= first_t and (next_t is null or t < next_t) and position('?' in text) > 0), false) as asked
            from (
              select *, min(t) filter (where author = 'customer' and t > first_t) over () as next_t
                from (
                  select *, min(t) filter (where author = 'agent') over () as first_t
                    from (
                      select e->>'author' as author, e->>'text' as text,
                             case when e->>'createdAt' ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}' then (e->>'createdAt')::timestamptz end as t
                        from jsonb_array_elements(th.messages) e
                       where e->>'author' = 'customer' or (e->>'author' = 'agent' and e->>'public' = 'true')
                    ) messages
                   where t > h.at
                ) with_first
            ) with_next
        ) x on true
    )
    select count(*)::int as handoffs, count(first_t)::int as replied, count(*) filter (where asked)::int as asked,
           percentile_cont(0.5) within group (order by extract(epoch from first_t - at)) filter (where first_t is not null) as p50,
           percentile_cont(0.9) within group (order by extract(epoch from first_t - at)) filter (where first_t is not null) as p90
      from per`.execute(db);
  const r = rows[0] ?? {};
  return { handoffs: num(r.handoffs), replied: num(r.replied), asked: num(r.asked), p50: numOrNull(r.p50), p90: numOrNull(r.p90) };
}
