import { analyze } from '../text/nlp';
import { stem } from '../text/stem';
import { words } from '../text/tokens';

/**
 * A title for a help-center article that would answer a cluster of unanswered questions
 * (docs/reports.md, Suggested titles). Pure:
 * 1. the representative question is the member sharing the most of the cluster's terms (the first such);
 * 2. the title is the stretch of it from the first to the last of the cluster's terms, without
 *    determiners, pronouns, auxiliaries and punctuation ("parking at your clubs" -> "parking at clubs");
 *    a stretch of more than eight words is replaced by the terms themselves, as customers wrote them;
 * 3. when that stretch starts with a verb and the question asks how to do something ("how …", "can I …"),
 *    the title is "How to …" ("How to transfer membership to friend"); otherwise the phrase,
 *    capitalized ("Parking at clubs", "Home visits").
 */

const DROPPED = new Set(['DET', 'PRON', 'AUX', 'PUNCT', 'SYM', 'SPACE', 'X']);
const NOT_AT_ENDS = new Set(['ADP', 'CCONJ', 'SCONJ', 'PART', 'ADV', 'INTJ']);
const MAX_WORDS = 8;
const ASKS_HOW = /\bhow\b|^\W*(can|could|may)\s+(i|we)\b/i;

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function representativeQuestion(questions: readonly string[], terms: readonly string[]): string | undefined {
  const wanted = new Set(terms);
  let best: string | undefined;
  let bestShared = -1;
  for (const q of questions) {
    const shared = new Set(words(q).map(stem).filter((t) => wanted.has(t))).size;
    if (shared > bestShared) {
      best = q;
      bestShared = shared;
    }
  }
  return best;
}

export function suggestTitle(questions: readonly string[], terms: readonly string[], spelled: readonly string[]): string | undefined {
  if (terms.length === 0) return undefined;
  const question = representativeQuestion(questions, terms);
  const fallback = capitalized(spelled.join(' '));
  if (!question) return fallback;
  const wanted = new Set(terms);
  const tokens = analyze(question).tokens;
  const hits = tokens.map((t, i) => (wanted.has(stem(t.normal)) ? i : -1)).filter((i) => i >= 0);
  if (hits.length === 0) return fallback;
  let span = tokens.slice(hits[0], hits[hits.length - 1]! + 1).filter((t) => !DROPPED.has(t.pos));
  while (span.length > 1 && NOT_AT_ENDS.has(span[span.length - 1]!.pos)) span = span.slice(0, -1);
  if (span.length === 0 || span.length > MAX_WORDS) return fallback;
  const phrase = span.map((t) => t.normal).join(' ');
  return span[0]!.pos === 'VERB' && ASKS_HOW.test(question) ? `How to ${phrase}` : capitalized(phrase);
}
