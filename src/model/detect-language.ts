import { deu, eng, fra, ita, nld, por, spa } from 'stopword';
import { words } from '../text/tokens';

const LISTS: [string, Set<string>][] = [
  ['en', new Set(eng)],
  ['fr', new Set(fra)],
  ['de', new Set(deu)],
  ['es', new Set(spa)],
  ['it', new Set(ita)],
  ['pt', new Set(por)],
  ['nl', new Set(nld)],
];

/**
 * Language by stop-word counts: deterministic and reliable on support messages of a sentence or
 * more. 'und' (undetermined) when the text is too short or no language clearly leads.
 */
export function detectLanguage(text: string): string {
  const ws = words(text);
  if (ws.length < 4) return 'und';
  const scores = LISTS.map(([lang, list]) => [lang, ws.filter((w) => list.has(w)).length] as const).sort((a, b) => b[1] - a[1]);
  const [best, second] = scores;
  if (!best || best[1] < 2 || (second && best[1] < second[1] * 1.5)) return 'und';
  return best[0];
}
