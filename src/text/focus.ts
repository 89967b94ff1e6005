import { sentences, words } from './tokens';

/**
 * The part of a customer message that asks: its questions and requests, with the sentence before a
 * question that only points back ("...it does not fit. How can I return it?" keeps the sweater).
 * Context around it (who the customer is, what happened when) stays in the message for retrieval but
 * not in what the answer must cover.
 */
const ASKS = /^(how|what|what's|whats|where|when|why|which|who|whom|whose|can|could|do|does|did|is|are|was|were|will|would|should|shall|may|might|have|has|any chance|is there|are there|please|pls|plz|i need|i want|i'd like|i would like|tell me|let me know|help|need|want)\b/i;
const POINTS_BACK = /\b(it|its|it's|this|that|these|those|they|them|one|ones|there|he|she|him|her)\b/i;

export function askingSentences(text: string): string[] {
  const all = sentences(text);
  if (all.length <= 1) return all;
  const picked = new Set<number>();
  all.forEach((s, i) => {
    if (s.trim().endsWith('?') || ASKS.test(s.trim())) {
      picked.add(i);
      // A short question that only points back takes the sentence it points to.
      if (i > 0 && POINTS_BACK.test(s) && words(s).length <= 12) picked.add(i - 1);
    }
  });
  if (picked.size === 0) return all;
  return all.filter((_, i) => picked.has(i));
}

/** The asking part as one string. */
export function focusOf(text: string): string {
  return askingSentences(text).join(' ');
}
