import { distance } from 'fastest-levenshtein';
import { bodyText } from '../domain/html-to-text';

/**
 * How far a sent reply is from its draft. Both sides are compared as plain text: HTML (a Zendesk
 * composer, an Intercom part) becomes text, whitespace runs become one space, and the text is
 * trimmed, so markup and line wrapping are not counted as edits. Pure.
 */
export function comparableText(text: string): string {
  return bodyText(text, 'auto').replace(/\s+/g, ' ').trim();
}

/** Levenshtein distance between the comparable forms of two texts (fastest-levenshtein). */
export function editDistance(draft: string, sent: string): number {
  return distance(comparableText(draft), comparableText(sent));
}

/** The distance relative to the longer text: 0 for the same text, 1 for nothing in common. */
export function normalizedDistance(draft: string, sent: string): number {
  const a = comparableText(draft);
  const b = comparableText(sent);
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : distance(a, b) / longest;
}
