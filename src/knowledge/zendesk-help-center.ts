import { z } from 'zod';
import { zendeskId } from '../edge/zendesk/schema';
import { htmlToText } from '../domain/html-to-text';
import { getJson } from '../helpdesk/fetch-json';
import { HelpdeskAccess } from '../helpdesk/access';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import type { Article } from './article';

/**
 * Zendesk Help Center articles, every enabled locale, as a complete listing.
 *
 * Why not the incremental export (GET /api/v2/help_center/incremental/articles?start_time=, documented
 * at developer.zendesk.com/documentation/help_center/help-center-api/understanding-incremental-article-exports/)?
 * It only returns articles whose metadata changed: an archived article never shows up again, so a
 * store fed by it would keep citing archived pages forever; and it lists one article object per
 * article, not one per translation. The per-locale listing
 * (developer.zendesk.com/api-reference/help_center/help-center-api/articles/#list-articles) gives the
 * whole help center in each locale, so a sync sees what is gone, unpublished or translated. What is
 * incremental is the write side: unchanged articles (same content hash) are neither rewritten nor
 * re-indexed, and the newest `updated_at` is kept as the sync cursor. Between two daily complete
 * listings, syncZendeskArticles fetches only what changed, through the incremental export.
 */

/** GET /api/v2/help_center/locales.json: https://developer.zendesk.com/api-reference/help_center/help-center-api/help_center_locales/ */
const localesSchema = z.looseObject({
  locales: z.array(z.string().min(2)),
  default_locale: z.string().nullish(),
});

const articleSchema = z.looseObject({
  id: zendeskId,
  title: z.string().nullish(),
  body: z.string().nullish(),
  html_url: z.string().nullish(),
  locale: z.string().nullish(),
  draft: z.boolean().nullish(),
  updated_at: z.string().nullish(),
});

/**
 * One page of articles. Cursor pagination (`page[size]`, recommended by Zendesk) answers with
 * `meta.has_more` and `links.next`; offset pagination with `next_page`. Both are accepted.
 * https://developer.zendesk.com/api-reference/introduction/pagination/
 */
