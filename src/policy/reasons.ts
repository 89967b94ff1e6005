import type { EscalationRules } from './escalation-rules';
import { detects } from './escalation-rules';
import type { Message } from '../domain/thread';
import { contentTerms } from '../text/tokens';

/** Stable strings, in the order of the table in docs/contracts.md (Escalation reasons). */
export const REASONS = ['negative_sentiment', 'account_access', 'missing_source', 'policy_exception', 'human_requested', 'low_confidence', 'repeat_after_ai', 'guardrail'] as const;
export type Reason = (typeof REASONS)[number];

export interface Thresholds {
  negative_sentiment: number;
  low_confidence: number;
  autopilot: number;
}

/** What the model read from the customer message; any model adapter's output carries these fields. */
export interface ModelSignals {
  sentiment: { score: number };
  needs_account_access: boolean;
  policy_exception: boolean;
  asks_for_human: boolean;
  confidence: number;
}

export interface ReasonInput {
  output: ModelSignals;
  /** the customer message answered, redacted */
  question: string;
  /** messages before it, oldest first */
  earlier: Message[];
  /** cited sources that exist among the retrieved ones */
  validCitations: number;
  guardTripped: boolean;
  thresholds: Thresholds;
  rules: EscalationRules;
  /** the same requester had an AI answer in the same category within the window (another ticket) */
  repeatAcrossTickets: boolean;
  /** the model gave no usable answer (error or invalid output): that is low confidence, not a content gap */
  modelFailed?: boolean;
  /** the message names nothing the help center could be about ("it's doing it again") */
  unspecific?: boolean;
  /** the message is in a language the model cannot answer in from this help center */
  unreadable?: boolean;
}

/**
 * Which escalation reasons fire. The model's flags and the team's patterns both count, so a model
 * that misses an obvious request for a person is caught by the rules and the other way round.
 */
export function escalationReasons(input: ReasonInput): Reason[] {
  const { output, question, rules, thresholds } = input;
  const hasContent = contentTerms(question).length > 0;
  const fired: Record<Reason, boolean> = {
    negative_sentiment: output.sentiment.score < thresholds.negative_sentiment,
    account_access: output.needs_account_access || detects(rules.accountAccess, question),
    missing_source: hasContent && input.validCitations === 0,
    policy_exception: output.policy_exception || detects(rules.policyException, question),
    human_requested: output.asks_for_human || detects(rules.humanRequested, question),
    low_confidence: output.confidence < thresholds.low_confidence,
    repeat_after_ai: input.repeatAcrossTickets || repeatWithinThread(question, input.earlier, rules),
    guardrail: input.guardTripped,
  };
  // A request for a person, an account matter, an exception, anger or an attack explains the handoff by
  // itself; that the help center has no answer to it is then no content gap and no model weakness. Anger
  // alone does not explain a missing article: an upset customer's question may still be one no article
  // answers, and the team should hear of it.
  const explained = fired.human_requested || fired.account_access || fired.policy_exception || fired.negative_sentiment || fired.guardrail;
  const needsNoArticle = fired.human_requested || fired.account_access || fired.policy_exception || fired.guardrail;
  if (needsNoArticle && input.validCitations === 0) {
    fired.missing_source = false;
    fired.low_confidence = false;
  } else if (explained && input.validCitations === 0) {
    fired.low_confidence = false;
  }
  // No source is the more specific account of a low confidence: report it alone.
  if (fired.missing_source) fired.low_confidence = false;
  // A message that says nothing specific, or that the model cannot read, is no content gap: nothing
  // could have been looked up. It is the model's uncertainty, and never an answer to send.
  if (input.modelFailed || input.unspecific || input.unreadable) {
    fired.missing_source = false;
    fired.low_confidence = input.modelFailed ? !fired.guardrail : !explained || fired.low_confidence;
  }
  return REASONS.filter((r) => fired[r]);
}

/** The customer comes back after an AI answer: says it did not help, or asks the same question again. */
export function repeatWithinThread(question: string, earlier: Message[], rules: EscalationRules): boolean {
  const lastAi = earlier.map((m) => m.author).lastIndexOf('ai');
  if (lastAi < 0) return false;
  if (detects(rules.repeat, question)) return true;
  const asked = new Set(contentTerms(question));
  return earlier.slice(0, lastAi).some((m) => m.author === 'customer' && overlap(asked, new Set(contentTerms(m.text))) >= rules.sameQuestionOverlap);
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.min(a.size, b.size);
}
