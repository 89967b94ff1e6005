import type { EscalationRules } from './escalation-rules';
import { matchesAny } from './escalation-rules';

export interface GuardInput {
  draft: string;
  /** the sources the draft cites (their urls and texts are what it may rely on) */
  cited: { url: string; text: string }[];
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

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"')\]]+/gi;

/** The output guard: a trip is the escalation reason `guardrail` (docs/contracts.md, Escalation reasons). */
export function guardDraft(input: GuardInput): GuardResult {
  const findings: string[] = [];
  if (matchesAny(input.rules.injection, input.question)) findings.push('the customer message contains instruction-like text');
  if (input.canary && input.draft.includes(input.canary)) findings.push('the draft repeats the model instructions');

  const citedUrls = new Set(input.cited.map((h) => normalizeUrl(h.url)));
  for (const url of input.draft.match(URL_PATTERN) ?? []) {
    const clean = url.replace(/[.,;:!?]+$/, '');
    if (citedUrls.has(normalizeUrl(clean))) continue;
    const host = hostOf(clean);
    if (host && input.rules.allowedLinkDomains.some((d) => host === d || host.endsWith(`.${d}`))) continue;
    findings.push(`the draft links to ${clean}, which is not a cited source or an allowed domain`);
  }

  for (const { name, pattern } of input.rules.commitments) {
    if (pattern.test(input.draft) && !input.cited.some((h) => pattern.test(h.text))) {
      findings.push(`the draft commits to ${name} that no cited source states`);
    }
  }
  return { tripped: findings.length > 0, findings };
}

function normalizeUrl(url: string): string {
  return url.replace(/[#?].*$/, '').replace(/\/+$/, '').toLowerCase();
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
