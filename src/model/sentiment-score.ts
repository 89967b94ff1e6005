import Sentiment from 'sentiment';

// Support-specific weights on top of AFINN-165; the package handles negation ("not happy").
const EXTRAS: Record<string, number> = {
  unacceptable: -4,
  ridiculous: -3,
  furious: -4,
  outrageous: -4,
  useless: -3,
  worst: -4,
  scam: -4,
  joke: -1,
  lawyer: -3,
  mistake: -1,
  lost: -2,
};

const analyzer = new Sentiment();

/** A score in [-1, 1] and a label; strong words count more than many mild ones. */
export function scoreSentiment(text: string): { label: 'negative' | 'neutral' | 'positive'; score: number } {
  const r = analyzer.analyze(text, { extras: EXTRAS });
  const tokens = Math.max(r.tokens.length, 1);
  const strongest = r.calculation.reduce((min, c) => Math.min(min, ...Object.values(c)), 0);
  // the mean per word, plus the single most negative word, so one "furious" in a long message still shows
  const raw = r.score / Math.sqrt(tokens) / 2 + (strongest <= -4 ? -0.3 : 0);
  const score = Math.max(-1, Math.min(1, Number(raw.toFixed(3))));
  const label = score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
  return { label, score };
}
