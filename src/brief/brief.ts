import { z } from 'zod';
import type { Hit } from '../knowledge/article';
import type { ModelOutput } from '../model/model-port';
import type { Reason } from '../policy/reasons';
import type { Message } from '../domain/thread';
import { focusOf } from '../text/focus';
import { isSpecific } from '../policy/specificity';

const ANY_WORD = { knows: () => true };

/** The fixed fields (docs/contracts.md, Handoff brief) of a handoff brief, stored as data for reports. */
export const briefSchema = z.object({
  question: z.string(),
  intent: z.string(),
  category: z.string(),
  sources: z.array(z.object({ title: z.string(), url: z.string() })),
  missing_fields: z.array(z.string()),
  sentiment: z.object({ label: z.string(), score: z.number() }),
  previous_answers: z.array(z.object({ author: z.enum(['ai', 'agent']), text: z.string() })),
  recommended_next_step: z.string(),
  escalation_reasons: z.array(z.string()),
  confidence: z.number(),
});

export type Brief = z.infer<typeof briefSchema>;

const NEXT_STEP: Record<Reason, string> = {
  human_requested: 'Reply personally: the customer asked for a person.',
  account_access: 'Verify the customer and look into the account; the answer depends on their data.',
  policy_exception: 'Decide on the exception the customer asks for; the written policy does not allow it.',
  negative_sentiment: 'Acknowledge the frustration first, then answer.',
  repeat_after_ai: 'The earlier answer did not resolve it: read the thread and take over.',
  missing_source: 'Answer from your own knowledge, then consider adding a help-center article.',
  guardrail: 'Read the message carefully: the draft was held back by the output guard.',
  low_confidence: 'Ask what the customer needs, or answer from your own knowledge.',
};

/**
 * The asking part of a message with the sentence it points back to ("I bought a sweater last week
 * and it does not fit. How can I return it?" keeps both), cut at a word boundary.
 */
function condense(text: string, max = 220): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const asking = focusOf(oneLine);
  // a question that names nothing ("What do we need to do now?") keeps the message around it
  const pick = asking.length >= 12 && isSpecific(asking, ANY_WORD) ? asking : oneLine;
  if (pick.length <= max) return pick;
  const cut = pick.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

export interface BriefInput {
  question: string;
  earlier: Message[];
  output: ModelOutput;
  consulted: Hit[];
  reasons: Reason[];
  /** the message names nothing the help center is about */
  unspecific?: boolean;
  /** the language of a message the model cannot answer from this help center */
  unreadableLanguage?: string;
}

/** What the agent should do first; a low confidence says why it is low. */
function nextStep(input: BriefInput): string {
  const first = input.reasons[0];
  if (first === 'low_confidence' && input.unreadableLanguage) {
    return `The message is in ${languageName(input.unreadableLanguage)} and the help center has no articles in it, so no draft could be grounded: answer in the customer's language.`;
  }
  if (first === 'low_confidence' && input.unspecific) return 'The message does not say what it is about: ask the customer what they need, or read the earlier tickets.';
  return first ? NEXT_STEP[first] : input.output.recommended_next_step;
}

export function composeBrief(input: BriefInput): Brief {
  const seen = new Set<string>();
  const sources = input.consulted.filter((h) => !seen.has(h.url) && seen.add(h.url)).map((h) => ({ title: h.title, url: h.url }));
  return {
    question: condense(input.question),
    intent: input.output.intent,
    category: input.output.category,
    sources,
    missing_fields: input.output.missing_fields,
    sentiment: { label: input.output.sentiment.label, score: input.output.sentiment.score },
    previous_answers: input.earlier
      .filter((m): m is Message & { author: 'ai' | 'agent' } => (m.author === 'ai' || m.author === 'agent') && m.public)
      .slice(-3)
      .map((m) => ({ author: m.author, text: condense(m.text, 160) })),
    recommended_next_step: nextStep(input),
    escalation_reasons: input.reasons,
    confidence: input.output.confidence,
  };
}
