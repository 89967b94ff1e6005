import { createRequire } from 'node:module';

/**
 * Synonyms from WordNet, through the `synonyms` package (its dictionary: 12,000 English words, each
 * with its synonyms per part of speech, most common sense first). The offline model uses them for a
 * word the help center never writes: "price" may be the articles' "cost", "subtitles" their
 * "captions". Loaded on first use (about 300 ms, once per process).
 */
type Entry = Partial<Record<'n' | 'v' | 'a' | 's' | 'r', string[]>>;

let dictionary: Record<string, Entry> | undefined;

function load(): Record<string, Entry> {
  // the package ships no types; its dictionary is a plain object of word -> { n: [...], v: [...] }
  dictionary ??= (createRequire(__filename)('synonyms') as { dictionary: Record<string, Entry> }).dictionary;
  return dictionary;
}

/** WordNet's part-of-speech keys for a Universal POS tag. */
const KEYS: Record<string, Array<keyof Entry>> = { NOUN: ['n'], PROPN: ['n'], VERB: ['v'], ADJ: ['a', 's'] };

/** How many of a word's synonyms count: the first senses only, the rest drift ("price": cost, toll, terms, damage). */
const FIRST = 3;

/** The single-word synonyms of a word (as lemma) for its part of speech, most common sense first, itself left out. */
export function synonymsOf(lemma: string, pos: string): string[] {
  const dict = load();
  const entry = Object.prototype.hasOwnProperty.call(dict, lemma) ? dict[lemma] : undefined;
  if (!entry) return [];
  const out: string[] = [];
  for (const key of KEYS[pos] ?? []) {
    // the first item of a list is the word itself; a one-letter item ("n", "v") marks a sense with no synonyms
    for (const word of (entry[key] ?? []).slice(1, FIRST + 1)) {
      if (word.length > 1 && /^[a-z]+$/.test(word) && word !== lemma && !out.includes(word)) out.push(word);
    }
  }
  return out;
}
