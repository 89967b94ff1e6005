import type { EscalationRules } from './escalation-rules';
import { foreignLinks } from './links';
import { matchesAny } from './escalation-rules';

export interface GuardInput {
  draft: string;
  /** the sources the draft cites (their urls, titles and texts are what it may rely on) */
  cited: { url: string; text: string; title?: string }[];
  /** the customer's message, redacted */
  question: string;
  rules: EscalationRules;
  /** a string placed in the model's instructions; seeing it in output means the instructions leaked */
  canary?: string;
}

export interface GuardResult {
  tripped: boolean;
  findings: string[];
}


/** The output guard: a trip is the escalation reason `guardrail` (docs/contracts.md, Escalation reasons). */
export function guardDraft(input: GuardInput): GuardResult {
  const findings: string[] = [];
  if (matchesAny(input.rules.injection, input.question)) findings.push('the customer message contains instruction-like text');
  if (input.canary && input.draft.includes(input.canary)) findings.push('the draft repeats the model instructions');

  for (const url of foreignLinks(input.draft, input.cited.map((h) => h.url), input.rules.allowedLinkDomains)) {
    findings.push(`the draft links to ${url}, which is not a cited source or an allowed domain`);
  }

  for (const { name, pattern } of input.rules.commitments) {
    if (pattern.test(input.draft) && !input.cited.some((h) => pattern.test(h.text) || pattern.test(h.title ?? ''))) {
      findings.push(`the draft commits to ${name} that no cited source states`);
    }
  }
  return { tripped: findings.length > 0, findings };
}
