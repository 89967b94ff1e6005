import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * English linguistic analysis for the offline model and the rule matchers: lemmas ("did" -> "do",
 * "charged" -> "charge"), parts of speech and sentences, from wink-nlp with its bundled English model
 * (no download, about 150 ms to load once per process). Text of other languages is analysed as if
 * English, which is harmless: it is used only to match English patterns and English help centers.
 */
const nlp = winkNLP(model);
const its = nlp.its;

export interface Token {
  /** as written */
  written: string;
  /** as written, lower-cased (not wink's normal form, which respells British English: "fibre" -> "fiber") */
  normal: string;
  lemma: string;
  /** Universal POS tag: NOUN, PROPN, VERB, ADJ, ADV, PRON, AUX, NUM, PUNCT... */
  pos: string;
}

export interface Analysis {
  tokens: Token[];
  /** the lemmas joined by single spaces, punctuation dropped: what lemma patterns are matched against */
  lemmaText: string;
}

const cache = new Map<string, Analysis>();
const CACHE_MAX = 500;

/** The analysis of a text; recent texts are kept, since one draft looks at the same text several times. */
export function analyze(text: string): Analysis {
  const hit = cache.get(text);
  if (hit) return hit;
  const doc = nlp.readDoc(text);
  const values = doc.tokens().out(its.value) as string[];
  const normals = values.map((v) => v.toLowerCase());
  // its.lemma needs the model's addons, which the typings do not declare for out()
  const lemmas = doc.tokens().out(its.lemma as Parameters<ReturnType<typeof doc.tokens>['out']>[0]) as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  const tokens = normals.map((normal, i) => ({ written: values[i] ?? normal, normal, lemma: (lemmas[i] ?? normal).toLowerCase(), pos: pos[i] ?? 'X' }));
  const analysis = { tokens, lemmaText: tokens.filter((t) => t.pos !== 'PUNCT' && t.pos !== 'SYM').map((t) => t.lemma).join(' ') };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(text, analysis);
  return analysis;
}

/** The lemma form of a text, for matching patterns written over lemmas ("do that" matches "did that"). */
export function lemmaText(text: string): string {
  return analyze(text).lemmaText;
}
