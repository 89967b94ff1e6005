import { z } from 'zod';
import type { Hit } from '../knowledge/article';
import type { Category } from '../policy/categories';

/** What every model adapter returns, validated at the boundary (model output is untrusted input). */
export const modelOutputSchema = z.object({
  category: z.string(),
  intent: z.string(),
  language: z.string(),
  sentiment: z.object({ label: z.enum(['negative', 'neutral', 'positive']), score: z.number().min(-1).max(1) }),
  asks_for_human: z.boolean(),
  needs_account_access: z.boolean(),
  policy_exception: z.boolean(),
  confidence: z.number().min(0).max(1),
  missing_fields: z.array(z.string()),
  draft: z.string(),
  cited_source_ids: z.array(z.string()),
  recommended_next_step: z.string(),
});

export type ModelOutput = z.infer<typeof modelOutputSchema>;

export interface ModelInput {
  subject: string;
  /** the customer message being answered, redacted */
  question: string;
  /** earlier messages of the thread, oldest first, redacted */
  history: { author: 'customer' | 'agent' | 'ai' | 'system'; text: string }[];
  /** retrieved passages; the model cites them by id */
  sources: Hit[];
  categories: Category[];
  requesterName: string | null;
  /** locales the help center has articles in */
  helpCenterLocales: string[];
  /** whether a stemmed term occurs anywhere in the tenant's help center (not sent to remote models) */
  isKnownTerm?: (term: string) => boolean;
  /** how much a stemmed term tells the help center's articles apart; 0 when unknown (not sent to remote models) */
  termWeight?: (term: string) => number;
}

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
}

export type ModelResult =
  | { ok: true; output: ModelOutput; usage?: ModelUsage; model: string }
  /** a refusal, an invalid answer or a failed call: never a draft, always an escalation */
  | { ok: false; kind: 'refusal' | 'invalid' | 'error'; detail: string; usage?: ModelUsage; model: string };

export interface DraftModel {
  readonly name: string;
  draft(input: ModelInput): Promise<ModelResult>;
  /**
   * Whether the model can answer a message in this language (ISO 639-1, or 'und') from a help center
   * with articles in these locales. A model that reads any language leaves it out.
   */
  reads?(language: string, helpCenterLocales: string[]): boolean;
}

/** A help center has articles in a language when one of its locales is that language ("en-gb" is "en"). */
export function hasLocale(language: string, helpCenterLocales: string[]): boolean {
  return helpCenterLocales.some((l) => l.toLowerCase().split(/[-_]/)[0] === language);
}
