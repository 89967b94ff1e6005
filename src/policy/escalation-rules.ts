import { z } from 'zod';

const patternList = z.array(z.string().min(1)).default([]);

export const escalationSchema = z.object({
  thresholds: z.object({
    negative_sentiment: z.number().min(-1).max(1),
    low_confidence: z.number().min(0).max(1),
    autopilot: z.number().min(0).max(1),
  }),
  repeat_after_ai: z.object({
    window_days: z.number().positive(),
    patterns: patternList,
    same_question_overlap: z.number().min(0).max(1),
  }),
  patterns: z.object({
    human_requested: patternList,
    account_access: patternList,
    policy_exception: patternList,
    injection: patternList,
    commitments: z.record(z.string(), z.string()).default({}),
  }),
  allowed_link_domains: z.array(z.string()).default([]),
});

export type EscalationFile = z.infer<typeof escalationSchema>;

/** The rules compiled once: every pattern a case-insensitive regular expression. */
export interface EscalationRules {
  thresholds: EscalationFile['thresholds'];
  repeatWindowDays: number;
  sameQuestionOverlap: number;
  repeat: RegExp[];
  humanRequested: RegExp[];
  accountAccess: RegExp[];
  policyException: RegExp[];
  injection: RegExp[];
  commitments: { name: string; pattern: RegExp }[];
  allowedLinkDomains: string[];
}

function compile(list: string[], where: string): RegExp[] {
  return list.map((p, i) => {
    try {
      return new RegExp(p, 'iu');
    } catch (err) {
      throw new Error(`escalation rules: ${where}[${i}] is not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

export function compileEscalation(doc: unknown, source: string): EscalationRules {
  const parsed = escalationSchema.safeParse(doc);
  if (!parsed.success) throw new Error(`invalid escalation rules in ${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    thresholds: e.thresholds,
    repeatWindowDays: e.repeat_after_ai.window_days,
    sameQuestionOverlap: e.repeat_after_ai.same_question_overlap,
    repeat: compile(e.repeat_after_ai.patterns, 'repeat_after_ai.patterns'),
    humanRequested: compile(e.patterns.human_requested, 'patterns.human_requested'),
    accountAccess: compile(e.patterns.account_access, 'patterns.account_access'),
    policyException: compile(e.patterns.policy_exception, 'patterns.policy_exception'),
    injection: compile(e.patterns.injection, 'patterns.injection'),
    commitments: Object.entries(e.patterns.commitments).map(([name, p]) => ({ name, pattern: compile([p], `patterns.commitments.${name}`)[0]! })),
    allowedLinkDomains: e.allowed_link_domains,
  };
}

export function matchesAny(patterns: RegExp[], text: string): boolean {
  return patterns.some((p) => p.test(text));
}
