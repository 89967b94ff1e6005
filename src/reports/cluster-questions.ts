import { stem } from '../text/stem';
import { contentTerms, words } from '../text/tokens';

/**
 * Clusters customer questions by what they are about (docs/reports.md, Clustering): greedy leader
 * clustering on the Jaccard similarity of their stemmed content terms (src/text/tokens.ts). Pure and
 * deterministic: the same questions in the same order give the same clusters.
 *
 * 1. Each question becomes its set of content terms; questions with the same set form one group.
 * 2. Groups are taken largest first (then in input order). A group joins the existing cluster whose
 *    leader (its first group) is most similar, if that similarity is at least `minSimilarity`;
 *    otherwise it leads a new cluster. Only clusters sharing a term are compared (an inverted index),
 *    so the work grows with the questions, not with their square.
 * 3. Questions without a content term ("help??") form one cluster of their own, with no terms.
 */

export interface Question<T> {
  text: string;
  item: T;
}

export interface QuestionCluster<T> {
  /** the members, leader group first */
  members: Question<T>[];
  /** the stemmed terms found in more than half of the members (at least the most frequent one), most frequent first */
  terms: string[];
  /** each of `terms` as customers most often wrote it */
  words: string[];
}

/** Above this Jaccard similarity of content terms two questions are about the same thing. */
export const MIN_SIMILARITY = 0.4;

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

interface Group<T> {
  terms: Set<string>;
  members: Question<T>[];
  first: number;
}

export function clusterQuestions<T>(questions: readonly Question<T>[], minSimilarity = MIN_SIMILARITY): QuestionCluster<T>[] {
  const groups = new Map<string, Group<T>>();
  questions.forEach((q, i) => {
    const terms = new Set(contentTerms(q.text));
    const key = [...terms].sort().join(' ');
    const g = groups.get(key) ?? { terms, members: [], first: i };
    g.members.push(q);
    groups.set(key, g);
  });
  const ordered = [...groups.values()].sort((a, b) => b.members.length - a.members.length || a.first - b.first);

  const clusters: { leader: Set<string>; groups: Group<T>[] }[] = [];
  const byTerm = new Map<string, number[]>();
  // terms each candidate cluster's leader shares with the group, counted through the index
  const shared: number[] = [];
  let termless: { leader: Set<string>; groups: Group<T>[] } | undefined;
  for (const g of ordered) {
    if (g.terms.size === 0) {
      termless ??= { leader: g.terms, groups: [] };
      termless.groups.push(g);
      continue;
    }
    const touched: number[] = [];
    for (const t of g.terms) {
      for (const c of byTerm.get(t) ?? []) {
        if (!shared[c]) touched.push(c);
        shared[c] = (shared[c] ?? 0) + 1;
      }
    }
    let best = -1;
    let bestScore = 0;
    for (const c of touched) {
      const n = shared[c]!;
      shared[c] = 0;
      const score = n / (g.terms.size + clusters[c]!.leader.size - n);
      if (score > bestScore || (score === bestScore && c < best)) {
        best = c;
        bestScore = score;
      }
    }
    if (best >= 0 && bestScore >= minSimilarity) {
      clusters[best]!.groups.push(g);
      continue;
    }
    clusters.push({ leader: g.terms, groups: [g] });
    for (const t of g.terms) {
      const list = byTerm.get(t);
      if (list) list.push(clusters.length - 1);
      else byTerm.set(t, [clusters.length - 1]);
    }
  }
  if (termless) clusters.push(termless);

  return clusters
    .map((c) => describeCluster(c.groups))
    .sort((a, b) => b.members.length - a.members.length);
}

/** A cluster's terms (in more than half of its members) and how customers wrote them. */
function describeCluster<T>(groups: readonly Group<T>[]): QuestionCluster<T> {
  const members = groups.flatMap((g) => g.members);
  const counts = new Map<string, number>();
  const spellings = new Map<string, Map<string, number>>();
  for (const g of groups) {
    for (const t of g.terms) counts.set(t, (counts.get(t) ?? 0) + g.members.length);
    // how customers wrote each term: from the group's first few questions
    for (const m of g.members.slice(0, 5)) {
      for (const w of words(m.text)) {
        const s = stem(w);
        if (!g.terms.has(s)) continue;
        const forms = spellings.get(s) ?? new Map<string, number>();
        forms.set(w, (forms.get(w) ?? 0) + 1);
        spellings.set(s, forms);
      }
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const terms = ranked.filter(([, n], i) => i === 0 || n * 2 > members.length).map(([t]) => t);
  const spelled = (t: string) => [...(spellings.get(t)?.entries() ?? [])].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? t;
  return { members, terms, words: terms.map(spelled) };
}
