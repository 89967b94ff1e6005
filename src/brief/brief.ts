import { z } from 'zod';
import type { Hit } from '../knowledge/article';
import type { ModelOutput } from '../model/model-port';
import type { Reason } from '../policy/reasons';
import type { Message } from '../domain/thread';
import { sentences } from '../text/tokens';

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

function condense(text: string, max = 220): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const question = sentences(oneLine).find((s) => s.endsWith('?'));
  const pick = question && question.length >= 12 ? question : oneLine;
  return pick.length > max ? `${pick.slice(0, max - 1)}…` : pick;
}

export function composeBrief(input: { question: string; earlier: Message[]; output: ModelOutput; consulted: Hit[]; reasons: Reason[] }): Brief {
  const seen = new Set<string>();
  const sources = input.consulted.filter((h) => !seen.has(h.url) && seen.add(h.url)).map((h) => ({ title: h.title, url: h.url }));
  const first = input.reasons[0];
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
    recommended_next_step: first ? NEXT_STEP[first] : input.output.recommended_next_step,
    escalation_reasons: input.reasons,
    confidence: input.output.confidence,
  };
}