const articlesPageSchema = z.looseObject({
  articles: z.array(articleSchema),
  meta: z.looseObject({ has_more: z.boolean() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
  next_page: z.string().nullish(),
});

export type ZendeskArticle = z.infer<typeof articleSchema>;

const PAGE_SIZE = 100;
/** 1,000 pages of 100 per locale: far beyond any help center, a stop if a next link ever loops. */
const MAX_PAGES = 1000;

export interface FetchedArticles {
  articles: Article[];
  /** the newest update time seen (unix seconds, as a string), kept per tenant */
  cursor: string | null;
  /** true when the listing is known to be the whole help center: only then are missing articles removed */
  complete: boolean;
}

/** Named entities editors put in articles that the webhook converter does not know: made numeric. */
const MORE_ENTITIES: Record<string, number> = {
  ndash: 0x2013, mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, ldquo: 0x201c, rdquo: 0x201d, hellip: 0x2026,
  bull: 0x2022, middot: 0xb7, copy: 0xa9, reg: 0xae, trade: 0x2122, euro: 0x20ac, pound: 0xa3, yen: 0xa5,
  cent: 0xa2, deg: 0xb0, times: 0xd7, divide: 0xf7, laquo: 0xab, raquo: 0xbb, rarr: 0x2192, larr: 0x2190,
};

const BLOCK_END = /<\/(p|div|h[1-6]|ul|ol|table|tr|blockquote|pre|section|article)\s*>|<hr\s*\/?>/gi;

/**
 * Article HTML to plain text that keeps paragraphs apart: passages (passages.ts) split on blank
 * lines, so a block ending becomes one. Scripts, styles and comments are dropped; list items keep a
 * dash. Entities and the remaining tags go through the webhook converter (domain/html-to-text.ts).
 */
export function articleHtmlToText(html: string): string {
  const blocks = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(BLOCK_END, '$&\n\n')
    .replace(/&([a-z]+);/gi, (whole, name: string) => {
      const code = MORE_ENTITIES[name.toLowerCase()];
      return code === undefined ? whole : `&#${code};`;
    });
  return htmlToText(blocks)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The article as the index sees it, or null when it must not be a source (a draft, nothing to read). */
export function toArticle(a: ZendeskArticle, requestedLocale: string): Article | null {
  if (a.draft) return null; // "true if the translation for the current locale is a draft": customers cannot read it
  const body = articleHtmlToText(a.body ?? '');
  const title = (a.title ?? '').trim();
  if (!body || !title || !a.html_url) return null;
  const locale = a.locale ?? requestedLocale;
  return {
    // Translations share the article id: the locale makes each one its own source.
    id: `${a.id}:${locale}`,
    title,
    url: a.html_url,
    locale,
    body,
    ...(a.updated_at ? { updatedAt: a.updated_at } : {}),
  };
}

/** The incremental export: up to 1,000 changed articles a page, until end_of_stream. */
const incrementalPageSchema = z.looseObject({
  articles: z.array(articleSchema),
  next_page: z.string().nullish(),
  end_time: z.number().int().nullish(),
  end_of_stream: z.boolean().nullish(),
});

/** The sync cursor: newest update time seen, and when the last complete listing ran (unix seconds). */
const cursorSchema = z.object({ updated: z.number().int(), full: z.number().int() });

/** A complete listing at least this often; between them only what changed is fetched. */
export const FULL_LISTING_EVERY_SECONDS = 24 * 3600;

/**
 * Incremental by update time: with a cursor younger than a day, only the articles changed since the
 * newest update seen are fetched (GET /api/v2/help_center/incremental/articles.json?start_time=,
 * https://developer.zendesk.com/documentation/help_center/help-center-api/understanding-incremental-article-exports/);
 * once a day, or without a cursor, the complete per-locale listing runs, which is what removes
 * archived articles and picks up translations the export does not list.
 */
export async function syncZendeskArticles(access: HelpdeskAccess, previousCursor: string | null, now: Date = new Date()): Promise<FetchedArticles> {
  const nowSec = Math.floor(now.getTime() / 1000);
  let previous: z.infer<typeof cursorSchema> | undefined;
  try {
    previous = previousCursor ? cursorSchema.parse(JSON.parse(previousCursor)) : undefined;
  } catch {
    previous = undefined; // an older cursor format: start over with a complete listing
  }
  if (!previous || nowSec - previous.full >= FULL_LISTING_EVERY_SECONDS) {
    const full = await fetchZendeskArticles(access);
    const updated = full.cursor ? Number(full.cursor) : previous?.updated ?? 0;
    return { ...full, cursor: JSON.stringify({ updated, full: nowSec }) };
  }
  const articles: Article[] = [];
  let newest = previous.updated;
  let next: string | null = `/api/v2/help_center/incremental/articles.json?start_time=${previous.updated}`;
  const seen = new Set<string>();
  for (let page = 0; next; page++) {
    if (page >= MAX_PAGES || seen.has(next)) throw new HelpdeskError('zendesk', 0, 'zendesk_unexpected_response', `zendesk: the incremental article export does not end (${page} pages)`, true);
    seen.add(next);
    const body: z.infer<typeof incrementalPageSchema> = await getJson(access, next, incrementalPageSchema);
    for (const raw of body.articles) {
      const article = toArticle(raw, raw.locale ?? 'en');
      if (article) articles.push(article);
      const t = raw.updated_at ? Date.parse(raw.updated_at) : NaN;
      if (Number.isFinite(t)) newest = Math.max(newest, Math.floor(t / 1000));
    }
    next = body.end_of_stream || body.articles.length === 0 ? null : body.next_page ?? null;
  }
  // Not a complete listing: nothing is removed until the next daily one.
  return { articles, cursor: JSON.stringify({ updated: newest, full: previous.full }), complete: false };
}

/** Every published article in every enabled locale of the account's (default brand's) help center. */
export async function fetchZendeskArticles(access: HelpdeskAccess): Promise<FetchedArticles> {
  const { locales } = await getJson(access, '/api/v2/help_center/locales.json', localesSchema);
  const articles: Article[] = [];
  let newest = 0;
  for (const locale of [...new Set(locales)]) {
    let next: string | null = `/api/v2/help_center/${encodeURIComponent(locale)}/articles.json?page[size]=${PAGE_SIZE}`;
    const seen = new Set<string>();
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES || seen.has(next)) {
        throw new HelpdeskError('zendesk', 0, 'zendesk_unexpected_response', `zendesk: the article listing for ${locale} does not end (${page} pages)`, true);
      }
      seen.add(next);
      const body: z.infer<typeof articlesPageSchema> = await getJson(access, next, articlesPageSchema);
      for (const raw of body.articles) {
        const article = toArticle(raw, locale);
        if (article) articles.push(article);
        const t = raw.updated_at ? Date.parse(raw.updated_at) : NaN;
        if (Number.isFinite(t)) newest = Math.max(newest, t);
      }
      next = body.meta ? (body.meta.has_more ? body.links?.next ?? null : null) : body.next_page ?? null;
    }
  }
  return { articles, cursor: newest ? String(Math.floor(newest / 1000)) : null, complete: true };
}
