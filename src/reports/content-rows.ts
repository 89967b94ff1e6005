import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';
import type { ReportScope } from './report-view';
import { inScope, num, numOrNull } from './report-sql';

/** A cited source's article: its id without the passage suffix ("360001:en-us#2" -> "360001:en-us"). */
const ARTICLE_ID = sql`regexp_replace(s->>'id', '#[0-9]+$', '')`;

export interface ReviewedArticleRow {
  tenant: string;
  article_id: string;
  title: string;
  url: string;
  rejected: number;
  edited: number;
  replaced: number;
  reject_reasons: Record<string, number>;
  mean_edit_distance: number | null;
}

/**
 * The articles cited in drafts that the week's reviews rejected, edited or replaced (a review of the
 * week, whenever its draft was made), with the counts per action, the reject reasons and the mean
 * edit distance of the edits; most reviews first.
 */
export async function reviewedArticleRows(db: Kysely<Database>, scope: ReportScope, limit: number): Promise<ReviewedArticleRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with r as (
      select r.id, r.draft_id, r.action, r.reason, r.edit_distance
        from reviews r
       where r.action in ('reject', 'edit', 'replaced') and ${inScope('r', scope)}
    ), cited as (
      -- one row per review and article: an article's passages cited twice in a draft count once
      select d.tenant, ${ARTICLE_ID} as article_id, min(s->>'title') as title, min(s->>'url') as url,
             r.action, r.reason, r.edit_distance
        from r join drafts d on d.id = r.draft_id
        cross join lateral jsonb_array_elements(d.sources) s
       group by d.tenant, ${ARTICLE_ID}, r.id, r.action, r.reason, r.edit_distance
    ), reasons as (
      select tenant, article_id, jsonb_object_agg(reason, n) as reject_reasons
        from (select tenant, article_id, reason, count(*)::int as n from cited where action = 'reject' and reason is not null group by 1, 2, 3) x
       group by 1, 2
    )
    select c.tenant, c.article_id, min(c.title) as title, min(c.url) as url,
           count(*) filter (where c.action = 'reject')::int as rejected,
           count(*) filter (where c.action = 'edit')::int as edited,
           count(*) filter (where c.action = 'replaced')::int as replaced,
           coalesce(min(x.reject_reasons::text), '{}') as reject_reasons,
           avg(c.edit_distance) filter (where c.action = 'edit')::float8 as mean_edit_distance
      from cited c left join reasons x on x.tenant = c.tenant and x.article_id = c.article_id
     group by c.tenant, c.article_id
     order by count(*) desc, c.tenant, c.article_id
     limit ${limit}`.execute(db);
  return rows.map((r) => ({
    tenant: String(r.tenant),
    article_id: String(r.article_id),
    title: String(r.title ?? ''),
    url: String(r.url ?? ''),
    rejected: num(r.rejected),
    edited: num(r.edited),
    replaced: num(r.replaced),
    reject_reasons: JSON.parse(String(r.reject_reasons)) as Record<string, number>,
    mean_edit_distance: numOrNull(r.mean_edit_distance),
  }));
}

export interface NeverCited {
  stored_articles: number;
  total: number;
  articles: { tenant: string; article_id: string; title: string; url: string }[];
}

/** The stored articles (of the tenant, or all) that no draft of the week cited, by title. */
export async function neverCitedRows(db: Kysely<Database>, scope: ReportScope, limit: number): Promise<NeverCited> {
  const tenant = scope.tenant === null ? sql`true` : sql`a.tenant = ${scope.tenant}`;
  const { rows } = await sql<Record<string, unknown>>`
    with cited as (
      select distinct d.tenant, ${ARTICLE_ID} as article_id
        from drafts d cross join lateral jsonb_array_elements(d.sources) s
       where ${inScope('d', scope)} and jsonb_array_length(d.sources) > 0
    ), never as (
      select a.tenant, a.id as article_id, a.title, a.url
        from articles a
       where ${tenant} and not exists (select 1 from cited c where c.tenant = a.tenant and c.article_id = a.id)
    )
    select n.*, (select count(*) from never)::int as total, (select count(*) from articles a where ${tenant})::int as stored
      from never n
     order by n.title, n.tenant, n.article_id
     limit ${limit}`.execute(db);
  if (rows.length === 0) {
    const stored = await sql<{ n: unknown }>`select count(*)::int as n from articles a where ${tenant}`.execute(db);
    return { stored_articles: num(stored.rows[0]?.n), total: 0, articles: [] };
  }
  return {
    stored_articles: num(rows[0]!.stored),
    total: num(rows[0]!.total),
    articles: rows.map((r) => ({ tenant: String(r.tenant), article_id: String(r.article_id), title: String(r.title), url: String(r.url) })),
  };
}
