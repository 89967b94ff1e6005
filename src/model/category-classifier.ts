import type { Category } from '../policy/categories';
import { contentTerms } from '../text/tokens';

/**
 * Category by similarity to each category's name, description and examples: the question's terms
 * that a category mentions, weighted by how few categories mention them (idf).
 */
export class CategoryClassifier {
  private readonly bags: { id: string; terms: Set<string> }[];
  private readonly idf = new Map<string, number>();

  constructor(categories: Category[]) {
    this.bags = categories.map((c) => ({ id: c.id, terms: new Set(contentTerms(`${c.name} ${c.description} ${c.examples.join(' ')}`)) }));
    const df = new Map<string, number>();
    for (const bag of this.bags) for (const t of bag.terms) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, n] of df) this.idf.set(t, Math.log(1 + this.bags.length / n));
  }

  /** Scores per category id, highest first. */
  scores(text: string): { id: string; score: number }[] {
    const terms = new Set(contentTerms(text));
    return this.bags
      .map((bag) => ({ id: bag.id, score: [...terms].reduce((sum, t) => sum + (bag.terms.has(t) ? this.idf.get(t) ?? 0 : 0), 0) }))
      .sort((a, b) => b.score - a.score);
  }
}
