import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Valence from which a word says how the customer feels rather than what they ask about. */
const FEELING = 1;

let valences: Map<string, number> | undefined;

/** VADER's lexicon as the vader-sentiment package ships it: word, mean valence (-4..4), deviation, ratings; one per line. */
function lexicon(): Map<string, number> {
  if (!valences) {
    const file = path.join(path.dirname(require.resolve('vader-sentiment/package.json')), 'vader_lexicon.txt');
    valences = new Map();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [word, mean] = line.split('\t');
      if (word && mean) valences.set(word, Number(mean));
    }
  }
  return valences;
}

/**
 * Whether a word expresses a feeling ("super happy", "lol", "stuck", "awful"): VADER's lexicon rates
 * it at least this strongly. A help center that never writes such a word has not left a part of the
 * question unanswered.
 */
export function isFeelingWord(word: string): boolean {
  const valence = lexicon().get(word);
  return valence !== undefined && Math.abs(valence) >= FEELING;
}

/** A word with a letter held for emphasis, written once: "soooo" -> "so", "pleeease" -> "please". */
export function unstretched(word: string): string {
  return word.replace(/([a-z])\1{2,}/g, '$1');
}
