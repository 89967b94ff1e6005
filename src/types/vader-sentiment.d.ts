declare module 'vader-sentiment' {
  /** VADER (Hutto and Gilbert, 2014): valence with negation, intensifiers, capitals, punctuation and "but". */
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
  };
}
