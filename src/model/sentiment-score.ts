import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { lemmaText } from '../text/nlp';
import { sentences } from '../text/tokens';
import { detectLanguage } from './detect-language';

/**
 * Sentiment of a customer message in [-1, 1], from VADER (a maintained port: it weighs negation,
 * intensifiers, capitals, exclamation marks and "but"), with what support messages add to it:
 * - phrases of exasperation a general-purpose lexicon scores neutral or positive ("thanks for
 *   nothing", "a joke", "fed up", "still waiting", "for the third time");
 * - sarcasm: praise in a message that reports a recurring or unresolved problem ("Fantastic service,
 *   really worth it" after "third evening in a row it drops") counts as its opposite.
 * The message's score leans on its most negative sentence: one angry sentence among calm ones still
 * shows.
 */

/** Exasperation, matched on lemmas (so "fed up", "feeling fed up" and "I'm fed up" all count). */
const EXASPERATION: [RegExp, number][] = [
  [/\bthank(s)? for nothing\b/, -0.8],
  [/\b(a|what a|such a|complete|total|absolute|utter|bloody) joke\b/, -0.6],
  [/\b(fed up|sick of|sick and tired|have have enough|have enough|at my wit s end)\b/, -0.7],
  [/\b(waste|wast) (of )?(my |our )?(time|money)\b/, -0.7],
  [/\b(unacceptable|ridiculous|outrageous|disgraceful|pathetic|useless|shambles|appalling|incompetent)\b/, -0.7],
  [/\b(worst|never again|not good enough|how hard can it be|seriously)\b/, -0.6],
  [/\b(still wait|keep wait|wait for ever|wait forever)\b/, -0.5],
  [/\b(for the|this be the) (second|third|fourth|fifth|\d+(st|nd|rd|th)|umpteenth|nth) time\b/, -0.5],
  // "Third time this month the printer has jammed", "second time in a week": a fault that keeps coming back
  [/\b(second|third|fourth|fifth|\d+(st|nd|rd|th)|umpteenth|nth) time (this|in a|in the|in two|in three|today|running)\b/, -0.5],
  [/\b(again and again|over and over|every single time|yet again)\b/, -0.5],
  [/\b(nobody|no one) (ever )?(reply|answer|respond|help|care|get back|tell|told|inform|informed|warn|warned)\b/, -0.6],
  [/\b(cancel|leave|switch) (my|the|our) (contract|subscription|account|plan|service)\b.*\b(if|unless)\b/, -0.5],
];

const SARCASTIC_OPENING = /^\W*(oh|wow|ah|gee)\W+(great|brilliant|wonderful|perfect|fantastic|lovely|super|nice|thanks|cheers|marvell?ous|splendid)\b/;

/** A problem that keeps happening or is not solved: the setting in which praise reads as sarcasm. */
const RECURRING = /\b(again|still|every (day|night|evening|morning|time)|in a row|keep|constantly|always|nothing (happen|change)|not work|do not work|never|third|fourth|fifth|(second|umpteenth|nth|\d+(st|nd|rd|th)) time)\b/;
const PRAISE = /\b(fantastic|brilliant|great|wonderful|amazing|excellent|superb|perfect|lovely|love|impressive|stellar|outstanding|fabulous|thanks|thank)\b/;

export function scoreSentiment(text: string): { label: 'negative' | 'neutral' | 'positive'; score: number } {
  const parts = sentences(text);
  // The lexicons are English: a message in another language is not read for tone at all.
  if (parts.length === 0 || !['en', 'und'].includes(detectLanguage(text))) return { label: 'neutral', score: 0 };
  const whole = lemmaText(text);
  const recurring = RECURRING.test(whole);
  let sarcastic = false;
  const scores = parts.map((s) => {
    const lemmas = lemmaText(s);
    const plain = s.toLowerCase().replace(/[’']/g, ' ');
    let v = SentimentIntensityAnalyzer.polarity_scores(vaderReady(s)).compound;
    // A worried question ("will the food go bad?", "do we lose all of it??") is not an angry one.
    if (v < 0 && /\?\s*$/.test(s)) v *= 0.5;
    for (const [pattern, weight] of EXASPERATION) if (pattern.test(lemmas) || pattern.test(plain)) v = Math.min(v, weight);
    // Praise opened by an interjection ("Oh brilliant, ...", "Wow, great service") is sarcasm.
    // Praise about an unresolved, recurring problem is sarcasm, and so is praise after a sarcastic
    // sentence ("Oh brilliant, another session with no link. Really professional.").
    // Once a message is sarcastic, milder praise after it is too ("Brilliant. Really getting my money's worth.").
    const question = /\?\s*$/.test(s);
    if (!question && ((v > 0.3 && recurring && PRAISE.test(lemmas)) || (v > 0 && sarcastic))) {
      v = -v;
      sarcastic = true;
    }
    if (SARCASTIC_OPENING.test(plain)) {
      v = Math.min(v, -0.6);
      sarcastic = true;
    }
    return v;
  });
  const min = Math.min(...scores);
  // In a sarcastic message, a friendly-sounding sentence does not soften the rest.
  const counted = sarcastic ? scores.filter((v) => v <= 0) : scores;
  const mean = counted.reduce((a, b) => a + b, 0) / counted.length;
  const raw = min < 0 ? 0.7 * min + 0.3 * mean : mean;
  const score = Number(Math.max(-1, Math.min(1, raw)).toFixed(3));
  const label = score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
  return { label, score };
}

/**
 * The port matches negations in lower case only ("Not happy." scores positive): a capital that only
 * starts a sentence, or a capitalized negation, is lowered; words in capitals keep their emphasis.
 * "ill" before a verb is "I'll" written without the apostrophe, not the lexicon's "ill".
 */
function vaderReady(sentence: string): string {
  return sentence
    // "ill get stuck" is "I'll", not "ill"
    .replace(/\bill (get|be|have|need|try|do|go|make|come|call|send|take|pay|miss|probably|just|still|definitely|let|see|check)\b/gi, "I'll $1")
    .replace(/^(\W*)([A-Z])(?=[a-z])/, (_m, lead: string, c: string) => `${lead}${c.toLowerCase()}`)
    .replace(/\b(Not|No|Never|Nothing|None|Nobody|Neither|Nor|Cannot|Can't|Don't|Doesn't|Didn't|Won't|Isn't|Wasn't|Aren't|Haven't|Hasn't|Shouldn't|Wouldn't|Couldn't)\b/g, (w) => w.toLowerCase());
}
