import { z } from 'zod';
import { getJson } from '../helpdesk/fetch-json';
import { HelpdeskAccess } from '../helpdesk/access';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import type { Article } from './article';
import { articleHtmlToText, FetchedArticles } from './zendesk-help-center';

/**
 * Intercom Articles: GET /articles?page=N&per_page=50, newest update first.
 * https://developers.intercom.com/docs/references/rest-api/api.intercom.io/articles/listarticles
 * Only published content with a public URL becomes a source: a draft or an article outside any
 * help center is something the customer cannot open.
 */

const intercomId = z.union([z.number().int(), z.string().min(1)]).transform(String);
/** `pages.page` and `per_page` come back as strings when sent in the query (documented for 2.17). */
const count = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);

const contentSchema = z.looseObject({
  title: z.string().nullish(),
  body: z.string().nullish(),
  state: z.string().nullish(),
  url: z.string().nullish(),
  updated_at: z.number().nullish(),
});

const articleSchema = z.looseObject({
  id: intercomId,
  title: z.string().nullish(),
  body: z.string().nullish(),
  state: z.string().nullish(),
  url: z.string().nullish(),
  updated_at: z.number().nullish(),
  default_locale: z.string().nullish(),
  /** multilingual help centers: one entry per locale (null where untranslated), plus `type` */
  translated_content: z.record(z.string(), z.unknown()).nullish(),
});

const listSchema = z.looseObject({
  type: z.literal('list'),
  pages: z.looseObject({ page: count.nullish(), total_pages: count.nullish() }).nullish(),
  total_count: count.nullish(),
  data: z.array(articleSchema),
});

type IntercomArticle = z.infer<typeof articleSchema>;

const PER_PAGE = 50;
const MAX_PAGES = 2000;

function fromContent(id: string, locale: string, c: z.infer<typeof contentSchema>): Article | null {
  if (c.state !== 'published' || !c.url) return null;
  const title = (c.title ?? '').trim();
  const body = articleHtmlToText(c.body ?? '');
  if (!title || !body) return null;
  return {
    id: `${id}:${locale}`,
    title,
    url: c.url,
    locale,
    body,
    ...(c.updated_at ? { updatedAt: new Date(c.updated_at * 1000).toISOString() } : {}),
  };
}

/** The default-language article plus every published translation, each its own source. */
export function toArticles(a: IntercomArticle): Article[] {
  const locale = a.default_locale ?? 'en';
  const out: Article[] = [];
  const main = fromContent(a.id, locale, a);
  if (main) out.push(main);
  for (const [key, value] of Object.entries(a.translated_content ?? {})) {
    if (key === 'type' || key === locale || !value || typeof value !== 'object') continue;
    const content = contentSchema.safeParse(value);
    const translated = content.success ? fromContent(a.id, key, content.data) : null;
    if (translated) out.push(translated);
  }
  return out;
}

export async function fetchIntercomArticles(access: HelpdeskAccess): Promise<FetchedArticles> {
  const articles: Article[] = [];
  const ids = new Set<string>();
  let newest = 0;
  let expected: number | undefined;
  for (let page = 1; ; page++) {
    if (page > MAX_PAGES) throw new HelpdeskError('intercom', 0, 'intercom_unexpected_response', `intercom: the article listing does not end (${MAX_PAGES} pages)`, true);
    const list = await getJson(access, `/articles?page=${page}&per_page=${PER_PAGE}`, listSchema);
    expected ??= list.total_count ?? undefined;
    for (const raw of list.data) {
      ids.add(raw.id);
      articles.push(...toArticles(raw));
      if (raw.updated_at) newest = Math.max(newest, raw.updated_at);
    }
    const totalPages = list.pages?.total_pages ?? page;
    if (list.data.length === 0 || page >= totalPages) break;
  }
  return {
    articles,
    cursor: newest ? String(newest) : null,
    // Pages are ordered by update time, newest first: an article edited mid-sync jumps to page 1,
    // already read, and is missed. Fewer articles than announced means the listing is not the whole
    // help center, so this run removes nothing (the next one will).
    complete: expected === undefined || ids.size >= expected,
  };
}
