import type { NeverCited, ReviewedArticleRow } from './content-rows';
import type { QuestionCluster } from './cluster-questions';
import { ContentReport, ReportScope, scopeHeader } from './report-view';
import { suggestTitle } from './suggest-title';
import { examplesOf, ticketsOf } from './unanswered-report';
import type { UnansweredRow } from './unanswered-rows';

/** The most articles each list shows, and the most suggested titles. */
export const MAX_ARTICLES = 100;
export const MAX_SUGGESTIONS = 10;
/** A suggested article answers a question asked at least this often in the week. */
export const MIN_SUGGESTION_ESCALATIONS = 2;

/**
 * The content report: the articles behind rejected and edited drafts, the ones nobody's question
 * led to, and titles for the articles the unanswered clusters show are missing: the largest clusters
 * of at least MIN_SUGGESTION_ESCALATIONS escalations that share a content term. Pure.
 */
export function contentReport(scope: ReportScope, reviewed: readonly ReviewedArticleRow[], neverCited: NeverCited, clusters: readonly QuestionCluster<UnansweredRow>[]): ContentReport {
  const suggested: ContentReport['suggested_articles'] = [];
  for (const c of clusters) {
    if (suggested.length >= MAX_SUGGESTIONS || c.members.length < MIN_SUGGESTION_ESCALATIONS) break;
    const title = suggestTitle(
      c.members.map((m) => m.text),
      c.terms,
      c.words,
    );
    if (!title) continue;
    const items = c.members.map((m) => m.item);
    suggested.push({ title, escalations: items.length, tickets: ticketsOf(items), terms: c.words, examples: examplesOf(c) });
  }
  return {
    report: 'content',
    ...scopeHeader(scope),
    reviewed_articles: [...reviewed],
    never_cited: neverCited,
    suggested_articles: suggested,
  };
}
