import type { Hit } from '../knowledge/article';
import type { FocusTerm } from '../policy/specificity';
import { contentTerms } from '../text/tokens';

/** How much a word no article mentions weighs, against the rarest word of the question the help center has. */
const UNKNOWN_SHARE = 0.6;
/** How much retrieval's own score (where titles count double) orders articles that cover the same. */
const RETRIEVAL_SHARE = 0.4;
/** How much naming the question's topic in its title adds: an article about it beats one that mentions it. */
const TITLE_SHARE = 0.2;

export interface CoveredArticle {
  /** the article's best passage, the one a draft cites */
  hit: Hit;
  /** the share of the question's topic the article's retrieved passages mention, in [0, 1] */
  coverage: number;
}

/**
 * The retrieved articles, best answer first. Each article is judged on all its retrieved passages
 * together; a term weighs by its part of speech and by how rare it is in the help center, and a noun
 * no article mentions stays in the total, as a part of the question nobody answers. Articles that
 * cover alike are ordered by whether their title names the topic and by retrieval score: the one
 * about the topic beats one that mentions its words in passing.
 */
export function rankArticles(terms: FocusTerm[], sources: Hit[], weight: (term: string) => number): CoveredArticle[] {
  const rarest = Math.max(1, ...terms.filter((f) => f.known).map((f) => weight(f.term)));
  const total = terms.reduce((sum, f) => sum + f.role * (f.known ? weight(f.term) : UNKNOWN_SHARE * rarest), 0);
  const articles = new Map<string, { hits: Hit[]; terms: Set<string> }>();
  for (const hit of sources) {
    const a = articles.get(hit.articleId) ?? { hits: [], terms: new Set<string>() };
    a.hits.push(hit);
    for (const t of contentTerms(`${hit.title} ${hit.text}`)) a.terms.add(t);
    articles.set(hit.articleId, a);
  }
  const topScore = sources[0]?.score ?? 0;
  return [...articles.values()]
    .map((a) => {
      const hit = a.hits[0]!;
      const coverage = total === 0 ? 0 : terms.reduce((sum, f) => sum + (f.known && a.terms.has(f.term) ? f.role * weight(f.term) : 0), 0) / total;
      const relevance = topScore > 0 ? hit.score / topScore : 0;
      const title = new Set(contentTerms(hit.title));
      const inTitle = total === 0 ? 0 : terms.reduce((sum, f) => sum + (f.known && title.has(f.term) ? f.role * weight(f.term) : 0), 0) / total;
      return { hit, coverage, rank: coverage * (1 - RETRIEVAL_SHARE + RETRIEVAL_SHARE * relevance) + TITLE_SHARE * inTitle };
    })
    .sort((a, b) => b.rank - a.rank || b.hit.score - a.hit.score)
    .map(({ hit, coverage }) => ({ hit, coverage }));
}
