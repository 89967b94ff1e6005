import { createHash } from 'node:crypto';
import MiniSearch from 'minisearch';
import { contentTerms, indexWords } from '../text/tokens';
import { stem } from '../text/stem';
import type { Article, Hit, Passage } from './article';
import { toPassages } from './passages';

/**
 * BM25 search over help-center passages (MiniSearch, BM25+), one index per tenant. Terms are
 * stemmed and stop words dropped; titles weigh double. Unchanged articles are not re-indexed.
 */
/** In how many articles a word may occur and still be searched for in a small help center, whatever its share. */
const COMMON_DF = 40;

export class KnowledgeIndex {
  private readonly search = new MiniSearch<Passage>({
    fields: ['title', 'text'],
    storeFields: ['articleId', 'title', 'url', 'locale', 'text'],
    tokenize: (text) => indexWords(text),
    processTerm: (term) => (contentTerms(term)[0] ?? null),
    searchOptions: { boost: { title: 2 }, fuzzy: false, prefix: false, combineWith: 'OR' },
  });
  private readonly articles = new Map<string, { hash: string; passageIds: string[]; article: Article }>();
  private readonly termCounts = new Map<string, number>();
  private readonly localeCounts = new Map<string, number>();

  /** Adds or replaces articles; returns how many were (re)indexed. */
  upsert(articles: Article[]): number {
    let changed = 0;
    for (const article of articles) {
      const hash = createHash('sha1').update(`${article.title}\u0000${article.url}\u0000${article.locale}\u0000${article.body}`).digest('hex');
      const existing = this.articles.get(article.id);
      if (existing?.hash === hash) continue;
      if (existing) this.remove(article.id);
      const passages = toPassages(article);
      this.search.addAll(passages);
      this.articles.set(article.id, { hash, passageIds: passages.map((p) => p.id), article });
      this.count(article, +1);
      changed++;
    }
    return changed;
  }

  remove(articleId: string): void {
    const existing = this.articles.get(articleId);
    if (!existing) return;
    for (const id of existing.passageIds) this.search.discard(id);
    this.count(existing.article, -1);
    this.articles.delete(articleId);
  }

  get size(): number {
    return this.articles.size;
  }

  locales(): string[] {
    return [...this.localeCounts.entries()].filter(([, n]) => n > 0).map(([l]) => l);
  }

  /** Whether a term (as contentTerms gives it, or a word to stem) occurs anywhere in the help center. */
  knows(term: string): boolean {
    return this.documentCount(term) > 0;
  }

  /**
   * In how many articles a term occurs. The term is looked up as given first: stemming is not
   * idempotent ("course" stems to "cours", and "cours" to "cour"), so a stemmed term must not be
   * stemmed again.
   */
  private documentCount(term: string): number {
    return this.termCounts.get(term) || this.termCounts.get(stem(term)) || 0;
  }

  /**
   * How much a (stemmed) term tells articles apart: log(1 + articles / articles mentioning it); 0 for a
   * term the help center never uses.
   */
  weight(term: string): number {
    const df = this.documentCount(term);
    return df > 0 ? Math.log(1 + this.articles.size / df) : 0;
  }

  /**
   * The most selective terms of a question: at most maxTerms, rarest first, and none that most of the
   * help center mentions (it would score thousands of passages and tell nothing apart).
   */
  private selectiveTerms(text: string, maxTerms = 8): string[] {
    const n = Math.max(this.articles.size, 1);
    const terms = [...new Set(contentTerms(text))].map((t) => ({ t, df: this.termCounts.get(t) ?? 0 })).filter((x) => x.df > 0);
    // A word in up to 60% of the articles still tells a small help center's articles apart ("plan",
    // "cancel" among a dozen); in a large one it would score thousands of passages, so there only
    // words in at most 30% count, and words in few articles (COMMON_DF) at any size.
    const selective = terms.filter((x) => x.df / n <= 0.3 || (x.df / n <= 0.6 && x.df <= COMMON_DF));
    return (selective.length > 0 ? selective : terms).sort((a, b) => a.df - b.df).slice(0, maxTerms).map((x) => x.t);
  }

  query(text: string, options: { limit?: number; locale?: string } = {}): Hit[] {
    const terms = this.selectiveTerms(text);
    if (terms.length === 0) return [];
    // Terms are already stemmed: the query bypasses the index's own tokenizer and term processing.
    const results = this.search.search(terms.join(' '), {
      tokenize: (q) => q.split(' '),
      processTerm: (t) => t,
      ...(options.locale ? { filter: (r) => r.locale === options.locale } : {}),
    });
    return results.slice(0, options.limit ?? 5).map((r) => ({
      id: String(r.id),
      articleId: r.articleId as string,
      title: r.title as string,
      url: r.url as string,
      locale: r.locale as string,
      text: r.text as string,
      score: r.score,
    }));
  }

  private count(article: Article, delta: number): void {
    this.localeCounts.set(article.locale, (this.localeCounts.get(article.locale) ?? 0) + delta);
    for (const term of new Set(contentTerms(`${article.title} ${article.body}`))) {
      this.termCounts.set(term, (this.termCounts.get(term) ?? 0) + delta);
    }
  }
}
