import { threadLink } from '../domain/tenant';
import { clusterQuestions, QuestionCluster } from './cluster-questions';
import { ReportScope, scopeHeader, UnansweredReport } from './report-view';
import type { UnansweredRow } from './unanswered-rows';

/** The most clusters a report lists (the largest), examples and links per cluster. */
export const MAX_CLUSTERS = 50;
export const MAX_EXAMPLES = 3;
export const MAX_LINKS = 10;

export function clusterUnanswered(rows: readonly UnansweredRow[]): QuestionCluster<UnansweredRow>[] {
  return clusterQuestions(rows.map((r) => ({ text: r.question, item: r })));
}

const threadKey = (r: UnansweredRow) => `${r.tenant}\u0000${r.thread_id}`;

/** The questions of a cluster as examples: distinct, the most common first. */
export function examplesOf(cluster: QuestionCluster<UnansweredRow>, max = MAX_EXAMPLES): string[] {
  const counts = new Map<string, number>();
  for (const m of cluster.members) if (m.text.trim()) counts.set(m.text.trim(), (counts.get(m.text.trim()) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, max).map(([q]) => q);
}

export function ticketsOf(rows: readonly UnansweredRow[]): number {
  return new Set(rows.map(threadKey)).size;
}

const reasonCounts = (rows: readonly UnansweredRow[]) => ({
  missing_source: rows.filter((r) => r.missing_source).length,
  low_confidence: rows.filter((r) => r.low_confidence).length,
});

/** The unanswered report from the week's rows. Pure. */
export function unansweredReport(scope: ReportScope, rows: readonly UnansweredRow[], clusters = clusterUnanswered(rows)): UnansweredReport {
  return {
    report: 'unanswered',
    ...scopeHeader(scope),
    escalations: rows.length,
    tickets: ticketsOf(rows),
    by_reason: reasonCounts(rows),
    clusters_total: clusters.length,
    clusters: clusters.slice(0, MAX_CLUSTERS).map((c) => {
      const items = c.members.map((m) => m.item);
      const seen = new Set<string>();
      const firstPerTicket = items.filter((r) => !seen.has(threadKey(r)) && seen.add(threadKey(r)));
      return {
        escalations: items.length,
        tickets: firstPerTicket.length,
        by_reason: reasonCounts(items),
        terms: c.words,
        examples: examplesOf(c),
        links: firstPerTicket.slice(0, MAX_LINKS).map((r) => ({ tenant: r.tenant, thread_id: r.thread_id, draft_id: r.draft_id, url: threadLink(r.tenant, r.thread_id) ?? null })),
        more_tickets: Math.max(0, firstPerTicket.length - MAX_LINKS),
      };
    }),
  };
}
