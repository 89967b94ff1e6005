import { eng } from 'stopword';
import { stem } from './stem';

const STOP = new Set<string>([...eng, 'can', 'could', 'would', 'should', 'will', 'please', 'thanks', 'thank', 'hi', 'hello', 'hey', 'ok', 'okay', 'yes', 'no', 'get', 'got', 'us', 'we', 'our', 'i', 'im', "i'm", 'do', 'does', 'did', 'how', 'what', 'why', 'when', 'where', 'which', 'who']);

/** Words as a reader sees them: letters and digits, lower-cased; apostrophes kept inside words. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

export function isStopword(word: string): boolean {
  return STOP.has(word.replace(/’/g, "'"));
}

/**
 * Words as retrieval indexes them: the words, and each hyphenated compound once more written as one
 * word, so "wifi" finds "Wi-Fi" and "pickup" finds "pick-up".
 */
export function indexWords(text: string): string[] {
  const all = words(text);
  if (!text.includes('-')) return all;
  const joined = (text.toLowerCase().match(/\p{L}+(?:-\p{L}+)+/gu) ?? []).map((w) => w.replace(/-/g, ''));
  return joined.length > 0 ? [...all, ...joined] : all;
}

/** The words that carry meaning, stemmed: what retrieval and coverage look at. */
export function contentTerms(text: string): string[] {
  return indexWords(text)
    .filter((w) => !isStopword(w) && !/^\[?[a-z]+_\d+\]?$/.test(w))
    .map(stem);
}

/** Sentences, split on end punctuation and line breaks. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
