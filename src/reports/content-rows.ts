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
  // The reviews are counted per draft first; each draft is then read once (by its key: "offset 0"
  // keeps the lookup a nested loop on the primary key) and its sources once per article.
  const { rows } = await sql<Record<string, unknown>>`
    with per_draft as (
      select r.draft_id, r.action, r.reason, count(*)::int as n, sum(r.edit_distance)::float8 as distance_sum, count(r.edit_distance)::int as distance_n
        from reviews r
       where r.action in ('reject', 'edit', 'replaced') and ${inScope('r', scope)}
       group by r.draft_id, r.action, r.reason
    ), per_article as (
      select d.tenant, a.article_id, min(a.title) as title, min(a.url) as url, p.action, p.reason,
             sum(p.n)::int as n, sum(p.distance_sum)::float8 as distance_sum, sum(p.distance_n)::int as distance_n
        from per_draft p
        cross join lateral (select d.tenant, d.sources from drafts d where d.id = p.draft_id offset 0) d
        cross join lateral (
          select distinct on (1) ${ARTICLE_ID} as article_id, s->>'title' as title, s->>'url' as url
            from jsonb_array_elements(d.sources) s
        ) a
       group by d.tenant, a.article_id, p.action, p.reason
    )
    select tenant, article_id, min(title) as title, min(url) as url,
           coalesce(sum(n) filter (where action = 'reject'), 0)::int as rejected,
           coalesce(sum(n) filter (where action = 'edit'), 0)::int as edited,
           coalesce(sum(n) filter (where action = 'replaced'), 0)::int as replaced,
           coalesce(jsonb_object_agg(reason, n) filter (where action = 'reject' and reason is not null), '{}'::jsonb)::text as reject_reasons,
           (sum(distance_sum) filter (where action = 'edit') / nullif(sum(distance_n) filter (where action = 'edit'), 0))::float8 as mean_edit_distance
      from per_article
     group by tenant, article_id
     order by sum(n) desc, tenant, article_id
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
